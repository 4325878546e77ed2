package dev.spirekms.localkms;

/** A request body that does not fit the operation's shape: answered as SerializationException. */
final class MalformedRequestException extends RuntimeException {
  MalformedRequestException(String message) {
    super(message);
  }
}
