package dev.spirekms.keys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Key fingerprints: lowercase hex SHA-256 of the PKIX DER, as upstream aws_kms computes them. */
public final class Fingerprints {
  private Fingerprints() {}

  public static String of(byte[] pkixDer) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pkixDer));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
