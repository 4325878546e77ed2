package dev.spirekms.spire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsClients;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.proto.keymanager.v1.SignDataResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Sixteen callers at once mixing GenerateKey, SignData, GetPublicKey, GetPublicKeys and
 * re-Configure on overlapping key ids, as SPIRE's CA rotation, JWT signing and a SIGUSR1 reload
 * can: every signature verifies with the public key whose fingerprint came with it, and that key is
 * one generated under the id asked for; the only failure allowed is NotFound for an id whose first
 * GenerateKey has not finished (spire-plugin-sdk: GetPublicKey and SignData of an unknown key); and
 * everything ends within a bound, so a deadlock fails the test.
 */
class ConcurrentCallersTest {
  private static final int CALLERS = 16;
  private static final String TRUST_DOMAIN = "example.org";
  private static final List<String> CONFIGURATIONS =
      List.of(
          "region = \"us-east-1\"\nkey_identifier_value = \"server-a\"",
          "region = \"us-east-1\"\nkey_identifier_value = \"server-a\"\nstartup_concurrency = 2");
  private static final String RSA_ID = "bundle-acme-example.org+rsa";
  // each id keeps one type, so a caller knows which hash to sign with; RSA keys are slow to make
  private static final Map<String, KeyType> IDS =
      Map.of(
          "x509-CA-A",
          KeyType.EC_P256,
          "x509-CA-B",
          KeyType.EC_P256,
          "JWT-Signer-A",
          KeyType.EC_P384,
          "JWT-Signer-B",
          KeyType.EC_P384,
          RSA_ID,
          KeyType.RSA_2048);
  private static final List<String> ID_LIST = List.copyOf(IDS.keySet());

  /** A signature to verify once every caller is done. */
  record Signed(String keyId, String fingerprint, byte[] message, String algorithm, byte[] sig) {}

