package dev.spirekms.keys;

import java.util.Optional;

/**
 * Hash algorithms as SPIRE numbers them on the wire. The numbers are Go's crypto.Hash constants
 * (spire-plugin-sdk keymanager.proto), so a number outside this table is undefined.
 */
public enum DigestAlgorithm {
  SHA224(4, 28),
  SHA256(5, 32),
  SHA384(6, 48),
  SHA512(7, 64),
  SHA3_224(10, 28),
  SHA3_256(11, 32),
  SHA3_384(12, 48),
  SHA3_512(13, 64),
  SHA512_224(14, 28),
  SHA512_256(15, 32);

  private final int number;
  private final int length;

  DigestAlgorithm(int number, int length) {
    this.number = number;
    this.length = length;
  }

  public int number() {
    return number;
  }

  /** Digest length in bytes. */
  public int length() {
    return length;
  }

  public static Optional<DigestAlgorithm> fromNumber(int number) {
    for (DigestAlgorithm algorithm : values()) {
      if (algorithm.number == number) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }
}
