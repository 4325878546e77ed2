package dev.spirekms.keys;

import dev.spirekms.aws.KmsCallException;
import java.util.Optional;

/** A key operation that failed, with the kind of failure the gRPC edge turns into a status code. */
public final class KeyStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, from the caller's point of view. */
  public enum Kind {
    /** The request itself is wrong. */
    INVALID_REQUEST,
    /** No key under that id. */
    KEY_NOT_FOUND,
    /**
     * The key or the plugin is in a state that rules the operation out (disabled key, not
     * configured).
     */
    PRECONDITION,
    /** KMS throttled, failed with a 5xx, or timed out; trying again later may work. */
    UNAVAILABLE,
    /** The credentials lack a KMS or STS permission. */
    PERMISSION_DENIED,
    /** Anything else. */
    INTERNAL
  }

  private final Kind kind;

  public KeyStoreException(Kind kind, String message) {
    this(kind, message, null);
  }

  public KeyStoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** Wraps a failed KMS or STS call: {@code context: <what KMS said>}, with the kind it implies. */
  public static KeyStoreException fromCall(String context, KmsCallException e) {
    return new KeyStoreException(kindOf(e), context + ": " + e.getMessage(), e);
  }

  public Kind kind() {
    return kind;
  }

  /** The AWS request id of the failed call behind this error, if there was one. */
  public Optional<String> awsRequestId() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof KmsCallException call) {
        return call.requestId();
      }
    }
    return Optional.empty();
  }

  private static Kind kindOf(KmsCallException e) {
    return switch (e.kind()) {
      case THROTTLED, UNAVAILABLE -> Kind.UNAVAILABLE;
      case ACCESS_DENIED -> Kind.PERMISSION_DENIED;
      case INVALID_STATE, DISABLED -> Kind.PRECONDITION;
      case NOT_FOUND, ALREADY_EXISTS, INVALID_ARN, INVALID_REQUEST, OTHER -> Kind.INTERNAL;
    };
  }
}
