package dev.spirekms.spire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.proto.keymanager.v1.SignDataResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** SPIRE's KeyManager contract cases (keymanagertest), over in-process gRPC. */
class KeyManagerConformanceTest {
  private static final Map<KeyType, String> KEY_IDS =
      Map.of(
          KeyType.EC_P256, "ec-p256",
          KeyType.EC_P384, "ec-p384",
          KeyType.RSA_2048, "rsa-2048",
          KeyType.RSA_4096, "rsa-4096");

  private final PluginHarness harness = new PluginHarness().configured();

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private PublicKey generate(String id, KeyType type) {
    return harness
        .keyManager()
        .generateKey(GenerateKeyRequest.newBuilder().setKeyId(id).setKeyType(type).build())
        .getPublicKey();
  }

  private static java.security.PublicKey parse(PublicKey key) throws Exception {
    String algorithm = key.getType().name().startsWith("EC") ? "EC" : "RSA";
    return KeyFactory.getInstance(algorithm)
        .generatePublic(new X509EncodedKeySpec(key.getPkixData().toByteArray()));
  }

  private static void assertStatus(Status.Code code, String message, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals(message, e.getStatus().getDescription());
  }

  private static void checkShape(PublicKey key, KeyType type) throws Exception {
    assertEquals(KEY_IDS.get(type), key.getId());
    assertEquals(type, key.getType());
    java.security.PublicKey parsed = parse(key);
    switch (type) {
      case EC_P256 -> assertEquals(256, ((ECPublicKey) parsed).getParams().getCurve().getField().getFieldSize());
      case EC_P384 -> assertEquals(384, ((ECPublicKey) parsed).getParams().getCurve().getField().getFieldSize());
      case RSA_2048 -> assertEquals(2048, ((RSAPublicKey) parsed).getModulus().bitLength());
      case RSA_4096 -> assertEquals(4096, ((RSAPublicKey) parsed).getModulus().bitLength());
      default -> throw new AssertionError(type);
    }
    assertEquals(64, key.getFingerprint().length());
  }

  /** Every algorithm the contract expects to work, per key type (AWS declares the EC pairs it lacks). */
  static Stream<Arguments> supportedSignatures() {
    return Stream.of(
        Arguments.of(KeyType.EC_P256, HashAlgorithm.SHA256, false, "SHA256withECDSA"),
        Arguments.of(KeyType.EC_P384, HashAlgorithm.SHA384, false, "SHA384withECDSA"),
        Arguments.of(KeyType.RSA_2048, HashAlgorithm.SHA256, false, "SHA256withRSA"),
        Arguments.of(KeyType.RSA_2048, HashAlgorithm.SHA384, false, "SHA384withRSA"),
        Arguments.of(KeyType.RSA_2048, HashAlgorithm.SHA512, false, "SHA512withRSA"),
        Arguments.of(KeyType.RSA_2048, HashAlgorithm.SHA256, true, "SHA-256"),
        Arguments.of(KeyType.RSA_2048, HashAlgorithm.SHA384, true, "SHA-384"),
        Arguments.of(KeyType.RSA_2048, HashAlgorithm.SHA512, true, "SHA-512"),
        Arguments.of(KeyType.RSA_4096, HashAlgorithm.SHA256, false, "SHA256withRSA"),
        Arguments.of(KeyType.RSA_4096, HashAlgorithm.SHA384, false, "SHA384withRSA"),
        Arguments.of(KeyType.RSA_4096, HashAlgorithm.SHA512, false, "SHA512withRSA"),
        Arguments.of(KeyType.RSA_4096, HashAlgorithm.SHA256, true, "SHA-256"),
        Arguments.of(KeyType.RSA_4096, HashAlgorithm.SHA384, true, "SHA-384"),
        Arguments.of(KeyType.RSA_4096, HashAlgorithm.SHA512, true, "SHA-512"));
  }

