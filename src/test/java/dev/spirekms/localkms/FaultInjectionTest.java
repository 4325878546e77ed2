package dev.spirekms.localkms;

import static dev.spirekms.localkms.Fixtures.assertKmsError;
import static dev.spirekms.localkms.Fixtures.createKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

class FaultInjectionTest {
  private final KmsModel model = Fixtures.model(Fixtures.clock());

  @Test
  void failNextFailsExactlyThatManyCallsThenRecovers() {
    String keyId = createKey(model).keyId();
    FaultRule rule = model.faults().failNext("Sign", 2, Fault.throttling());

    assertKmsError(KmsException.class, "ThrottlingException", () -> sign(keyId));
    assertEquals(1, rule.remaining());
    assertKmsError(KmsException.class, "ThrottlingException", () -> sign(keyId));
    sign(keyId);

    assertEquals(2, rule.fired());
    assertEquals(0, rule.remaining());
    assertTrue(model.faults().rules().isEmpty(), "used-up rules are dropped");
  }

  @Test
  void faultsApplyOnlyToTheirOperation() {
    model.faults().failAlways("CreateAlias", Fault.accessDenied());
    String keyId = createKey(model).keyId();
    sign(keyId);
    assertKmsError(
        KmsException.class,
        "AccessDeniedException",
        () ->
            model.createAlias(
                CreateAliasRequest.builder().aliasName("alias/a").targetKeyId(keyId).build()));
  }

  @Test
  void failAlwaysFailsUntilCleared() {
    String keyId = createKey(model).keyId();
    FaultRule rule = model.faults().failAlways("Sign", Fault.internalError());
    for (int i = 0; i < 5; i++) {
      assertKmsError(KmsInternalException.class, "KMSInternalException", 500, () -> sign(keyId));
    }
    assertEquals(5, rule.fired());
    assertEquals(FaultRule.UNLIMITED, rule.remaining());

    model.faults().clear("Sign");
    sign(keyId);
  }

  @Test
  void aPredicateSelectsTheRequestsToFail() {
    String broken = createKey(model).keyId();
    String healthy = createKey(model).keyId();
    model
        .faults()
        .failAlwaysWhen(
            "Sign", SignRequest.class, request -> request.keyId().equals(broken), Fault.notFound());

    assertKmsError(NotFoundException.class, "NotFoundException", () -> sign(broken));
    sign(healthy);
    assertKmsError(NotFoundException.class, "NotFoundException", () -> sign(broken));
  }

  @Test
  void failNextWhenCountsOnlyMatchingCalls() {
    String a = createKey(model).keyId();
    String b = createKey(model).keyId();
    FaultRule rule =
        model
            .faults()
            .failNextWhen(
                "DescribeKey",
                1,
                DescribeKeyRequest.class,
                request -> request.keyId().equals(b),
                Fault.invalidState());

    describe(a);
    describe(a);
    assertKmsError(KmsInvalidStateException.class, "KMSInvalidStateException", () -> describe(b));
    describe(b);
    assertEquals(1, rule.fired());
  }

  @Test
  void beforeApplyFaultsLeaveTheStateUnchanged() {
    model.faults().failNext("CreateKey", 1, Fault.throttling());
    assertThrows(KmsException.class, () -> createKey(model));
    assertTrue(model.keys().isEmpty());
  }

  @Test
  void afterApplyFaultsKeepTheChangeButFailTheCall() {
    FaultRule rule =
        model
            .faults()
            .add(FaultRule.on("CreateKey").times(1).afterApply().failWith(Fault.timeout()));
    assertTrue(rule.afterApply());

    assertThrows(ApiCallTimeoutException.class, () -> createKey(model));

    assertEquals(1, model.keys().size(), "the key was created although the caller saw a timeout");
    KmsCall call = model.calls("CreateKey").get(0);
    assertFalse(call.succeeded());
    assertInstanceOf(ApiCallTimeoutException.class, call.error());
  }

  @Test
  void rulesAreTriedInOrder() {
    String keyId = createKey(model).keyId();
    model.faults().failNext("Sign", 1, Fault.disabled());
    model.faults().failNext("Sign", 1, Fault.limitExceeded());
    assertKmsError(DisabledException.class, "DisabledException", () -> sign(keyId));
    assertKmsError(LimitExceededException.class, "LimitExceededException", () -> sign(keyId));
    sign(keyId);
  }

