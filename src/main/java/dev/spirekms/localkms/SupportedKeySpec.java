package dev.spirekms.localkms;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/** The asymmetric key specs the local KMS can create, with the algorithms KMS allows for each. */
enum SupportedKeySpec {
  RSA_2048(KeySpec.RSA_2048, 2048, null, null),
  RSA_3072(KeySpec.RSA_3072, 3072, null, null),
  RSA_4096(KeySpec.RSA_4096, 4096, null, null),
  ECC_NIST_P256(KeySpec.ECC_NIST_P256, 256, "secp256r1", SigningAlgorithmSpec.ECDSA_SHA_256),
  ECC_NIST_P384(KeySpec.ECC_NIST_P384, 384, "secp384r1", SigningAlgorithmSpec.ECDSA_SHA_384),
  ECC_NIST_P521(KeySpec.ECC_NIST_P521, 521, "secp521r1", SigningAlgorithmSpec.ECDSA_SHA_512);

  // KMS: RSA keys sign with PKCS#1 v1.5 and PSS over SHA-256/384/512 (API Reference, KeySpec).
  private static final List<SigningAlgorithmSpec> RSA_SIGNING =
      List.of(
          SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256,
          SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_384,
          SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_512,
          SigningAlgorithmSpec.RSASSA_PSS_SHA_256,
          SigningAlgorithmSpec.RSASSA_PSS_SHA_384,
          SigningAlgorithmSpec.RSASSA_PSS_SHA_512);

  // KMS: RSA keys with KeyUsage ENCRYPT_DECRYPT list these (API Reference, GetPublicKey).
  private static final List<EncryptionAlgorithmSpec> RSA_ENCRYPTION =
      List.of(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1, EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256);

  private final KeySpec keySpec;
  private final int bits;
  private final String curve;
  private final SigningAlgorithmSpec eccAlgorithm;

  SupportedKeySpec(KeySpec keySpec, int bits, String curve, SigningAlgorithmSpec eccAlgorithm) {
    this.keySpec = keySpec;
    this.bits = bits;
    this.curve = curve;
    this.eccAlgorithm = eccAlgorithm;
  }

  static Optional<SupportedKeySpec> of(KeySpec keySpec) {
    return Arrays.stream(values()).filter(spec -> spec.keySpec == keySpec).findFirst();
  }

  KeySpec keySpec() {
    return keySpec;
  }

  boolean isRsa() {
    return curve == null;
  }

  /** Signing algorithms KMS allows for this spec: one ECDSA hash per curve, six for RSA. */
  List<SigningAlgorithmSpec> signingAlgorithms() {
    return isRsa() ? RSA_SIGNING : List.of(eccAlgorithm);
  }

  List<EncryptionAlgorithmSpec> encryptionAlgorithms() {
    return isRsa() ? RSA_ENCRYPTION : List.of();
  }

  KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(isRsa() ? "RSA" : "EC");
      AlgorithmParameterSpec params =
          isRsa()
              ? new RSAKeyGenParameterSpec(bits, BigInteger.valueOf(65537))
              : new ECGenParameterSpec(curve);
      generator.initialize(params, random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate a " + keySpec + " key pair", e);
    }
  }
}
