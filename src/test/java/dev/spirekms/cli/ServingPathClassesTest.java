package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.testing.GoPluginHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * BouncyCastle and Nimbus are on the class path for the demo only: serving SPIRE must not load a
 * class of theirs. The plugin runs as SPIRE runs it, from {@code Main} in a JVM of its own on this
 * test's class path (which has both libraries), through Init, Configure, GenerateKey, SignData and
 * Shutdown, with the JVM's class-loading log written to a file.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServingPathClassesTest {
  private static final Pattern LOADED = Pattern.compile("\\[class,load\\s*\\] (\\S+) source:");
  private static final List<String> DEMO_ONLY = List.of("org.bouncycastle.", "com.nimbusds.");

  @TempDir Path temp;

  @Test
  void servingLoadsNoBouncyCastleOrNimbusClass() throws Exception {
    Path log = temp.resolve("classes.log");
    List<String> loaded;
    KmsModel model = KmsModel.create();
    try (LocalKmsServer kms = LocalKmsServer.start(model, 0)) {
      Path policy = temp.resolve("policy.json");
      Files.writeString(policy, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xlog:class+load=info:file=" + log,
              "-cp",
              System.getProperty("java.class.path"),
              Main.class.getName());
      try (GoPluginHost host =
          GoPluginHost.builder(command)
              .env("AWS_ACCESS_KEY_ID", "AKIDSERVINGPATHTEST0")
              .env("AWS_SECRET_ACCESS_KEY", "serving-path-test-only")
              .removeEnv("AWS_SESSION_TOKEN")
              .removeEnv("AWS_PROFILE")
              .start()) {
        InitGrpc.newBlockingStub(host.channel()).init(InitRequest.getDefaultInstance());
        ConfigGrpc.newBlockingStub(host.channel())
            .configure(
                ConfigureRequest.newBuilder()
                    .setCoreConfiguration(
                        CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                    .setHclConfiguration(
                        "region = \"us-east-1\"\nendpoint = \""
                            + kms.endpoint()
                            + "\"\nkey_identifier_value = \"serving-path\"\nkey_policy_file = \""
                            + policy
                            + "\"\n")
                    .build());
        KeyManagerGrpc.KeyManagerBlockingStub keys = KeyManagerGrpc.newBlockingStub(host.channel());
        keys.generateKey(
            GenerateKeyRequest.newBuilder()
                .setKeyId("x509-CA-A")
                .setKeyType(KeyType.EC_P256)
                .build());
        byte[] digest =
            MessageDigest.getInstance("SHA-256").digest("data".getBytes(StandardCharsets.UTF_8));
        keys.signData(
            SignDataRequest.newBuilder()
                .setKeyId("x509-CA-A")
                .setData(ByteString.copyFrom(digest))
                .setHashAlgorithm(HashAlgorithm.SHA256)
                .build());
        assertEquals(0, host.shutdown().exitCode(), String.join("\n", host.stderrLines()));
      }
      assertEquals(1, model.callCount(KmsOperations.SIGN), "the plugin signed through the KMS");
    }
    loaded = loadedClasses(log);

    // the log is complete enough to show a demo-only class, were one loaded
    assertTrue(loaded.contains("dev.spirekms.cli.Main"), "Main in the class-loading log");
    assertTrue(loaded.contains("dev.spirekms.keys.KmsKeyStore"), "the serving path ran");
    assertTrue(
        System.getProperty("java.class.path").contains("bcpkix")
            || classPathHas("org/bouncycastle/cert/X509v3CertificateBuilder.class"),
        "BouncyCastle is on the class path the plugin ran with");
    List<String> demoOnly =
        loaded.stream().filter(name -> DEMO_ONLY.stream().anyMatch(name::startsWith)).toList();
    assertEquals(List.of(), demoOnly, "demo-only classes loaded while serving");
    assertFalse(loaded.contains(DemoCertificates.class.getName()));
    assertFalse(loaded.contains(DemoJwt.class.getName()));
  }

  @Test
  void theClassLoadingLogNamesBouncyCastleAndNimbusWhenTheyAreLoaded() throws Exception {
    // the check above can fail: a JVM that does load them logs them in the same form
    Path log = temp.resolve("classes.log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                LoadsDemoLibraries.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);

    List<String> loaded = loadedClasses(log);
    assertTrue(loaded.contains("org.bouncycastle.asn1.x500.X500Name"), "BouncyCastle logged");
    assertTrue(loaded.contains("com.nimbusds.jose.JWSAlgorithm"), "Nimbus logged");
  }

  /** Loads one class of each demo library, then exits. */
  static final class LoadsDemoLibraries {
    public static void main(String[] args) throws ClassNotFoundException {
      Class.forName("org.bouncycastle.asn1.x500.X500Name");
      Class.forName("com.nimbusds.jose.JWSAlgorithm");
    }
  }

  private static List<String> loadedClasses(Path log) throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .map(LOADED::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1))
        .toList();
  }

  private static boolean classPathHas(String resource) {
    return ServingPathClassesTest.class.getClassLoader().getResource(resource) != null;
  }
}