  @Test
  void clearRemovesEveryRule() {
    String keyId = createKey(model).keyId();
    model.faults().failAlways("Sign", Fault.throttling());
    model.faults().failAlways("DescribeKey", Fault.throttling());
    assertEquals(2, model.faults().rules().size());
    model.faults().clear();
    sign(keyId);
    describe(keyId);
  }

  @Test
  void factoriesShapeExceptionsAsTheSdkDoes() {
    KmsException throttling = (KmsException) Fault.throttling().exception("Sign");
    assertTrue(throttling.isThrottlingException());
    assertEquals(400, throttling.statusCode());
    assertEquals("Kms", throttling.awsErrorDetails().serviceName());
    assertTrue(throttling.requestId() != null && !throttling.requestId().isEmpty());

    KmsException denied = (KmsException) Fault.accessDenied().exception("Sign");
    assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
    assertTrue(denied.awsErrorDetails().errorMessage().contains("kms:Sign"));
    assertFalse(denied.isThrottlingException());

    assertInstanceOf(KmsInternalException.class, Fault.internalError().exception("Sign"));
    assertEquals(500, ((KmsException) Fault.internalError().exception("Sign")).statusCode());
    assertInstanceOf(DependencyTimeoutException.class, Fault.dependencyTimeout().exception("Sign"));
    assertInstanceOf(ApiCallTimeoutException.class, Fault.timeout().exception("Sign"));

    KmsException modeled =
        (KmsException) Fault.serviceError("NotFoundException", 400, "gone").exception("Sign");
    assertInstanceOf(NotFoundException.class, modeled);
    assertEquals("gone", modeled.awsErrorDetails().errorMessage());
    KmsException plain =
        (KmsException) Fault.serviceError("SomethingNew", 503, "later").exception("Sign");
    assertSame(KmsException.class, plain.getClass());
    assertEquals(503, plain.statusCode());

    IllegalStateException custom = new IllegalStateException("boom");
    assertSame(custom, Fault.of(() -> custom).exception("Sign"));
    assertTrue(
        Fault.throttling().exception("Sign") != Fault.throttling().exception("Sign"),
        "each call gets a fresh exception");
  }

  @Test
  void rulesNameRealOperations() {
    assertThrows(
        IllegalArgumentException.class,
        () -> model.faults().failAlways("sign", Fault.throttling()));
    assertThrows(IllegalArgumentException.class, () -> model.faults().clear("Encrypt"));
    assertThrows(IllegalArgumentException.class, () -> FaultRule.on("Sign").times(0));
    assertThrows(NullPointerException.class, () -> FaultRule.on("Sign").failWith(null));
  }

  @Test
  void ruleToStringSaysWhatItDoes() {
    FaultRule rule = FaultRule.on("Sign").always().afterApply().failWith(Fault.throttling());
    assertEquals("FaultRule{Sign, after apply, remaining=unlimited, fired=0}", rule.toString());
    assertEquals(
        "FaultRule{CreateKey, remaining=2, fired=0}",
        FaultRule.on("CreateKey").times(2).failWith(Fault.throttling()).toString());
  }

  @Test
  void aFaultReturningNothingIsAProgrammingError() {
    model.faults().failNext("ListKeys", 1, operation -> null);
    assertThrows(
        NullPointerException.class,
        () ->
            model.listKeys(
                software.amazon.awssdk.services.kms.model.ListKeysRequest.builder().build()));
  }

  @Test
  void faultsAreCheckedBeforeRequestValidation() {
    model.faults().failNext("CreateKey", 1, Fault.throttling());
    // An invalid request still sees the fault first, as a throttled call never reaches KMS.
    assertKmsError(
        KmsException.class,
        "ThrottlingException",
        () ->
            model.createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                    .build()));
    assertEquals(List.of(), model.keys());
  }

  private void sign(String keyId) {
    model.sign(
        SignRequest.builder()
            .keyId(keyId)
            .message(SdkBytes.fromUtf8String("m"))
            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
            .build());
  }

  private void describe(String keyId) {
    model.describeKey(DescribeKeyRequest.builder().keyId(keyId).build());
  }
}
