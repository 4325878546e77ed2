package dev.spirekms.cli;

import com.google.protobuf.ByteString;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.logging.Logging;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.proto.keymanager.v1.SignDataResponse;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The {@code demo} command: the plugin exactly as it is served, driven the way SPIRE server drives
 * it, against an in-memory KMS on 127.0.0.1. Prints a short report for a person on stdout.
 *
 * <p>The plugin's services run on an in-process gRPC server: the demo is about the KeyManager and
 * its calls to KMS over HTTP, and the go-plugin transport is not part of it, so no socket or port
 * is opened for the services. The local KMS checks no credentials; the demo hands the AWS SDK dummy
 * ones through its system properties, so that no real credentials are looked up or sent.
 */
final class Demo {
  static final String TRUST_DOMAIN = "example.org";
  static final String REGION = "us-east-2";
  static final String WORK_DIR_PREFIX = Cli.NAME + "-demo-";

  // the AWS SDK's SystemPropertyCredentialsProvider, first in its default chain
  static final String ACCESS_KEY_PROPERTY = "aws.accessKeyId";
  static final String SECRET_KEY_PROPERTY = "aws.secretAccessKey";
  static final String SESSION_TOKEN_PROPERTY = "aws.sessionToken";
  static final String DUMMY_ACCESS_KEY_ID = "AKIADEMOLOCALKMS0000";
  static final String DUMMY_SECRET_ACCESS_KEY = "demo-secret-for-the-local-kms-only";

  /** One key SPIRE server asks for, by SPIRE's own key id. */
  private record DemoKey(String id, KeyType type) {}

  // SPIRE server's key ids: slots A and B of the X.509 CA and of the JWT signer
  private static final List<DemoKey> KEYS =
      List.of(
          new DemoKey("x509-CA-A", KeyType.EC_P256),
          new DemoKey("JWT-Signer-A", KeyType.EC_P384),
          new DemoKey("x509-CA-B", KeyType.RSA_2048),
          new DemoKey("JWT-Signer-B", KeyType.RSA_4096));

  private static final String ROTATED = "x509-CA-A";

  private final Map<String, String> env;
  private final PrintStream out;
  private final Path workParent;
  private final Consumer<KmsModel> kmsSetup;
  private final Consumer<DemoSvids.Made> svidsMade;
  private int verified;
  private String step = "starting";

  /**
   * @param env the process environment, handed to the plugin as serving does
   * @param out where the report goes
   * @param workParent where the demo's temporary directory is made
   * @param kmsSetup applied to the local KMS before it serves (tests inject faults with it)
   * @param svidsMade given the certificates and the token the demo made (tests verify them)
   */
  Demo(
      Map<String, String> env,
      PrintStream out,
      Path workParent,
      Consumer<KmsModel> kmsSetup,
      Consumer<DemoSvids.Made> svidsMade) {
    this.env = Map.copyOf(env);
    this.out = out;
    this.workParent = workParent;
    this.kmsSetup = kmsSetup;
    this.svidsMade = svidsMade;
  }

  /** The command: report on {@code out}, a failure on {@code err}; returns the exit status. */
  static int run(Map<String, String> env, PrintStream out, PrintStream err) {
    Logging.install();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    return new Demo(env, out, tmp, model -> {}, made -> {}).run(err);
  }

  /** Runs the demo; returns 0, or prints what failed on {@code err} and returns 1. */
  int run(PrintStream err) {
    try {
      runDemo();
      return 0;
    } catch (StatusRuntimeException e) {
      err.println(String.format(CliMessages.DEMO_FAILED, step, e.getMessage()));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      err.println(String.format(CliMessages.DEMO_FAILED, step, e));
    }
    return 1;
  }

