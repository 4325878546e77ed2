package dev.spirekms.keys;

import dev.spirekms.keys.KeyStoreException.Kind;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Which KMS signing algorithm serves a SPIRE sign request: upstream aws_kms's table, stricter.
 *
 * <p>Upstream accepts PSS options on an EC key and ignores the salt length; here both are checked,
 * because KMS signs PSS only with a salt as long as the hash.
 */
public final class SigningAlgorithms {
  // Go crypto/rsa: PSSSaltLengthAuto = 0, PSSSaltLengthEqualsHash = -1
  private static final int SALT_AUTO = 0;
  private static final int SALT_EQUALS_HASH = -1;

  private SigningAlgorithms() {}

  /**
   * The KMS algorithm for a key type and SPIRE's signer options; checks the digest's length too.
   */
  public static SigningAlgorithmSpec select(
      SpireKeyType type, SignerOptions options, int digestLength) {
    if (options.hashNumber() == 0) {
      throw invalid(KeyMessages.HASH_ALGORITHM_REQUIRED);
    }
    DigestAlgorithm hash =
        DigestAlgorithm.fromNumber(options.hashNumber())
            .orElseThrow(
                () ->
                    invalid(
                        String.format(
                            KeyMessages.UNSUPPORTED_COMBINATION, type, options.hashNumber())));
    if (options.pss() && !type.isRsa()) {
      throw invalid(String.format(KeyMessages.PSS_NOT_RSA, type));
    }
    SigningAlgorithmSpec spec = table(type, hash, options.pss());
    if (spec == null) {
      throw invalid(String.format(KeyMessages.UNSUPPORTED_COMBINATION, type, hash));
    }
    if (options.pss()) {
      int salt = options.saltLength();
      if (salt != SALT_AUTO && salt != SALT_EQUALS_HASH && salt != hash.length()) {
        throw invalid(
            String.format(KeyMessages.UNSUPPORTED_SALT_LENGTH, salt, hash.length(), hash));
      }
    }
    if (digestLength != hash.length()) {
      throw invalid(String.format(KeyMessages.DIGEST_LENGTH, digestLength, hash, hash.length()));
    }
    return spec;
  }

  private static SigningAlgorithmSpec table(SpireKeyType type, DigestAlgorithm hash, boolean pss) {
    return switch (type) {
      // KMS: ECC_NIST_P256 signs only with ECDSA_SHA_256, ECC_NIST_P384 only with ECDSA_SHA_384
      case EC_P256 -> hash == DigestAlgorithm.SHA256 ? SigningAlgorithmSpec.ECDSA_SHA_256 : null;
      case EC_P384 -> hash == DigestAlgorithm.SHA384 ? SigningAlgorithmSpec.ECDSA_SHA_384 : null;
      case RSA_2048, RSA_4096 ->
          switch (hash) {
            case SHA256 ->
                pss
                    ? SigningAlgorithmSpec.RSASSA_PSS_SHA_256
                    : SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256;
            case SHA384 ->
                pss
                    ? SigningAlgorithmSpec.RSASSA_PSS_SHA_384
                    : SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_384;
            case SHA512 ->
                pss
                    ? SigningAlgorithmSpec.RSASSA_PSS_SHA_512
                    : SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_512;
            default -> null;
          };
    };
  }

  private static KeyStoreException invalid(String message) {
    return new KeyStoreException(Kind.INVALID_REQUEST, message);
  }
}
