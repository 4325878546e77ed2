package dev.spirekms.aws;

import dev.spirekms.aws.KmsCallException.Kind;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/** The one place where AWS SDK exceptions become {@link KmsCallException}s. */
public final class AwsCalls {
  // KMS error codes: https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
  private static final Set<String> BAD_CREDENTIALS =
      Set.of(
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "ExpiredTokenException",
          "ExpiredToken",
          "InvalidSignatureException",
          "IncompleteSignature",
          "SignatureDoesNotMatch");
  private static final Set<String> TRANSIENT =
      Set.of(
          "KMSInternalException",
          "KmsInternalException",
          "DependencyTimeoutException",
          "KeyUnavailableException",
          "ServiceUnavailable",
          "InternalFailure");
  private static final Set<String> INVALID_REQUEST =
      Set.of(
          "ValidationException",
          "InvalidAliasNameException",
          "MalformedPolicyDocumentException",
          "UnsupportedOperationException",
          "TagException",
          "LimitExceededException",
          "InvalidMarkerException",
          "InvalidKeyUsageException");

  private AwsCalls() {}

  /**
   * Runs one SDK call, translating its failure.
   *
   * @param action the IAM action, e.g. {@code kms:Sign}, named in access-denied messages
   */
  public static <T> T call(String action, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw translate(action, e);
    } catch (CredentialsUnavailableException e) {
      throw unsigned(action, e);
    }
  }

  /** Narrows an SDK exception to the kinds the plugin acts on. */
  public static KmsCallException translate(String action, SdkException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CredentialsUnavailableException missing) {
        return unsigned(action, missing);
      }
    }
    if (e instanceof AwsServiceException service) {
      return fromService(action, service);
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new KmsCallException(
          Kind.UNAVAILABLE,
          action,
          null,
          null,
          String.format(AwsMessages.TIMED_OUT, action, e.getMessage()),
          e);
    }
    if (e.retryable() || isIoFailure(e)) {
      return new KmsCallException(
          Kind.UNAVAILABLE,
          action,
          null,
          null,
          String.format(AwsMessages.UNREACHABLE, action, e.getMessage()),
          e);
    }
    return new KmsCallException(
        Kind.OTHER,
        action,
        null,
        null,
        String.format(AwsMessages.FAILED, action, e.getMessage()),
        e);
  }

  /**
   * The call could not be signed: a role hop has no valid session (STS unreachable or refusing).
   */
  private static KmsCallException unsigned(String action, CredentialsUnavailableException e) {
    return new KmsCallException(
        Kind.UNAVAILABLE,
        action,
        null,
        null,
        String.format(AwsMessages.NOT_SENT, action, e.getMessage()),
        e);
  }

  private static KmsCallException fromService(String action, AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String text =
        e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
            ? e.getMessage()
            : e.awsErrorDetails().errorMessage();
    String described = (code == null ? "" : code + ": ") + text;
    String requestId = e.requestId();
    Kind kind = kindOf(e, code);
    String message =
        switch (kind) {
          case ACCESS_DENIED ->
              BAD_CREDENTIALS.contains(code)
                  ? String.format(AwsMessages.CREDENTIALS_REJECTED, action, described)
                  : String.format(AwsMessages.ACCESS_DENIED, action, described);
          case THROTTLED -> String.format(AwsMessages.THROTTLED, action, described);
          default -> String.format(AwsMessages.FAILED, action, described);
        };
    return new KmsCallException(kind, action, code, requestId, message, e);
  }

  private static Kind kindOf(AwsServiceException e, String code) {
    if (e.isThrottlingException()) {
      return Kind.THROTTLED;
    }
    if (code == null) {
      return e.statusCode() >= 500 ? Kind.UNAVAILABLE : Kind.OTHER;
    }
    if (code.startsWith("AccessDenied") || BAD_CREDENTIALS.contains(code)) {
      return Kind.ACCESS_DENIED;
    }
    if (TRANSIENT.contains(code) || e.statusCode() >= 500) {
      return Kind.UNAVAILABLE;
    }
    return switch (code) {
      case "NotFoundException" -> Kind.NOT_FOUND;
      case "AlreadyExistsException" -> Kind.ALREADY_EXISTS;
      case "InvalidArnException" -> Kind.INVALID_ARN;
      case "KMSInvalidStateException", "KmsInvalidStateException" -> Kind.INVALID_STATE;
      case "DisabledException" -> Kind.DISABLED;
      default -> INVALID_REQUEST.contains(code) ? Kind.INVALID_REQUEST : Kind.OTHER;
    };
  }

  private static boolean isIoFailure(SdkException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }
}
