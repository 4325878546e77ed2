package dev.spirekms.localkms;

import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * What an injected fault throws. A fault makes a fresh exception for every call it fails; the
 * factories below shape each one as the real SDK would throw it.
 */
@FunctionalInterface
public interface Fault {

  /** The exception to throw for a call of {@code operation}. */
  RuntimeException exception(String operation);

  /** KMS throttling: a retryable {@code KmsException}, code ThrottlingException, status 400. */
  static Fault throttling() {
    return operation ->
        KmsErrors.of(
            KmsErrors.THROTTLING, 400, "You have exceeded the rate at which you may call KMS");
  }

  /** Missing permission: {@code KmsException}, code AccessDeniedException, status 400. */
  static Fault accessDenied() {
    return operation ->
        KmsErrors.of(
            KmsErrors.ACCESS_DENIED,
            400,
            "User is not authorized to perform: "
                + (KmsOperations.GET_RESOURCES.equals(operation) ? "tag:" : "kms:")
                + operation
                + " because no policy allows it");
  }

  /** A KMS internal error: {@code KmsInternalException}, status 500. */
  static Fault internalError() {
    return operation -> KmsErrors.internal("An internal error occurred");
  }

  /** {@code NotFoundException}, as if the key or alias did not exist. */
  static Fault notFound() {
    return operation -> KmsErrors.notFound("Key does not exist");
  }

  /** {@code KmsInvalidStateException}, as if the key were in the wrong state. */
  static Fault invalidState() {
    return operation -> KmsErrors.invalidState("Key is pending deletion");
  }

  /** {@code DisabledException}, as if the key were disabled. */
  static Fault disabled() {
    return operation -> KmsErrors.disabled("Key is disabled");
  }

  /** {@code LimitExceededException}, as if a quota were exhausted. */
  static Fault limitExceeded() {
    return operation -> KmsErrors.limitExceeded("Limit exceeded");
  }

  /** {@code DependencyTimeoutException}, status 500: KMS timed out on a dependency. */
  static Fault dependencyTimeout() {
    return operation ->
        KmsErrors.of("DependencyTimeoutException", 500, "Dependency timed out, please retry");
  }

  /**
   * A client-side timeout: {@link ApiCallTimeoutException}. Served over HTTP, the server holds the
   * request without answering, so the client's own timeout fires.
   */
  static Fault timeout() {
    return operation -> ApiCallTimeoutException.create(1_000);
  }

  /**
   * Any KMS error response: the SDK's modeled exception for {@code errorCode} if it has one,
   * otherwise a plain {@code KmsException} with that code.
   */
  static Fault serviceError(String errorCode, int statusCode, String message) {
    Objects.requireNonNull(errorCode, "errorCode");
    Objects.requireNonNull(message, "message");
    return operation -> KmsErrors.of(errorCode, statusCode, message);
  }

  /** Any exception, made fresh for each failed call by {@code supplier}. */
  static Fault of(Supplier<? extends RuntimeException> supplier) {
    Objects.requireNonNull(supplier, "supplier");
    return operation -> supplier.get();
  }
}
