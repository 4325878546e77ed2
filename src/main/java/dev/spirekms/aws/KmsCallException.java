package dev.spirekms.aws;

import java.util.Optional;

/**
 * A failed KMS or STS call, narrowed from the SDK's exceptions to the few kinds the plugin acts on.
 * The message never contains credentials.
 */
public final class KmsCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure the plugin distinguishes. */
  public enum Kind {
    THROTTLED,
    UNAVAILABLE,
    ACCESS_DENIED,
    NOT_FOUND,
    ALREADY_EXISTS,
    INVALID_ARN,
    /** KMSInvalidStateException: e.g. the key is pending deletion. */
    INVALID_STATE,
    /** DisabledException: the key is disabled. */
    DISABLED,
    INVALID_REQUEST,
    OTHER
  }

  private final Kind kind;
  private final String action;
  private final String errorCode;
  private final String requestId;

  public KmsCallException(
      Kind kind, String action, String errorCode, String requestId, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.action = action;
    this.errorCode = errorCode;
    this.requestId = requestId;
  }

  public Kind kind() {
    return kind;
  }

  /** The IAM action of the call, e.g. {@code kms:Sign}. */
  public String action() {
    return action;
  }

  /** AWS error code, e.g. {@code NotFoundException}; empty when the call never got an answer. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }
}
