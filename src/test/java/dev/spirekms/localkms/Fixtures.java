package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;

/** Shared setup and assertions for the local KMS tests. */
final class Fixtures {
  static final Instant START = Instant.parse("2025-01-02T03:04:05.678901Z");

  private Fixtures() {}

  static SteppingClock clock() {
    return new SteppingClock(START);
  }

  static KmsModel model(SteppingClock clock) {
    return KmsModel.builder().clock(clock).build();
  }

  static KeyMetadata createKey(KmsModel model, KeySpec spec) {
    return model
        .createKey(
            CreateKeyRequest.builder()
                .keySpec(spec)
                .keyUsage(KeyUsageType.SIGN_VERIFY)
                .description("test key")
                .build())
        .keyMetadata();
  }

  static KeyMetadata createKey(KmsModel model) {
    return createKey(model, KeySpec.ECC_NIST_P256);
  }

  /**
   * Asserts that {@code call} throws {@code type} with the given KMS error code and status, as the
   * SDK would throw it, and returns it.
   */
  static <T extends KmsException> T assertKmsError(
      Class<T> type, String errorCode, int status, Executable call) {
    KmsException e = assertThrows(KmsException.class, call);
    assertInstanceOf(type, e, () -> "got " + e.getClass().getName() + ": " + e.getMessage());
    assertEquals(errorCode, e.awsErrorDetails().errorCode());
    assertEquals(status, e.statusCode());
    return type.cast(e);
  }

  static <T extends KmsException> T assertKmsError(
      Class<T> type, String errorCode, Executable call) {
    return assertKmsError(type, errorCode, 400, call);
  }
}
