package dev.spirekms.localkms;

import static dev.spirekms.localkms.Fixtures.START;
import static dev.spirekms.localkms.Fixtures.createKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;

class CallLogTest {
  private final SteppingClock clock = Fixtures.clock();
  private final KmsModel model = Fixtures.model(clock);

  @Test
  void everyCallIsRecordedWithItsOutcome() {
    String keyId = createKey(model).keyId();
    clock.advance(Duration.ofSeconds(1));
    DescribeKeyRequest missing = DescribeKeyRequest.builder().keyId("alias/missing").build();
    assertThrows(NotFoundException.class, () -> model.describeKey(missing));

    List<KmsCall> calls = model.calls();
    assertEquals(2, calls.size());

    KmsCall create = calls.get(0);
    assertEquals("CreateKey", create.operation());
    assertTrue(create.succeeded());
    assertEquals(keyId, ((CreateKeyResponse) create.response()).keyMetadata().keyId());
    assertNull(create.error());
    assertEquals(Optional.empty(), create.errorCode());
    assertEquals(START, create.at());

    KmsCall describe = calls.get(1);
    assertEquals("DescribeKey", describe.operation());
    assertFalse(describe.succeeded());
    assertEquals(missing, describe.request(DescribeKeyRequest.class));
    assertInstanceOf(NotFoundException.class, describe.error());
    assertEquals(Optional.of("NotFoundException"), describe.errorCode());
    assertNull(describe.response());
    assertEquals(START.plusSeconds(1), describe.at());
  }

  @Test
  void callsCanBeQueriedByOperation() {
    String keyId = createKey(model).keyId();
    model.createAlias(CreateAliasRequest.builder().aliasName("alias/a").targetKeyId(keyId).build());
    for (int i = 0; i < 3; i++) {
      model.updateAlias(
          UpdateAliasRequest.builder().aliasName("alias/a").targetKeyId(keyId).build());
    }

    assertEquals(3, model.callCount("UpdateAlias"));
    assertEquals(3, model.calls("UpdateAlias").size());
    assertEquals(1, model.callCount("CreateAlias"));
    assertEquals(0, model.callCount("Sign"));
    List<UpdateAliasRequest> requests = model.requests("UpdateAlias", UpdateAliasRequest.class);
    assertEquals(3, requests.size());
    assertTrue(requests.stream().allMatch(r -> r.aliasName().equals("alias/a")));
    assertThrows(
        ClassCastException.class, () -> model.requests("UpdateAlias", ListKeysRequest.class));
    assertThrows(IllegalArgumentException.class, () -> model.callCount("updateAlias"));
    assertThrows(IllegalArgumentException.class, () -> model.calls("Verify"));
  }

  @Test
  void clearCallsEmptiesTheLog() {
    createKey(model);
    model.clearCalls();
    assertTrue(model.calls().isEmpty());
    assertEquals(0, model.callCount("CreateKey"));
    createKey(model);
    assertEquals(1, model.callCount("CreateKey"));
  }

  @Test
  void aBoundedLogDropsTheOldestCallsButKeepsCounting() {
    KmsModel small = KmsModel.builder().callLogCapacity(2).build();
    for (int i = 0; i < 5; i++) {
      small.listKeys(ListKeysRequest.builder().limit(i + 1).build());
    }
    assertEquals(5, small.callCount("ListKeys"));
    List<ListKeysRequest> kept = small.requests("ListKeys", ListKeysRequest.class);
    assertEquals(List.of(4, 5), kept.stream().map(ListKeysRequest::limit).toList());
    assertThrows(IllegalArgumentException.class, () -> KmsModel.builder().callLogCapacity(0));
  }

  @Test
  void aCallHasEitherAResponseOrAnError() {
    DescribeKeyRequest request = DescribeKeyRequest.builder().build();
    assertThrows(
        IllegalArgumentException.class,
        () -> new KmsCall("DescribeKey", request, null, null, START));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new KmsCall(
                "DescribeKey",
                request,
                software.amazon.awssdk.services.kms.model.DescribeKeyResponse.builder().build(),
                new IllegalStateException(),
                START));
    assertEquals(
        Optional.empty(),
        new KmsCall("DescribeKey", request, null, new IllegalStateException(), START).errorCode());
  }

  @Test
  void modelRejectsNullRequests() {
    assertThrows(NullPointerException.class, () -> model.describeKey(null));
  }
}
