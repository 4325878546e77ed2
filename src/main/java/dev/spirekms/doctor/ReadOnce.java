package dev.spirekms.doctor;

import dev.spirekms.aws.KmsCallException;
import java.util.function.Supplier;

/**
 * A read that doctor makes at most once per run: its answer, or the KMS error it failed with, is
 * kept, so every check that needs it asks no second time.
 */
final class ReadOnce<T> {
  private final Supplier<T> read;
  private T value;
  private KmsCallException failure;

  ReadOnce(Supplier<T> read) {
    this.read = read;
  }

  /**
   * @throws KmsCallException when the read failed (every call after the first throws the same)
   */
  T get() {
    if (failure != null) {
      throw failure;
    }
    if (value == null) {
      try {
        value = read.get();
      } catch (KmsCallException e) {
        failure = e;
        throw e;
      }
    }
    return value;
  }

  /** Whether the read failed. */
  boolean failed() {
    try {
      get();
      return false;
    } catch (KmsCallException e) {
      return true;
    }
  }
}