  private void runDemo() throws IOException, GeneralSecurityException {
    // RSA pairs made one ahead, so that an RSA-4096 CreateKey on a busy host answers within the
    // KMS client's attempt timeout and is not sent twice (which would leave a second key behind).
    KmsModel model = KmsModel.builder().region(REGION).withRsaKeysAhead().build();
    kmsSetup.accept(model);
    step = "creating the work directory";
    Path work = Files.createTempDirectory(workParent, WORK_DIR_PREFIX);
    step = "starting the local KMS";
    try (DummyCredentials credentials = DummyCredentials.set();
        LocalKmsServer kms = LocalKmsServer.start(model, 0)) {
      Path serverIdFile = work.resolve("server_id");
      Path policyFile = work.resolve("key-policy.json");
      Files.writeString(policyFile, keyPolicy(model.accountId()), StandardCharsets.UTF_8);
      String pluginData = pluginData(kms, serverIdFile, policyFile);

      out.println(
          Cli.NAME + " demo: the plugin's SPIRE services, driven as SPIRE server drives them");
      out.println("Local KMS: " + kms.endpoint() + " (in memory, region " + REGION + ")");
      out.println("Work directory: " + work + " (removed at the end)");
      out.println();
      out.println("Configure, trust domain " + TRUST_DOMAIN + ", plugin_data:");
      pluginData.lines().filter(l -> !l.isEmpty()).forEach(l -> out.println("  " + l));

      Map<String, String> fingerprints;
      try (InProcessPlugin plugin = InProcessPlugin.start(factory())) {
        step = "configuring the plugin";
        plugin.initAndConfigure(pluginData);
        out.println("Server id (new, kept in server_id): " + readServerId(serverIdFile));
        out.println();

        out.println("GenerateKey and SignData; each signature is checked with the JDK:");
        for (DemoKey key : KEYS) {
          step = "generating " + key.id();
          PublicKey generated = plugin.keys().generateKey(generateRequest(key)).getPublicKey();
          List<String> checks = signAndVerify(plugin.keys(), generated);
          out.println(
              String.format(
                  Locale.ROOT,
                  "  %-13s %-9s %s  %s",
                  key.id(),
                  typeName(key.type()),
                  shortFingerprint(generated.getFingerprint()),
                  String.join(", ", checks)));
        }
        out.println();

        step = "rotating " + ROTATED;
        String before = fingerprintOf(plugin.keys(), ROTATED);
        PublicKey rotated = plugin.keys().generateKey(generateRequest(KEYS.get(0))).getPublicKey();
        if (rotated.getFingerprint().equals(before)) {
          throw new IllegalStateException(CliMessages.DEMO_ROTATION_KEPT_KEY);
        }
        List<String> checks = signAndVerify(plugin.keys(), rotated);
        out.println(
            "Rotate "
                + ROTATED
                + ": fingerprint "
                + shortFingerprint(before)
                + " -> "
                + shortFingerprint(rotated.getFingerprint())
                + " ("
                + String.join(", ", checks)
                + ")");
        out.println();

        step = "listing keys";
        List<PublicKey> listed = publicKeys(plugin.keys());
        out.println("GetPublicKeys: " + listed.size() + " keys");
        for (PublicKey key : listed) {
          out.println(
              String.format(
                  Locale.ROOT,
                  "  %-13s %-9s %s",
                  key.getId(),
                  typeName(key.getType()),
                  shortFingerprint(key.getFingerprint())));
        }
        fingerprints = byId(listed);
        List<String> aliases =
            model.aliases().stream()
                .map(a -> a.aliasName())
                .filter(name -> name.startsWith("alias/SPIRE_SERVER/"))
                .toList();
        out.println("KMS: " + keyStates(model) + ", " + aliases.size() + " aliases:");
        aliases.forEach(a -> out.println("  " + a));
        out.println();

        step = "issuing an X.509 CA certificate, an X509-SVID and a JWT-SVID";
        verified += new DemoSvids(out, svidsMade).run(plugin.keys(), listed, Instant.now());
      }

      try (InProcessPlugin plugin = InProcessPlugin.start(factory())) {
        step = "configuring a fresh plugin";
        plugin.initAndConfigure(pluginData);
        step = "listing keys after the restart";
        List<PublicKey> found = publicKeys(plugin.keys());
        if (!byId(found).equals(fingerprints)) {
          throw new IllegalStateException(
              String.format(CliMessages.DEMO_RESTART_FOUND_OTHER_KEYS, byId(found), fingerprints));
        }
        out.println(
            "Restart: a fresh plugin, configured with the same plugin_data, found the same "
                + found.size()
                + " keys with the same fingerprints");
        for (PublicKey key : found) {
          step = "signing with " + key.getId() + " after the restart";
          List<String> again = signAndVerify(plugin.keys(), key, false);
          out.println(String.format(Locale.ROOT, "  %-13s %s", key.getId(), again.get(0)));
        }
        out.println("KMS: " + keyStates(model));
        out.println();
      }
      out.println(
          "Demo passed: "
              + KEYS.size()
              + " keys generated, 1 rotated, "
              + verified
              + " signatures verified, an X509-SVID and a JWT-SVID issued, same fingerprints"
              + " after restart");
    } finally {
      deleteTree(work);
    }
  }

  private AwsKmsBackendFactory factory() {
    return new AwsKmsBackendFactory(env, Cli.NAME + "/" + Version.of(Demo.class));
  }

  /** plugin_data as SPIRE server re-prints it from server.conf. */
  private static String pluginData(LocalKmsServer kms, Path serverIdFile, Path policyFile) {
    return "region = "
        + hclString(REGION)
        + "\n\nendpoint = "
        + hclString(kms.endpoint().toString())
        + "\n\nkey_identifier_file = "
        + hclString(serverIdFile.toString())
        + "\n\n"
        // the local KMS has no STS to build the default policy from the caller's role
        + "key_policy_file = "
        + hclString(policyFile.toString())
        + "\n";
  }

