package dev.spirekms.e2e;

import static dev.spirekms.testing.HclogLines.assertHclogLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.config.v1.ValidateRequest;
import dev.spirekms.proto.config.v1.ValidateResponse;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.proto.keymanager.v1.SignDataResponse;
import dev.spirekms.testing.GoPluginHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher, started as SPIRE starts it and pointed at a local KMS, generates, rotates,
 * lists and signs with all four key types; a second launch finds the same keys.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KeyManagerEndToEndTest {
  private static final Map<String, KeyType> KEYS =
      Map.of(
          "x509-CA-A", KeyType.EC_P256,
          "JWT-Signer-A", KeyType.EC_P384,
          "bundle-acme-foo.bar+rsa", KeyType.RSA_2048,
          "x509-CA-B", KeyType.RSA_4096);

  @TempDir Path temp;

  static void init(GoPluginHost host) {
    InitGrpc.newBlockingStub(host.channel())
        .init(
            InitRequest.newBuilder()
                .addHostServiceNames("spire.hostservice.common.metrics.v1.Metrics")
                .build());
  }

  static void configure(GoPluginHost host, String pluginData) {
    ConfigGrpc.newBlockingStub(host.channel())
        .configure(
            ConfigureRequest.newBuilder()
                .setCoreConfiguration(CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                .setHclConfiguration(pluginData)
                .build());
  }

  /** GenerateKey for {@code keyId}, with SPIRE's 30 s deadline. */
  static PublicKey generate(GoPluginHost host, String keyId, KeyType type) {
    return KeyManagerGrpc.newBlockingStub(host.channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .generateKey(GenerateKeyRequest.newBuilder().setKeyId(keyId).setKeyType(type).build())
        .getPublicKey();
  }

  static List<PublicKey> publicKeys(KeyManagerGrpc.KeyManagerBlockingStub keys) {
    return keys
        .getPublicKeys(GetPublicKeysRequest.getDefaultInstance())
        .getPublicKeysList()
        .stream()
        .sorted(Comparator.comparing(PublicKey::getId))
        .toList();
  }

  /** Signs a digest the way SPIRE's CA would for this key type and checks it with the JDK. */
  static void signAndVerify(KeyManagerGrpc.KeyManagerBlockingStub keys, PublicKey key, boolean pss)
      throws Exception {
    boolean ec = key.getType() == KeyType.EC_P256 || key.getType() == KeyType.EC_P384;
    String digestName = key.getType() == KeyType.EC_P384 ? "SHA-384" : "SHA-256";
    HashAlgorithm hash =
        key.getType() == KeyType.EC_P384 ? HashAlgorithm.SHA384 : HashAlgorithm.SHA256;
    byte[] message = ("to be signed by " + key.getId()).getBytes();
    byte[] digest = MessageDigest.getInstance(digestName).digest(message);
    SignDataRequest.Builder request =
        SignDataRequest.newBuilder().setKeyId(key.getId()).setData(ByteString.copyFrom(digest));
    if (pss) {
      request.setPssOptions(
          SignDataRequest.PSSOptions.newBuilder().setHashAlgorithm(hash).setSaltLength(-1));
    } else {
      request.setHashAlgorithm(hash);
    }
    SignDataResponse response = keys.signData(request.build());
    assertEquals(key.getFingerprint(), response.getKeyFingerprint());

    java.security.PublicKey publicKey =
        KeyFactory.getInstance(ec ? "EC" : "RSA")
            .generatePublic(new X509EncodedKeySpec(key.getPkixData().toByteArray()));
    Signature verifier;
    if (pss) {
      verifier = Signature.getInstance("RSASSA-PSS");
      verifier.setParameter(
          new PSSParameterSpec(
              digestName, "MGF1", new MGF1ParameterSpec(digestName), digest.length, 1));
    } else {
      verifier =
          Signature.getInstance(
              (digestName.equals("SHA-384") ? "SHA384" : "SHA256")
                  + (ec ? "withECDSA" : "withRSA"));
    }
    verifier.initVerify(publicKey);
    verifier.update(message);
    assertTrue(verifier.verify(response.getSignature().toByteArray()), key.getId());
  }

  @Test
  void generatesRotatesListsAndSignsThenASecondLaunchFindsTheSameKeys() throws Exception {
    Path serverIdFile = temp.resolve("server_id");
    List<PublicKey> afterFirstLaunch;
    try (LocalKmsPlugin local =
        new LocalKmsPlugin(temp, KmsModel.builder().withRsaKeysAhead().build())) {
      String pluginData = local.pluginData(serverIdFile);
      try (GoPluginHost host = local.launch().start()) {
        init(host);
        ValidateResponse validation =
            ConfigGrpc.newBlockingStub(host.channel())
                .validate(
                    ValidateRequest.newBuilder()
                        .setCoreConfiguration(
                            CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                        .setHclConfiguration(pluginData)
                        .build());
        assertTrue(validation.getValid(), validation.getNotesList().toString());
        configure(host, pluginData);
        KeyManagerGrpc.KeyManagerBlockingStub keys =
            KeyManagerGrpc.newBlockingStub(host.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        assertEquals(List.of(), publicKeys(keys));

        for (Map.Entry<String, KeyType> key : KEYS.entrySet()) {
          PublicKey generated =
              keys.generateKey(
                      GenerateKeyRequest.newBuilder()
                          .setKeyId(key.getKey())
                          .setKeyType(key.getValue())
                          .build())
                  .getPublicKey();
          assertEquals(key.getKey(), generated.getId());
          signAndVerify(keys, generated, false);
          if (key.getValue() == KeyType.RSA_2048 || key.getValue() == KeyType.RSA_4096) {
            signAndVerify(keys, generated, true);
          }
        }
        PublicKey before =
            publicKeys(keys).stream()
                .filter(k -> k.getId().equals("x509-CA-A"))
                .findFirst()
                .orElseThrow();
        PublicKey rotated =
            keys.generateKey(
                    GenerateKeyRequest.newBuilder()
                        .setKeyId("x509-CA-A")
                        .setKeyType(KeyType.EC_P256)
                        .build())
                .getPublicKey();
        assertNotEquals(before.getFingerprint(), rotated.getFingerprint());
        signAndVerify(keys, rotated, false);

        afterFirstLaunch = publicKeys(keys);
        assertEquals(4, afterFirstLaunch.size());
        assertEquals(0, host.shutdown().exitCode());
        assertEquals(List.of(host.handshake().line()), host.stdoutLines());
        assertHclogLines(host.stderrLines());
        assertFalse(
            String.join("\n", host.stderrLines()).contains("local-kms-secret"),
            "no secret in the log");
      }
      assertTrue(Files.exists(serverIdFile), "the server id was persisted");
      assertEquals(5, local.kms.model().keys().size(), "four keys and the one rotated away");

      try (GoPluginHost host = local.launch().start()) {
        init(host);
        configure(host, pluginData);
        KeyManagerGrpc.KeyManagerBlockingStub keys =
            KeyManagerGrpc.newBlockingStub(host.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        List<PublicKey> found = publicKeys(keys);
        assertEquals(afterFirstLaunch, found);
        for (PublicKey key : found) {
          signAndVerify(keys, key, false);
        }
        assertEquals(0, host.shutdown().exitCode());
        assertHclogLines(host.stderrLines());
      }
    }
  }
}
