package dev.spirekms.localkms;

import static dev.spirekms.localkms.Fixtures.assertKmsError;
import static dev.spirekms.localkms.Fixtures.createKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DryRunOperationException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/** Every signing algorithm KMS allows, RAW and DIGEST, verified with the JDK's own verifiers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KmsModelSignTest {
  private static final byte[] MESSAGE =
      "SPIRE X.509 CA certificate to be signed".getBytes(StandardCharsets.UTF_8);

  private final KmsModel model = KmsModel.create();
  private final Map<KeySpec, KeyMetadata> keys = new EnumMap<>(KeySpec.class);

  @BeforeAll
  void createOneKeyPerSpec() {
    for (KeySpec spec :
        new KeySpec[] {
          KeySpec.ECC_NIST_P256,
          KeySpec.ECC_NIST_P384,
          KeySpec.ECC_NIST_P521,
          KeySpec.RSA_2048,
          KeySpec.RSA_3072,
          KeySpec.RSA_4096
        }) {
      keys.put(spec, createKey(model, spec));
    }
  }

  static Stream<Arguments> allowedPairs() {
    Stream.Builder<Arguments> pairs = Stream.builder();
    pairs.add(Arguments.of(KeySpec.ECC_NIST_P256, SigningAlgorithmSpec.ECDSA_SHA_256));
    pairs.add(Arguments.of(KeySpec.ECC_NIST_P384, SigningAlgorithmSpec.ECDSA_SHA_384));
    pairs.add(Arguments.of(KeySpec.ECC_NIST_P521, SigningAlgorithmSpec.ECDSA_SHA_512));
    for (KeySpec spec : new KeySpec[] {KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096}) {
      for (SigningAlgorithmSpec algorithm :
          new SigningAlgorithmSpec[] {
            SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256,
            SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_384,
            SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_512,
            SigningAlgorithmSpec.RSASSA_PSS_SHA_256,
            SigningAlgorithmSpec.RSASSA_PSS_SHA_384,
            SigningAlgorithmSpec.RSASSA_PSS_SHA_512
          }) {
        pairs.add(Arguments.of(spec, algorithm));
      }
    }
    return pairs.build();
  }

  @ParameterizedTest
  @MethodSource("allowedPairs")
  void rawMessageSignatureVerifiesWithTheJdk(KeySpec spec, SigningAlgorithmSpec algorithm)
      throws Exception {
    KeyMetadata key = keys.get(spec);

    SignResponse response = sign(key.keyId(), algorithm, MessageType.RAW, MESSAGE);

    assertEquals(key.arn(), response.keyId());
    assertEquals(algorithm, response.signingAlgorithm());
    byte[] signature = response.signature().asByteArray();
    assertTrue(verify(model.publicKey(key.keyId()), algorithm, MESSAGE, signature));
    assertFormat(model.publicKey(key.keyId()), signature);
  }

  @ParameterizedTest
  @MethodSource("allowedPairs")
  void digestSignatureVerifiesWithTheJdkOverTheOriginalMessage(
      KeySpec spec, SigningAlgorithmSpec algorithm) throws Exception {
    KeyMetadata key = keys.get(spec);
    byte[] digest = MessageDigest.getInstance(hashOf(algorithm)).digest(MESSAGE);

    SignResponse response = sign(key.arn(), algorithm, MessageType.DIGEST, digest);

    byte[] signature = response.signature().asByteArray();
    PublicKey publicKey = model.publicKey(key.keyId());
    assertTrue(verify(publicKey, algorithm, MESSAGE, signature));
    assertFalse(verify(publicKey, algorithm, "another message".getBytes(), signature));
    assertFormat(publicKey, signature);
  }

  @ParameterizedTest
  @EnumSource(
      value = SigningAlgorithmSpec.class,
      names = {"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"})
  void pssUsesASaltAsLongAsTheHash(SigningAlgorithmSpec algorithm) throws Exception {
    KeyMetadata key = keys.get(KeySpec.RSA_2048);
    String hash = hashOf(algorithm);
    byte[] digest = MessageDigest.getInstance(hash).digest(MESSAGE);
    PublicKey publicKey = model.publicKey(key.keyId());

    for (MessageType type : new MessageType[] {MessageType.RAW, MessageType.DIGEST}) {
      byte[] signature =
          sign(key.keyId(), algorithm, type, type == MessageType.RAW ? MESSAGE : digest)
              .signature()
              .asByteArray();
      assertTrue(
          verifyPss(publicKey, hash, MessageDigest.getInstance(hash).getDigestLength(), signature));
      assertFalse(verifyPss(publicKey, hash, 0, signature), "salt length 0 must not verify");
      assertFalse(verifyPss(publicKey, hash, 20, signature), "salt length 20 must not verify");
    }
  }

  @Test
  void pssSignaturesAreRandomizedPkcs1AreNot() {
    String keyId = keys.get(KeySpec.RSA_2048).keyId();
    byte[] pss1 =
        sign(keyId, SigningAlgorithmSpec.RSASSA_PSS_SHA_256, MessageType.RAW, MESSAGE)
            .signature()
            .asByteArray();
    byte[] pss2 =
        sign(keyId, SigningAlgorithmSpec.RSASSA_PSS_SHA_256, MessageType.RAW, MESSAGE)
            .signature()
            .asByteArray();
    byte[] v15a =
        sign(keyId, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256, MessageType.RAW, MESSAGE)
            .signature()
            .asByteArray();
    byte[] v15b =
        sign(keyId, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256, MessageType.RAW, MESSAGE)
            .signature()
            .asByteArray();
    assertFalse(java.util.Arrays.equals(pss1, pss2));
    assertArrayEquals(v15a, v15b);
  }

  @Test
  void rawIsTheDefaultMessageType() throws Exception {
    KeyMetadata key = keys.get(KeySpec.ECC_NIST_P256);
    byte[] signature =
        model
            .sign(
                SignRequest.builder()
                    .keyId(key.keyId())
                    .message(SdkBytes.fromByteArray(MESSAGE))
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                    .build())
            .signature()
            .asByteArray();
    assertTrue(
        verify(
            model.publicKey(key.keyId()), SigningAlgorithmSpec.ECDSA_SHA_256, MESSAGE, signature));
  }

  @ParameterizedTest
  @CsvSource({
    "ECC_NIST_P256, ECDSA_SHA_384",
    "ECC_NIST_P256, ECDSA_SHA_512",
    "ECC_NIST_P256, RSASSA_PKCS1_V1_5_SHA_256",
    "ECC_NIST_P384, ECDSA_SHA_256",
    "ECC_NIST_P384, ECDSA_SHA_512",
    "ECC_NIST_P521, ECDSA_SHA_256",
    "RSA_2048, ECDSA_SHA_256",
    "RSA_4096, ECDSA_SHA_512",
    "RSA_2048, SM2_DSA",
    "ECC_NIST_P256, ED25519_SHA_512"
  })
  void algorithmsKmsDoesNotAllowForTheKeySpecAreInvalidKeyUsage(
      KeySpec spec, SigningAlgorithmSpec algorithm) {
    assertKmsError(
        InvalidKeyUsageException.class,
        "InvalidKeyUsageException",
        () -> sign(keys.get(spec).keyId(), algorithm, MessageType.RAW, MESSAGE));
  }

  @ParameterizedTest
  @CsvSource({
    "ECC_NIST_P256, ECDSA_SHA_256, 31",
    "ECC_NIST_P256, ECDSA_SHA_256, 48",
    "ECC_NIST_P384, ECDSA_SHA_384, 32",
    "RSA_2048, RSASSA_PKCS1_V1_5_SHA_512, 32",
    "RSA_2048, RSASSA_PSS_SHA_256, 64"
  })
  void aDigestMustHaveTheHashLength(KeySpec spec, SigningAlgorithmSpec algorithm, int length) {
    KmsException e =
        assertKmsError(
            KmsException.class,
            "ValidationException",
            () -> sign(keys.get(spec).keyId(), algorithm, MessageType.DIGEST, new byte[length]));
    assertTrue(e.awsErrorDetails().errorMessage().contains("Digest is invalid length"));
  }

  @Test
  void messageSizeIsOneTo4096Bytes() {
    String keyId = keys.get(KeySpec.ECC_NIST_P256).keyId();
    sign(keyId, SigningAlgorithmSpec.ECDSA_SHA_256, MessageType.RAW, new byte[4096]);
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> sign(keyId, SigningAlgorithmSpec.ECDSA_SHA_256, MessageType.RAW, new byte[4097]));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> sign(keyId, SigningAlgorithmSpec.ECDSA_SHA_256, MessageType.RAW, new byte[0]));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () ->
            model.sign(
                SignRequest.builder()
                    .keyId(keyId)
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                    .build()));
  }

  @Test
  void requestShapeErrorsAreValidationErrors() {
    String keyId = keys.get(KeySpec.ECC_NIST_P256).keyId();
    SdkBytes message = SdkBytes.fromByteArray(MESSAGE);
    for (SignRequest request :
        new SignRequest[] {
          SignRequest.builder().keyId(keyId).message(message).build(),
          SignRequest.builder()
              .keyId(keyId)
              .message(message)
              .signingAlgorithm("ECDSA_SHA_1")
              .build(),
          SignRequest.builder()
              .keyId(keyId)
              .message(message)
              .messageType("HASH")
              .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
              .build(),
          SignRequest.builder()
              .message(message)
              .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
              .build()
        }) {
      assertKmsError(KmsException.class, "ValidationException", () -> model.sign(request));
    }
  }

  @Test
  void signingWithAnEncryptionKeyIsInvalidKeyUsage() {
    String keyId =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.RSA_2048)
                    .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                    .build())
            .keyMetadata()
            .keyId();
    assertKmsError(
        InvalidKeyUsageException.class,
        "InvalidKeyUsageException",
        () -> sign(keyId, SigningAlgorithmSpec.RSASSA_PSS_SHA_256, MessageType.RAW, MESSAGE));
  }

  @Test
  void signByAliasAndUnknownKeys() throws Exception {
    KeyMetadata key = keys.get(KeySpec.ECC_NIST_P384);
    model.createAlias(
        CreateAliasRequest.builder().aliasName("alias/signer").targetKeyId(key.keyId()).build());

    SignResponse response =
        sign("alias/signer", SigningAlgorithmSpec.ECDSA_SHA_384, MessageType.RAW, MESSAGE);

    assertEquals(key.arn(), response.keyId());
    assertTrue(
        verify(
            model.publicKey(key.keyId()),
            SigningAlgorithmSpec.ECDSA_SHA_384,
            MESSAGE,
            response.signature().asByteArray()));
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> sign("alias/none", SigningAlgorithmSpec.ECDSA_SHA_384, MessageType.RAW, MESSAGE));
  }

  @Test
  void dryRunSucceedsByFailing() {
    String keyId = keys.get(KeySpec.ECC_NIST_P256).keyId();
    assertKmsError(
        DryRunOperationException.class,
        "DryRunOperationException",
        () ->
            model.sign(
                SignRequest.builder()
                    .keyId(keyId)
                    .message(SdkBytes.fromByteArray(MESSAGE))
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                    .dryRun(true)
                    .build()));
    // A dry run that would fail reports the real error.
    assertKmsError(
        InvalidKeyUsageException.class,
        "InvalidKeyUsageException",
        () ->
            model.sign(
                SignRequest.builder()
                    .keyId(keyId)
                    .message(SdkBytes.fromByteArray(MESSAGE))
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)
                    .dryRun(true)
                    .build()));
  }

  private SignResponse sign(
      String keyId, SigningAlgorithmSpec algorithm, MessageType type, byte[] message) {
    return model.sign(
        SignRequest.builder()
            .keyId(keyId)
            .message(SdkBytes.fromByteArray(message))
            .messageType(type)
            .signingAlgorithm(algorithm)
            .build());
  }

  private static String hashOf(SigningAlgorithmSpec algorithm) {
    String name = algorithm.toString();
    return "SHA-" + name.substring(name.length() - 3);
  }

  /** Verifies over the whole message, the way a relying party does. */
  private static boolean verify(
      PublicKey key, SigningAlgorithmSpec algorithm, byte[] message, byte[] signature)
      throws Exception {
    String hash = hashOf(algorithm);
    String name = algorithm.toString();
    if (name.startsWith("RSASSA_PSS")) {
      return verifyPss(
          key, hash, MessageDigest.getInstance(hash).getDigestLength(), message, signature);
    }
    String jdk = hash.replace("-", "") + (name.startsWith("ECDSA") ? "withECDSA" : "withRSA");
    Signature verifier = Signature.getInstance(jdk);
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(signature);
  }

  private static boolean verifyPss(PublicKey key, String hash, int saltLength, byte[] signature)
      throws Exception {
    return verifyPss(key, hash, saltLength, MESSAGE, signature);
  }

  private static boolean verifyPss(
      PublicKey key, String hash, int saltLength, byte[] message, byte[] signature)
      throws Exception {
    Signature verifier = Signature.getInstance("RSASSA-PSS");
    verifier.setParameter(
        new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), saltLength, 1));
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(signature);
  }

  /** ECDSA signatures are ASN.1 DER SEQUENCE{r, s}; RSA signatures are modulus-length bytes. */
  private static void assertFormat(PublicKey key, byte[] signature) {
    if (key instanceof RSAPublicKey rsa) {
      assertEquals((rsa.getModulus().bitLength() + 7) / 8, signature.length);
    } else {
      assertEquals(0x30, signature[0] & 0xFF, "DER SEQUENCE tag");
      int contentLength =
          (signature[1] & 0x80) == 0 ? signature[1] : signature[2] & 0xFF; // long form: 0x81 nn
      int headerLength = (signature[1] & 0x80) == 0 ? 2 : 3;
      assertEquals(signature.length, headerLength + contentLength);
      assertEquals(0x02, signature[headerLength] & 0xFF, "INTEGER r");
    }
  }
}