  @ParameterizedTest
  @MethodSource("supportedSignatures")
  void generatedKeysSignWithEveryAlgorithm(KeyType type, HashAlgorithm hash, boolean pss, String jdk)
      throws Exception {
    PublicKey key = generate(KEY_IDS.get(type), type);
    checkShape(key, type);
    byte[] message = ("tbs certificate for " + type + " " + hash).getBytes();
    String digestName = switch (hash) {
      case SHA256 -> "SHA-256";
      case SHA384 -> "SHA-384";
      default -> "SHA-512";
    };
    byte[] digest = MessageDigest.getInstance(digestName).digest(message);
    SignDataRequest.Builder request =
        SignDataRequest.newBuilder().setKeyId(key.getId()).setData(ByteString.copyFrom(digest));
    if (pss) {
      // Go's x509 and crypto/tls send PSSSaltLengthEqualsHash = -1
      request.setPssOptions(
          SignDataRequest.PSSOptions.newBuilder().setHashAlgorithm(hash).setSaltLength(-1));
    } else {
      request.setHashAlgorithm(hash);
    }
    SignDataResponse response = harness.keyManager().signData(request.build());
    assertEquals(key.getFingerprint(), response.getKeyFingerprint());

    Signature verifier;
    if (pss) {
      verifier = Signature.getInstance("RSASSA-PSS");
      int saltLength = digest.length;
      verifier.setParameter(
          new PSSParameterSpec(digestName, "MGF1", new MGF1ParameterSpec(digestName), saltLength, 1));
    } else {
      verifier = Signature.getInstance(jdk);
    }
    verifier.initVerify(parse(key));
    verifier.update(message);
    assertTrue(verifier.verify(response.getSignature().toByteArray()), "signature verifies");
  }

  static Stream<Arguments> unsupportedEcSignatures() {
    return Stream.of(
        Arguments.of(KeyType.EC_P256, HashAlgorithm.SHA384, 48),
        Arguments.of(KeyType.EC_P256, HashAlgorithm.SHA512, 64),
        Arguments.of(KeyType.EC_P384, HashAlgorithm.SHA256, 32),
        Arguments.of(KeyType.EC_P384, HashAlgorithm.SHA512, 64));
  }