  private static String hclString(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String keyPolicy(String accountId) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Demo\",\"Effect\":\"Allow\","
        + "\"Principal\":{\"AWS\":\"arn:aws:iam::"
        + accountId
        + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}\n";
  }

  private static String readServerId(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }

  private static GenerateKeyRequest generateRequest(DemoKey key) {
    return GenerateKeyRequest.newBuilder().setKeyId(key.id()).setKeyType(key.type()).build();
  }

  private static String fingerprintOf(KeyManagerGrpc.KeyManagerBlockingStub keys, String id) {
    return keys.getPublicKey(GetPublicKeyRequest.newBuilder().setKeyId(id).build())
        .getPublicKey()
        .getFingerprint();
  }

  private static List<PublicKey> publicKeys(KeyManagerGrpc.KeyManagerBlockingStub keys) {
    return keys
        .getPublicKeys(GetPublicKeysRequest.getDefaultInstance())
        .getPublicKeysList()
        .stream()
        .sorted(Comparator.comparing(PublicKey::getId))
        .toList();
  }

  private static Map<String, String> byId(List<PublicKey> keys) {
    Map<String, String> fingerprints = new HashMap<>();
    keys.forEach(k -> fingerprints.put(k.getId(), k.getFingerprint()));
    return fingerprints;
  }

  private List<String> signAndVerify(KeyManagerGrpc.KeyManagerBlockingStub keys, PublicKey key)
      throws GeneralSecurityException {
    List<String> checks = new ArrayList<>(signAndVerify(keys, key, false));
    if (isRsa(key.getType())) {
      checks.addAll(signAndVerify(keys, key, true));
    }
    return checks;
  }

  /**
   * Signs a digest as SPIRE's CA and JWT signer do (SHA-384 for P-384, SHA-256 otherwise; PSS with
   * salt length -1, the hash length, as Go's crypto/rsa) and verifies the signature with the JDK.
   */
  private List<String> signAndVerify(
      KeyManagerGrpc.KeyManagerBlockingStub keys, PublicKey key, boolean pss)
      throws GeneralSecurityException {
    step = "signing with " + key.getId();
    boolean sha384 = key.getType() == KeyType.EC_P384;
    String digestName = sha384 ? "SHA-384" : "SHA-256";
    HashAlgorithm hash = sha384 ? HashAlgorithm.SHA384 : HashAlgorithm.SHA256;
    byte[] message = ("demo message for " + key.getId()).getBytes(StandardCharsets.UTF_8);
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
    if (!response.getKeyFingerprint().equals(key.getFingerprint())) {
      throw new IllegalStateException(
          String.format(CliMessages.DEMO_SIGNED_WITH_ANOTHER_FINGERPRINT, key.getId()));
    }

    boolean rsa = isRsa(key.getType());
    java.security.PublicKey publicKey = DemoSvids.javaKey(key);
    String shortHash = sha384 ? "SHA384" : "SHA256";
    Signature verifier;
    String scheme;
    if (pss) {
      verifier = Signature.getInstance("RSASSA-PSS");
      verifier.setParameter(
          new PSSParameterSpec(
              digestName, "MGF1", new MGF1ParameterSpec(digestName), digest.length, 1));
      scheme = "RSA-PSS " + digestName + " salt " + digest.length;
    } else {
      verifier = Signature.getInstance(shortHash + (rsa ? "withRSA" : "withECDSA"));
      scheme = (rsa ? "RSA PKCS#1 v1.5 " : "ECDSA ") + digestName;
    }
    verifier.initVerify(publicKey);
    verifier.update(message);
    if (!verifier.verify(response.getSignature().toByteArray())) {
      throw new IllegalStateException(
          String.format(CliMessages.DEMO_SIGNATURE_INVALID, scheme, key.getId()));
    }
    verified++;
    return List.of(scheme + " verified");
  }

  private static boolean isRsa(KeyType type) {
    return type == KeyType.RSA_2048 || type == KeyType.RSA_4096;
  }

  /** SPIRE's names for key types in server.conf ({@code ca_key_type}, {@code jwt_key_type}). */
  static String typeName(KeyType type) {
    return switch (type) {
      case EC_P256 -> "ec-p256";
      case EC_P384 -> "ec-p384";
      case RSA_2048 -> "rsa-2048";
      case RSA_4096 -> "rsa-4096";
      default -> type.name();
    };
  }

  /** E.g. {@code 5 keys (4 Enabled, 1 PendingDeletion)}. */
  private static String keyStates(KmsModel model) {
    Map<String, Integer> states = new TreeMap<>();
    model.keys().forEach(k -> states.merge(k.keyStateAsString(), 1, Integer::sum));
    List<String> counts = new ArrayList<>();
    states.forEach((state, count) -> counts.add(count + " " + state));
    return model.keys().size() + " keys (" + String.join(", ", counts) + ")";
  }

  private static String shortFingerprint(String fingerprint) {
    return fingerprint.length() <= 16 ? fingerprint : fingerprint.substring(0, 16) + "...";
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(String.format(CliMessages.DEMO_WORK_DIR_NOT_REMOVED, root), e);
    }
  }
}
