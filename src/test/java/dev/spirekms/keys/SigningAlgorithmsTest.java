package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spirekms.keys.KeyStoreException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

class SigningAlgorithmsTest {

  @ParameterizedTest
  @CsvSource({
    "EC_P256, 5, false, ECDSA_SHA_256",
    "EC_P384, 6, false, ECDSA_SHA_384",
    "RSA_2048, 5, false, RSASSA_PKCS1_V1_5_SHA_256",
    "RSA_2048, 6, false, RSASSA_PKCS1_V1_5_SHA_384",
    "RSA_2048, 7, false, RSASSA_PKCS1_V1_5_SHA_512",
    "RSA_4096, 5, true, RSASSA_PSS_SHA_256",
    "RSA_4096, 6, true, RSASSA_PSS_SHA_384",
    "RSA_4096, 7, true, RSASSA_PSS_SHA_512",
  })
  void upstreamTable(SpireKeyType type, int hash, boolean pss, SigningAlgorithmSpec expected) {
    int length = DigestAlgorithm.fromNumber(hash).orElseThrow().length();
    SignerOptions options = pss ? SignerOptions.pss(hash, -1) : SignerOptions.pkcs1(hash);
    assertEquals(expected, SigningAlgorithms.select(type, options, length));
  }

  @ParameterizedTest
  @CsvSource({
    "EC_P256, 6, 'unsupported combination of keytype: EC_P256 and hashing algorithm: SHA384'",
    "EC_P256, 7, 'unsupported combination of keytype: EC_P256 and hashing algorithm: SHA512'",
    "EC_P384, 5, 'unsupported combination of keytype: EC_P384 and hashing algorithm: SHA256'",
    "RSA_2048, 4, 'unsupported combination of keytype: RSA_2048 and hashing algorithm: SHA224'",
    "RSA_2048, 11, 'unsupported combination of keytype: RSA_2048 and hashing algorithm: SHA3_256'",
    "RSA_2048, 3, 'unsupported combination of keytype: RSA_2048 and hashing algorithm: 3'",
    "EC_P256, 8, 'unsupported combination of keytype: EC_P256 and hashing algorithm: 8'",
    "EC_P256, 0, 'hash algorithm is required'",
  })
  void rejectedCombinations(SpireKeyType type, int hash, String message) {
    KeyStoreException e =
        assertThrows(
            KeyStoreException.class,
            () -> SigningAlgorithms.select(type, SignerOptions.pkcs1(hash), 32));
    assertEquals(Kind.INVALID_REQUEST, e.kind());
    assertEquals(message, e.getMessage());
  }

  @Test
  void pssOnEcKeyIsRejected() {
    KeyStoreException e =
        assertThrows(
            KeyStoreException.class,
            () -> SigningAlgorithms.select(SpireKeyType.EC_P256, SignerOptions.pss(5, -1), 32));
    assertEquals(Kind.INVALID_REQUEST, e.kind());
    assertEquals("PSS options are only valid for RSA keys, not EC_P256", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"-1, true", "0, true", "32, true", "20, false", "64, false", "-2, false", "256, false"})
  void pssSaltLength(int salt, boolean accepted) {
    SignerOptions options = SignerOptions.pss(5, salt);
    if (accepted) {
      assertEquals(
          SigningAlgorithmSpec.RSASSA_PSS_SHA_256,
          SigningAlgorithms.select(SpireKeyType.RSA_2048, options, 32));
    } else {
      KeyStoreException e =
          assertThrows(
              KeyStoreException.class,
              () -> SigningAlgorithms.select(SpireKeyType.RSA_2048, options, 32));
      assertEquals(
          "unsupported PSS salt length " + salt
              + ": KMS signs with a salt as long as the hash (32 bytes for SHA256)",
          e.getMessage());
    }
  }

  @Test
  void digestLengthMustMatchTheHash() {
    KeyStoreException e =
        assertThrows(
            KeyStoreException.class,
            () -> SigningAlgorithms.select(SpireKeyType.EC_P384, SignerOptions.pkcs1(6), 32));
    assertEquals(Kind.INVALID_REQUEST, e.kind());
    assertEquals("digest is 32 bytes long but SHA384 needs 48", e.getMessage());
  }

  @Test
  void keySpecsMapBothWays() {
    for (SpireKeyType type : SpireKeyType.values()) {
      assertEquals(type, SpireKeyType.fromKeySpec(type.keySpec()).orElseThrow());
    }
    assertEquals(
        java.util.Optional.empty(),
        SpireKeyType.fromKeySpec(software.amazon.awssdk.services.kms.model.KeySpec.ECC_NIST_P521));
  }
}
