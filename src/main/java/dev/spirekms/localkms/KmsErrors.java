package dev.spirekms.localkms;

import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.DryRunOperationException;
import software.amazon.awssdk.services.kms.model.InvalidAliasNameException;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.InvalidMarkerException;
import software.amazon.awssdk.services.kms.model.KeyUnavailableException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.TagException;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

/**
 * Builds the SDK's own exceptions, shaped as the SDK shapes them when it parses a KMS error
 * response: modeled class, error code, message, status code and a request id.
 */
final class KmsErrors {
  static final String SERVICE_NAME = "Kms";

  // Error codes as KMS sends them on the wire (AWS KMS API Reference, "Common Errors" and each
  // operation's "Errors" section); ValidationException, ThrottlingException and
  // AccessDeniedException are not modeled by the SDK and arrive as a plain KmsException.
  static final String VALIDATION = "ValidationException";
  static final String THROTTLING = "ThrottlingException";
  static final String ACCESS_DENIED = "AccessDeniedException";

  private static final Map<String, Supplier<KmsException.Builder>> MODELED =
      Map.ofEntries(
          Map.entry("AlreadyExistsException", AlreadyExistsException::builder),
          Map.entry("DependencyTimeoutException", DependencyTimeoutException::builder),
          Map.entry("DisabledException", DisabledException::builder),
          Map.entry("DryRunOperationException", DryRunOperationException::builder),
          Map.entry("InvalidAliasNameException", InvalidAliasNameException::builder),
          Map.entry("InvalidArnException", InvalidArnException::builder),
          Map.entry("InvalidKeyUsageException", InvalidKeyUsageException::builder),
          Map.entry("InvalidMarkerException", InvalidMarkerException::builder),
          Map.entry("KeyUnavailableException", KeyUnavailableException::builder),
          Map.entry("KMSInternalException", KmsInternalException::builder),
          Map.entry("KMSInvalidStateException", KmsInvalidStateException::builder),
          Map.entry("LimitExceededException", LimitExceededException::builder),
          Map.entry("MalformedPolicyDocumentException", MalformedPolicyDocumentException::builder),
          Map.entry("NotFoundException", NotFoundException::builder),
          Map.entry("TagException", TagException::builder),
          Map.entry("UnsupportedOperationException", UnsupportedOperationException::builder));

  private KmsErrors() {}

  /**
   * The exception the SDK would throw for an error response with this code: the modeled class if
   * the SDK has one for the code, otherwise a plain {@link KmsException}.
   */
  static KmsException of(String errorCode, int statusCode, String message) {
    KmsException.Builder builder = MODELED.getOrDefault(errorCode, KmsException::builder).get();
    return (KmsException)
        builder
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(errorCode)
                    .errorMessage(message)
                    .serviceName(SERVICE_NAME)
                    .build())
            .message(message)
            .statusCode(statusCode)
            .requestId(UUID.randomUUID().toString())
            .build();
  }

  static KmsException notFound(String message) {
    return of("NotFoundException", 400, message);
  }

  static KmsException alreadyExists(String message) {
    return of("AlreadyExistsException", 400, message);
  }

  static KmsException invalidState(String message) {
    return of("KMSInvalidStateException", 400, message);
  }

  static KmsException invalidArn(String message) {
    return of("InvalidArnException", 400, message);
  }

  static KmsException invalidAliasName(String message) {
    return of("InvalidAliasNameException", 400, message);
  }

  static KmsException disabled(String message) {
    return of("DisabledException", 400, message);
  }

  static KmsException limitExceeded(String message) {
    return of("LimitExceededException", 400, message);
  }

  static KmsException malformedPolicy(String message) {
    return of("MalformedPolicyDocumentException", 400, message);
  }

  static KmsException unsupported(String message) {
    return of("UnsupportedOperationException", 400, message);
  }

  static KmsException tag(String message) {
    return of("TagException", 400, message);
  }

  static KmsException invalidMarker(String message) {
    return of("InvalidMarkerException", 400, message);
  }

  static KmsException invalidKeyUsage(String message) {
    return of("InvalidKeyUsageException", 400, message);
  }

  static KmsException dryRun(String message) {
    return of("DryRunOperationException", 400, message);
  }

  static KmsException internal(String message) {
    return of("KMSInternalException", 500, message);
  }

  static KmsException validation(String message) {
    return of(VALIDATION, 400, message);
  }

  /** A validation message worded as KMS words its request-shape errors. */
  static KmsException validation(String member, Object value, String constraint) {
    return validation(
        "1 validation error detected: Value '"
            + value
            + "' at '"
            + member
            + "' failed to satisfy constraint: "
            + constraint);
  }
}
