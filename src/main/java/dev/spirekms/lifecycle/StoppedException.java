package dev.spirekms.lifecycle;

/** Thrown instead of starting a KMS call once the lifecycle has been closed. */
final class StoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StoppedException() {
    super("key lifecycle is closed", null, false, false);
  }
}