  /** What the callers saw. */
  static final class Observed {
    final Map<String, PublicKey> byFingerprint = new ConcurrentHashMap<>();
    final Set<String> generated = ConcurrentHashMap.newKeySet();
    final Queue<Signed> signatures = new ConcurrentLinkedQueue<>();
    final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    final Queue<String> allowedNotFound = new ConcurrentLinkedQueue<>();
    final Set<String> fingerprintsAnswered = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger configures = new AtomicInteger();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void sixteenCallersOverTheStatefulFake() throws Exception {
    try (PluginHarness harness = new PluginHarness().configured()) {
      Observed seen = run(harness, 20, 11);
      check(seen, harness);
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void sixteenCallersOverTheLocalKmsWithTheSdkClient() throws Exception {
    KmsModel model = KmsModel.builder().withRsaKeysAhead().build();
    try (LocalKmsServer server = LocalKmsServer.start(model, 0);
        KmsClient client = LocalKmsClients.kms(server, Region.US_EAST_1);
        PluginHarness harness = new PluginHarness(model, client).configured()) {
      Observed seen = run(harness, 6, 12);
      check(seen, harness);
    }
  }

  private static Observed run(PluginHarness harness, int callsEach, long seed) throws Exception {
    Observed seen = new Observed();
    // the RSA key is made once before the callers start (an RSA pair takes long to make) and then
    // only signed with; the EC ids are generated, overwritten and signed with concurrently
    PublicKey rsa =
        harness
            .keyManager()
            .generateKey(
                GenerateKeyRequest.newBuilder()
                    .setKeyId(RSA_ID)
                    .setKeyType(KeyType.RSA_2048)
                    .build())
            .getPublicKey();
    seen.byFingerprint.put(rsa.getFingerprint(), rsa);
    seen.generated.add(RSA_ID);
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      for (int c = 0; c < CALLERS; c++) {
        Random random = new Random(seed * 100 + c);
        callers.execute(
            () -> {
              try {
                start.await();
                for (int i = 0; i < callsEach; i++) {
                  oneCall(harness, random, seen);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException | Error e) {
                seen.unexpected.add("caller stopped by " + e);
              }
            });
      }
      start.countDown();
      callers.shutdown();
      if (!callers.awaitTermination(150, TimeUnit.SECONDS)) {
        throw new AssertionError("callers still running after 150 s:\n" + threadDump());
      }
    } finally {
      callers.shutdownNow();
    }
    return seen;
  }

  private static void oneCall(PluginHarness harness, Random random, Observed seen) {
    KeyManagerGrpc.KeyManagerBlockingStub keys =
        harness.keyManager().withDeadlineAfter(30, TimeUnit.SECONDS);
    String keyId = ID_LIST.get(random.nextInt(ID_LIST.size()));
    KeyType type = IDS.get(keyId);
    boolean wasGenerated = seen.generated.contains(keyId);
    int dice = random.nextInt(100);
    seen.calls.incrementAndGet();
    try {
      if (dice < 18 && type != KeyType.RSA_2048) {
        PublicKey key =
            keys.generateKey(
                    GenerateKeyRequest.newBuilder().setKeyId(keyId).setKeyType(type).build())
                .getPublicKey();
        seen.byFingerprint.put(key.getFingerprint(), key);
        seen.generated.add(keyId);
      } else if (dice < 65) {
        sign(keys, keyId, type, random, seen);
      } else if (dice < 80) {
        PublicKey key =
            keys.getPublicKey(GetPublicKeyRequest.newBuilder().setKeyId(keyId).build())
                .getPublicKey();
        assertEquals(keyId, key.getId());
        seen.fingerprintsAnswered.add(key.getFingerprint());
      } else if (dice < 95) {
        for (PublicKey key :
            keys.getPublicKeys(GetPublicKeysRequest.getDefaultInstance()).getPublicKeysList()) {
          seen.fingerprintsAnswered.add(key.getFingerprint());
        }
      } else {
        harness
            .config()
            .configure(
                PluginHarness.configureRequest(
                    TRUST_DOMAIN, CONFIGURATIONS.get(random.nextInt(CONFIGURATIONS.size()))));
        seen.configures.incrementAndGet();
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND && !wasGenerated) {
        seen.allowedNotFound.add(keyId);
      } else {
        seen.unexpected.add(keyId + " (generated before: " + wasGenerated + "): " + e.getStatus());
      }
    }
  }

  private static void sign(
      KeyManagerGrpc.KeyManagerBlockingStub keys,
      String keyId,
      KeyType type,
      Random random,
      Observed seen) {
    byte[] message = ("message " + random.nextLong()).getBytes(StandardCharsets.UTF_8);
    SignDataRequest.Builder request = SignDataRequest.newBuilder().setKeyId(keyId);
    String algorithm;
    String digestName;
    switch (type) {
      case EC_P256 -> {
        digestName = "SHA-256";
        algorithm = "SHA256withECDSA";
        request.setHashAlgorithm(HashAlgorithm.SHA256);
      }
      case EC_P384 -> {
        digestName = "SHA-384";
        algorithm = "SHA384withECDSA";
        request.setHashAlgorithm(HashAlgorithm.SHA384);
      }
      default -> {
        digestName = "SHA-256";
        if (random.nextBoolean()) {
          algorithm = "SHA256withRSA";
          request.setHashAlgorithm(HashAlgorithm.SHA256);
        } else {
          algorithm = "RSASSA-PSS";
          request.setPssOptions(
              SignDataRequest.PSSOptions.newBuilder()
                  .setHashAlgorithm(HashAlgorithm.SHA256)
                  .setSaltLength(-1));
        }
      }
    }
    try {
      request.setData(ByteString.copyFrom(MessageDigest.getInstance(digestName).digest(message)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    SignDataResponse response = keys.signData(request.build());
    seen.signatures.add(
        new Signed(
            keyId,
            response.getKeyFingerprint(),
            message,
            algorithm,
            response.getSignature().toByteArray()));
  }

  private static void check(Observed seen, PluginHarness harness) throws Exception {
    assertEquals(List.of(), List.copyOf(seen.unexpected));
    // the mix must really have happened, or the test proves nothing
    assertTrue(seen.signatures.size() > seen.calls.get() / 10, seen.signatures.size() + " signed");
    assertTrue(seen.configures.get() > 0, "no re-Configure ran");
    assertTrue(seen.generated.size() >= 3, "only " + seen.generated + " generated");
    for (Signed signed : seen.signatures) {
      PublicKey key = seen.byFingerprint.get(signed.fingerprint());
      assertNotNull(key, "signed with a key no GenerateKey returned: " + signed.fingerprint());
      assertEquals(signed.keyId(), key.getId(), "signed with another id's key");
      assertTrue(verifies(key, signed), "a signature does not verify with key " + key.getId());
    }
    for (String fingerprint : seen.fingerprintsAnswered) {
      assertTrue(seen.byFingerprint.containsKey(fingerprint), "answered unknown " + fingerprint);
    }
    // at the end, every id's key is the one its last GenerateKey made, and exactly one per id
    List<PublicKey> finalKeys =
        harness
            .keyManager()
            .getPublicKeys(GetPublicKeysRequest.getDefaultInstance())
            .getPublicKeysList();
    assertEquals(
        seen.generated, finalKeys.stream().map(PublicKey::getId).collect(Collectors.toSet()));
    assertEquals(seen.generated.size(), finalKeys.size());
  }

  private static boolean verifies(PublicKey key, Signed signed) throws Exception {
    String family = key.getType() == KeyType.RSA_2048 ? "RSA" : "EC";
    java.security.PublicKey publicKey =
        KeyFactory.getInstance(family)
            .generatePublic(new X509EncodedKeySpec(key.getPkixData().toByteArray()));
    Signature verifier = Signature.getInstance(signed.algorithm());
    if (signed.algorithm().equals("RSASSA-PSS")) {
      verifier.setParameter(
          new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    }
    verifier.initVerify(publicKey);
    verifier.update(signed.message());
    return verifier.verify(signed.sig());
  }

  private static String threadDump() {
    List<String> lines = new ArrayList<>();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      lines.add(info.toString());
    }
    return String.join("\n", lines);
  }
}
