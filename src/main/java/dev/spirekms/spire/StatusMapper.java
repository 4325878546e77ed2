package dev.spirekms.spire;

import dev.spirekms.keys.KeyStoreException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/** The one place where the plugin's errors become gRPC statuses. */
final class StatusMapper {
  private static final Logger LOG = LoggerFactory.getLogger(StatusMapper.class);

  private StatusMapper() {}

  static StatusRuntimeException invalidArgument(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  /**
   * Maps a failure of an RPC to its status, logging the ones an operator should see.
   *
   * @param rpc the RPC's name, for the log line
   * @param spireKeyId the key the RPC was about, or null
   */
  static StatusRuntimeException toStatus(String rpc, String spireKeyId, RuntimeException failure) {
    if (failure instanceof StatusRuntimeException already) {
      return already;
    }
    if (failure instanceof KeyStoreException e) {
      Status status = codeOf(e.kind()).withDescription(e.getMessage());
      log(rpc, spireKeyId, e, status);
      return status.asRuntimeException();
    }
    LoggingEventBuilder event = LOG.atError().setCause(failure).addKeyValue("rpc", rpc);
    if (spireKeyId != null) {
      event.addKeyValue("spire_key_id", spireKeyId);
    }
    event.log(SpireMessages.REQUEST_FAILED_BUG);
    return Status.INTERNAL
        .withDescription(String.format(SpireMessages.INTERNAL_ERROR, failure))
        .asRuntimeException();
  }

  private static Status codeOf(KeyStoreException.Kind kind) {
    return switch (kind) {
      case INVALID_REQUEST -> Status.INVALID_ARGUMENT;
      case KEY_NOT_FOUND -> Status.NOT_FOUND;
      case PRECONDITION -> Status.FAILED_PRECONDITION;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case INTERNAL -> Status.INTERNAL;
    };
  }

  private static void log(String rpc, String spireKeyId, KeyStoreException e, Status status) {
    LoggingEventBuilder event =
        switch (e.kind()) {
          case INVALID_REQUEST, KEY_NOT_FOUND -> LOG.atDebug();
          case UNAVAILABLE, PRECONDITION -> LOG.atWarn();
          case PERMISSION_DENIED, INTERNAL -> LOG.atError();
        };
    event
        .addKeyValue("rpc", rpc)
        .addKeyValue("code", status.getCode().name())
        .addKeyValue("reason", e.getMessage());
    if (spireKeyId != null) {
      event.addKeyValue("spire_key_id", spireKeyId);
    }
    e.awsRequestId().ifPresent(id -> event.addKeyValue("aws_request_id", id));
    event.log(SpireMessages.REQUEST_FAILED);
  }
}
