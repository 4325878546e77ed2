package dev.spirekms.localkms;

import java.util.HexFormat;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/** How each KMS signing algorithm maps onto the JDK: family, hash and its digest length. */
enum SigningScheme {
  ECDSA_SHA_256(Family.ECDSA, "SHA-256", 32),
  ECDSA_SHA_384(Family.ECDSA, "SHA-384", 48),
  ECDSA_SHA_512(Family.ECDSA, "SHA-512", 64),
  RSASSA_PKCS1_V1_5_SHA_256(Family.PKCS1_V1_5, "SHA-256", 32),
  RSASSA_PKCS1_V1_5_SHA_384(Family.PKCS1_V1_5, "SHA-384", 48),
  RSASSA_PKCS1_V1_5_SHA_512(Family.PKCS1_V1_5, "SHA-512", 64),
  RSASSA_PSS_SHA_256(Family.PSS, "SHA-256", 32),
  RSASSA_PSS_SHA_384(Family.PSS, "SHA-384", 48),
  RSASSA_PSS_SHA_512(Family.PSS, "SHA-512", 64);

  enum Family {
    ECDSA,
    PKCS1_V1_5,
    PSS
  }

  private final Family family;
  private final String hash;
  private final int digestLength;

  SigningScheme(Family family, String hash, int digestLength) {
    this.family = family;
    this.hash = hash;
    this.digestLength = digestLength;
  }

  static SigningScheme of(SigningAlgorithmSpec spec) {
    return valueOf(spec.name());
  }

  Family family() {
    return family;
  }

  /** JDK MessageDigest name, e.g. {@code SHA-256}. */
  String hash() {
    return hash;
  }

  /** Length in bytes a DIGEST message must have (API Reference, Sign: MessageType). */
  int digestLength() {
    return digestLength;
  }

  /** JDK Signature name that hashes the message itself, e.g. {@code SHA256withECDSA}. */
  String jdkSignatureOverMessage() {
    String h = hash.replace("-", "");
    return switch (family) {
      case ECDSA -> h + "withECDSA";
      case PKCS1_V1_5 -> h + "withRSA";
      case PSS -> "RSASSA-PSS";
    };
  }

  /**
   * DER prefix of the PKCS#1 v1.5 DigestInfo for this hash (RFC 8017 §9.2, note 1); the encoded
   * DigestInfo is this prefix followed by the digest.
   */
  byte[] digestInfoPrefix() {
    return HexFormat.of()
        .parseHex(
            switch (hash) {
              case "SHA-256" -> "3031300d060960864801650304020105000420";
              case "SHA-384" -> "3041300d060960864801650304020205000430";
              default -> "3051300d060960864801650304020305000440";
            });
  }
}
