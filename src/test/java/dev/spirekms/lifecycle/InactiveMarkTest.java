package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.SpireTags;
import dev.spirekms.localkms.FakeKmsClient;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;

class InactiveMarkTest {
  private final KmsModel model = KmsModel.create();
  private final LifecycleKms kms = new LifecycleKms(new FakeKmsClient(model), new StopSwitch());
  private final CapturedLog log = new CapturedLog();

  private String key() {
    return model
        .createKey(
            CreateKeyRequest.builder()
                .keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsageType.SIGN_VERIFY)
                .build())
        .keyMetadata()
        .arn();
  }

  @Test
  void tagsTheKeyInactive() {
    String arn = key();

    assertTrue(InactiveMark.apply(kms, arn, log));

    assertEquals("false", model.tags(arn).get(SpireTags.ACTIVE));
    assertEquals(List.of(), log.atLeast(Level.WARN));
  }

  @Test
  void aKeyPendingDeletionThatCannotBeTaggedIsNotCountedAsAFailure() {
    String arn = key();
    model.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(arn).pendingWindowInDays(7).build());

    assertTrue(InactiveMark.apply(kms, arn, log));

    assertEquals(List.of(), log.atLeast(Level.WARN));
  }

  @Test
  void anyOtherRefusalIsWarnedAndCounted() {
    String arn = key();
    model.faults().failNext(KmsOperations.TAG_RESOURCE, 1, Fault.accessDenied());

    assertFalse(InactiveMark.apply(kms, arn, log));

    assertEquals(1, log.withMessage(LifecycleMessages.NOT_MARKED_INACTIVE).size());
    assertEquals(null, model.tags(arn).get(SpireTags.ACTIVE));
  }
}