  @ParameterizedTest
  @MethodSource("unsupportedEcSignatures")
  void unsupportedEcCombinationsAreInvalidArgument(KeyType type, HashAlgorithm hash, int length) {
    generate(KEY_IDS.get(type), type);
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "unsupported combination of keytype: " + type + " and hashing algorithm: " + hash,
        () ->
            harness
                .keyManager()
                .signData(
                    SignDataRequest.newBuilder()
                        .setKeyId(KEY_IDS.get(type))
                        .setData(ByteString.copyFrom(new byte[length]))
                        .setHashAlgorithm(hash)
                        .build()));
  }

  @Test
  void generateKeyRequiresKeyIdAndType() {
    assertStatus(
        Status.Code.INVALID_ARGUMENT, "key id is required", () -> generate("", KeyType.EC_P256));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "key type is required",
        () -> generate("id", KeyType.UNSPECIFIED_KEY_TYPE));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "unsupported key type: 9",
        () ->
            harness
                .keyManager()
                .generateKey(GenerateKeyRequest.newBuilder().setKeyId("id").setKeyTypeValue(9).build()));
  }

  @Test
  void keyIdCanBeOverwrittenAndTheFingerprintChanges() {
    PublicKey first = generate("id", KeyType.EC_P256);
    PublicKey second = generate("id", KeyType.RSA_2048);
    assertNotEquals(first.getFingerprint(), second.getFingerprint());
    assertEquals(KeyType.RSA_2048, second.getType());
    SignDataResponse signed =
        harness
            .keyManager()
            .signData(
                SignDataRequest.newBuilder()
                    .setKeyId("id")
                    .setData(ByteString.copyFrom(new byte[32]))
                    .setHashAlgorithm(HashAlgorithm.SHA256)
                    .build());
    // SPIRE compares this with the fingerprint it holds: the old handle fails with "does not match"
    assertEquals(second.getFingerprint(), signed.getKeyFingerprint());
    assertNotEquals(first.getFingerprint(), signed.getKeyFingerprint());
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "EC_P384", "RSA_2048", "RSA_4096"})
  void getPublicKeyReturnsWhatGenerateReturned(KeyType type) throws Exception {
    PublicKey generated = generate(KEY_IDS.get(type), type);
    PublicKey fetched =
        harness
            .keyManager()
            .getPublicKey(GetPublicKeyRequest.newBuilder().setKeyId(KEY_IDS.get(type)).build())
            .getPublicKey();
    assertEquals(generated, fetched);
    checkShape(fetched, type);
  }

  @Test
  void getPublicKeyErrorsAreExact() {
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "key id is required",
        () -> harness.keyManager().getPublicKey(GetPublicKeyRequest.getDefaultInstance()));
    assertStatus(
        Status.Code.NOT_FOUND,
        "key \"nope\" not found",
        () -> harness.keyManager().getPublicKey(GetPublicKeyRequest.newBuilder().setKeyId("nope").build()));
  }

  @Test
  void getPublicKeysListsEveryKey() throws Exception {
    assertEquals(
        List.of(), harness.keyManager().getPublicKeys(GetPublicKeysRequest.getDefaultInstance()).getPublicKeysList());
    for (KeyType type : KEY_IDS.keySet()) {
      generate(KEY_IDS.get(type), type);
    }
    List<PublicKey> keys =
        harness.keyManager().getPublicKeys(GetPublicKeysRequest.getDefaultInstance()).getPublicKeysList();
    assertEquals(4, keys.size());
    for (PublicKey key : keys) {
      checkShape(key, key.getType());
    }
  }

  @Test
  void signDataRequestErrors() {
    generate("ec", KeyType.EC_P256);
    ByteString digest = ByteString.copyFrom(new byte[32]);
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "key id is required",
        () -> harness.keyManager().signData(SignDataRequest.newBuilder().setData(digest).setHashAlgorithm(HashAlgorithm.SHA256).build()));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "signer opts is required",
        () -> harness.keyManager().signData(SignDataRequest.newBuilder().setKeyId("ec").setData(digest).build()));
    assertStatus(
        Status.Code.NOT_FOUND,
        "key \"missing\" not found",
        () -> harness.keyManager().signData(SignDataRequest.newBuilder().setKeyId("missing").setData(digest).setHashAlgorithm(HashAlgorithm.SHA256).build()));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "hash algorithm is required",
        () -> harness.keyManager().signData(SignDataRequest.newBuilder().setKeyId("ec").setData(digest).setHashAlgorithmValue(0).build()));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "unsupported combination of keytype: EC_P256 and hashing algorithm: 3",
        () -> harness.keyManager().signData(SignDataRequest.newBuilder().setKeyId("ec").setData(digest).setHashAlgorithmValue(3).build()));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "PSS options are only valid for RSA keys, not EC_P256",
        () -> harness.keyManager().signData(SignDataRequest.newBuilder().setKeyId("ec").setData(digest)
            .setPssOptions(SignDataRequest.PSSOptions.newBuilder().setHashAlgorithm(HashAlgorithm.SHA256).setSaltLength(-1)).build()));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "digest is 20 bytes long but SHA256 needs 32",
        () -> harness.keyManager().signData(SignDataRequest.newBuilder().setKeyId("ec").setData(ByteString.copyFrom(new byte[20])).setHashAlgorithm(HashAlgorithm.SHA256).build()));
  }

  @Test
  void kmsFailuresGetTheirCodes() {
    generate("ec", KeyType.EC_P256);
    SignDataRequest request =
        SignDataRequest.newBuilder().setKeyId("ec").setData(ByteString.copyFrom(new byte[32])).setHashAlgorithm(HashAlgorithm.SHA256).build();
    harness.model.faults().failNext("Sign", 1, dev.spirekms.localkms.Fault.throttling());
    StatusRuntimeException throttled = assertThrows(StatusRuntimeException.class, () -> harness.keyManager().signData(request));
    assertEquals(Status.Code.UNAVAILABLE, throttled.getStatus().getCode());
    harness.model.faults().failNext("Sign", 1, dev.spirekms.localkms.Fault.accessDenied());
    StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> harness.keyManager().signData(request));
    assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
    assertTrue(denied.getStatus().getDescription().contains("kms:Sign"), denied.getStatus().getDescription());
    harness.model.faults().failNext("Sign", 1, dev.spirekms.localkms.Fault.invalidState());
    assertEquals(Status.Code.FAILED_PRECONDITION,
        assertThrows(StatusRuntimeException.class, () -> harness.keyManager().signData(request)).getStatus().getCode());
    harness.model.faults().failNext("Sign", 1, dev.spirekms.localkms.Fault.serviceError("SomethingOdd", 400, "odd"));
    assertEquals(Status.Code.INTERNAL,
        assertThrows(StatusRuntimeException.class, () -> harness.keyManager().signData(request)).getStatus().getCode());
  }
}
