package dev.spirekms.e2e;

import static dev.spirekms.testing.HclogLines.assertHclogLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.testing.GoPluginHost;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-contained distribution ({@code dist.selfcontained.dir}) on a host with no Java: the
 * launcher runs the plugin on the distribution's own runtime, which holds exactly the pinned
 * modules and speaks TLS 1.3 as the AWS SDK does.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SelfContainedEndToEndTest {
  static final Path SELF_CONTAINED =
      Path.of(System.getProperty("dist.selfcontained.dir", "dist.selfcontained.dir-not-set"));

  /** What the launcher runs, by name; java is not among them. */
  private static final List<String> HOST_TOOLS =
      List.of("sha256sum", "cksum", "mkdir", "nice", "find", "mv", "rm", "readlink");

  @TempDir Path temp;

  /** A directory for PATH with the tools the launcher uses, and no java. */
  static Path pathWithoutJava(Path temp) throws Exception {
    Path bin = Files.createDirectories(temp.resolve("bin-without-java"));
    for (String tool : HOST_TOOLS) {
      Path found =
          Stream.of("/usr/bin", "/bin")
              .map(dir -> Path.of(dir, tool))
              .filter(Files::isExecutable)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no " + tool + " on this machine"));
      Files.createSymbolicLink(bin.resolve(tool), found);
    }
    ProcessBuilder check = new ProcessBuilder("/bin/sh", "-c", "command -v java");
    check.environment().put("PATH", bin.toString());
    assertNotEquals(0, check.start().waitFor(), "java found on " + bin);
    return bin;
  }

  private static GoPluginHost.Builder withoutJava(GoPluginHost.Builder launch, Path path) {
    return launch.removeEnv("JAVA_HOME").env("PATH", path.toString());
  }

  @Test
  void servesOnItsOwnRuntimeWithNoJavaOnTheHostAndTrainsAStaticClassDataArchive() throws Exception {
    Path path = pathWithoutJava(temp);
    Path cache = temp.resolve("cache");
    Path serverIdFile = temp.resolve("server_id");
    Path runtimeJava = SELF_CONTAINED.resolve("runtime").resolve("bin").resolve("java");
    // no base archive in the runtime: the launcher must dump a static one
    assertFalse(Files.exists(SELF_CONTAINED.resolve("runtime/lib/server/classes.jsa")));

    try (LocalKmsPlugin local = new LocalKmsPlugin(temp)) {
      String pluginData = local.pluginData(serverIdFile);
      PublicKey generated;
      try (GoPluginHost host =
          withoutJava(local.launch(SELF_CONTAINED), path)
              .env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", cache.toString())
              .start()) {
        Path exe =
            Files.readSymbolicLink(Path.of("/proc", Long.toString(host.process().pid()), "exe"));
        assertEquals(runtimeJava.toRealPath(), exe);
        KeyManagerGrpc.KeyManagerBlockingStub keys = initAndConfigure(host, pluginData);
        generated =
            keys.generateKey(
                    GenerateKeyRequest.newBuilder()
                        .setKeyId("x509-CA-A")
                        .setKeyType(KeyType.EC_P256)
                        .build())
                .getPublicKey();
        signAndVerify(keys, generated);

        assertEquals(0, host.shutdown().exitCode());
        assertEquals(List.of(host.handshake().line()), host.stdoutLines());
        assertHclogLines(host.stderrLines());
      }

      Path archive = ClassDataArchives.await(cache, Duration.ofMinutes(2));
      try (GoPluginHost host =
          withoutJava(local.launch(SELF_CONTAINED), path)
              .env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", cache.toString())
              .start()) {
        String cmdline =
            Files.readString(Path.of("/proc", Long.toString(host.process().pid()), "cmdline"))
                .replace('\0', ' ');
        assertTrue(cmdline.contains("-XX:SharedArchiveFile=" + archive), cmdline);
        KeyManagerGrpc.KeyManagerBlockingStub keys = initAndConfigure(host, pluginData);
        List<PublicKey> found =
            keys.getPublicKeys(GetPublicKeysRequest.getDefaultInstance()).getPublicKeysList();
        assertEquals(List.of(generated), found);
        signAndVerify(keys, found.get(0));
        assertEquals(0, host.shutdown().exitCode());
        assertEquals(List.of(host.handshake().line()), host.stdoutLines());
        assertHclogLines(host.stderrLines());
      }
    }
  }

  @Test
  void runtimeHoldsThePinnedModulesAndWhatTheyRequireAndNothingElse() throws Exception {
    Set<String> pinned = Set.of(System.getProperty("dist.runtime.modules", "").split(","));
    assertTrue(pinned.contains("jdk.crypto.ec"), "TLS to AWS needs SunEC: " + pinned);
    // the build JDK's modules, resolved as jlink resolves them (requires, no service binding)
    Set<String> expected =
        Configuration.empty()
            .resolve(ModuleFinder.ofSystem(), ModuleFinder.of(), pinned)
            .modules()
            .stream()
            .map(ResolvedModule::name)
            .collect(Collectors.toCollection(TreeSet::new));

    ProcessBuilder listing =
        new ProcessBuilder(SELF_CONTAINED.resolve("runtime/bin/java").toString(), "--list-modules");
    listing.environment().clear();
    listing.redirectErrorStream(true);
    Process process = listing.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
    Set<String> listed =
        output
            .lines()
            .map(line -> line.substring(0, line.indexOf('@')))
            .collect(Collectors.toCollection(TreeSet::new));

    assertEquals(expected, listed);
    String release = Files.readString(SELF_CONTAINED.resolve("runtime/release"));
    assertTrue(
        release.contains("JAVA_RUNTIME_VERSION=\"" + System.getProperty("java.runtime.version")),
        release);
  }

  @Test
  void runtimeConnectsWithTls13AndTrustsAmazonsRootCertificates() throws Exception {
    char[] password = "changeit".toCharArray();
    Path serverStore = temp.resolve("server.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-sigalg",
        "SHA256withECDSA",
        "-dname",
        "CN=localhost",
        "-ext",
        "san=ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        serverStore.toString(),
        "-storepass",
        "changeit",
        "-keypass",
        "changeit");
    KeyStore serverKeys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverStore)) {
      serverKeys.load(in, password);
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, password);
    trust.setCertificateEntry("server", serverKeys.getCertificate("server"));
    Path trustStore = temp.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      trust.store(out, password);
    }

    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(serverKeys, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), null, null);
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters parameters = context.getDefaultSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3"});
            params.setSSLParameters(parameters);
          }
        });
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "served over TLS".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try {
      Path testClasses =
          Path.of(
              RuntimeTlsProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      ProcessBuilder probe =
          new ProcessBuilder(
              SELF_CONTAINED.resolve("runtime/bin/java").toString(),
              "-cp",
              testClasses.toString(),
              RuntimeTlsProbe.class.getName(),
              "https://127.0.0.1:" + server.getAddress().getPort() + "/",
              trustStore.toString(),
              "changeit");
      probe.environment().clear();
      probe.environment().put("PATH", pathWithoutJava(temp).toString());
      probe.redirectError(temp.resolve("probe.err").toFile());
      Process process = probe.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
      assertEquals(0, process.exitValue(), output + Files.readString(temp.resolve("probe.err")));
      List<String> lines = output.lines().toList();

      assertTrue(lines.contains("status 200"), output);
      assertTrue(lines.contains("body served over TLS"), output);
      // TLS 1.3's suites, as opposed to 1.2's TLS_ECDHE_...
      assertTrue(
          lines.stream().anyMatch(l -> l.matches("cipher TLS_(AES_\\d+_GCM|CHACHA20)_.*")), output);
      // AWS's endpoints chain up to Amazon's roots (or Starfield's, cross-signed)
      assertTrue(lines.contains("anchor CN=Amazon Root CA 1,O=Amazon,C=US"), output);
      int anchors =
          Integer.parseInt(
              lines.stream()
                  .filter(l -> l.startsWith("anchors "))
                  .findFirst()
                  .orElseThrow()
                  .substring("anchors ".length()));
      assertTrue(anchors > 50, output);
    } finally {
      server.stop(0);
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private static KeyManagerGrpc.KeyManagerBlockingStub initAndConfigure(
      GoPluginHost host, String pluginData) {
    InitGrpc.newBlockingStub(host.channel()).init(InitRequest.getDefaultInstance());
    ConfigGrpc.newBlockingStub(host.channel())
        .configure(
            ConfigureRequest.newBuilder()
                .setCoreConfiguration(CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                .setHclConfiguration(pluginData)
                .build());
    return KeyManagerGrpc.newBlockingStub(host.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Signs a SHA-256 digest with an EC P-256 key and checks the signature with the JDK. */
  private static void signAndVerify(KeyManagerGrpc.KeyManagerBlockingStub keys, PublicKey key)
      throws Exception {
    byte[] message = ("to be signed by " + key.getId()).getBytes(StandardCharsets.UTF_8);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
    byte[] signature =
        keys.signData(
                SignDataRequest.newBuilder()
                    .setKeyId(key.getId())
                    .setData(ByteString.copyFrom(digest))
                    .setHashAlgorithm(HashAlgorithm.SHA256)
                    .build())
            .getSignature()
            .toByteArray();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(
        KeyFactory.getInstance("EC")
            .generatePublic(new X509EncodedKeySpec(key.getPkixData().toByteArray())));
    verifier.update(message);
    assertTrue(verifier.verify(signature), key.getId());
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
  }
}
