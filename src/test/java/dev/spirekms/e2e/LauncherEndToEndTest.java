package dev.spirekms.e2e;

import static dev.spirekms.testing.HclogLines.assertHclogLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.config.v1.ValidateRequest;
import dev.spirekms.proto.config.v1.ValidateResponse;
import dev.spirekms.proto.init.v1.DeinitRequest;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.init.v1.InitResponse;
import dev.spirekms.testing.GoPluginHost;
import dev.spirekms.testing.Handshake;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged launcher from {@code dist.dir} the way SPIRE server does and checks the whole
 * go-plugin life cycle, plus the launcher's own checks (jar checksum, Java version).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LauncherEndToEndTest {
  private static final String NAME = "spire-aws-kms-keymanager";
  private static final Path DIST = Path.of(System.getProperty("dist.dir", "dist.dir-not-set"));

  /** SPIRE server's host services (SPIRE catalog Init call). */
  private static final List<String> HOST_SERVICES =
      List.of(
          "spire.hostservice.server.identityprovider.v1.IdentityProvider",
          "spire.hostservice.server.agentstore.v1.AgentStore",
          "spire.hostservice.common.metrics.v1.Metrics");

  @TempDir Path temp;

  private static Path launcher(Path dist) {
    return dist.resolve("bin").resolve(NAME);
  }

  /**
   * A launch as SPIRE does it, on the Java running this test, with a private socket directory and
   * no class-data archive (each training run would cost seconds of CPU).
   */
  private GoPluginHost.Builder plugin(Path dist) throws IOException {
    Path sockets = Files.createDirectories(temp.resolve("s"));
    return GoPluginHost.builder(List.of(launcher(dist).toString()))
        .env("JAVA_HOME", System.getProperty("java.home"))
        .env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", "off")
        .env("PLUGIN_UNIX_SOCKET_DIR", sockets.toString())
        .handshakeTimeout(Duration.ofSeconds(60));
  }

  @Test
  void servesAndShutsDownLikeAGoPlugin() throws Exception {
    try (GoPluginHost host = plugin(DIST).start()) {
      Handshake handshake = host.handshake();
      assertEquals(1, handshake.coreVersion());
      assertEquals(1, handshake.appVersion());
      assertEquals("unix", handshake.network());
      assertEquals("grpc", handshake.protocol());
      assertTrue(handshake.line().endsWith("|grpc|"), handshake.line());
      Path socket = Path.of(handshake.address());
      assertEquals(temp.resolve("s"), socket.getParent().getParent());
      assertTrue(Files.exists(socket));
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
      // the launcher exec'd the JVM: the process SPIRE started is Java itself
      Path exe =
          Files.readSymbolicLink(Path.of("/proc", Long.toString(host.process().pid()), "exe"));
      assertEquals("java", exe.getFileName().toString(), exe.toString());

      assertEquals(
          ServingStatus.SERVING,
          HealthGrpc.newBlockingStub(host.channel())
              .check(HealthCheckRequest.newBuilder().setService("plugin").build())
              .getStatus());
      assertFalse(host.broker().end().isDone(), "broker stream ended before the host closed it");
      assertFalse(host.stdio().end().isDone(), "stdio stream ended early");

      GoPluginHost.ShutdownResult result = host.shutdown();

      assertEquals(Status.OK, result.shutdownStatus());
      assertEquals(0, result.exitCode());
      assertTrue(
          result.elapsed().compareTo(Duration.ofSeconds(2)) < 0,
          "exit took " + result.elapsed().toMillis() + " ms; SPIRE kills the plugin after 2 s");
      assertEquals(Status.OK, host.broker().end().get(5, TimeUnit.SECONDS));
      assertFalse(Files.exists(socket), "socket left behind");
      assertFalse(Files.exists(socket.getParent()), "socket directory left behind");
      assertEquals(List.of(handshake.line()), host.stdoutLines());
    }
  }

  @Test
  void fallsBackToLoopbackTcpInTheHostsPortRangeWithoutEpoll() throws Exception {
    GoPluginHost.Builder launch =
        plugin(DIST)
            .env(
                "SPIRE_AWS_KMS_KEYMANAGER_JAVA_OPTS",
                "-Dio.grpc.netty.shaded.io.netty.transport.noNative=true");
    try (GoPluginHost host = launch.start()) {
      Handshake handshake = host.handshake();
      assertEquals("tcp", handshake.network());
      assertTrue(handshake.address().startsWith("127.0.0.1:"), handshake.address());
      int port = Integer.parseInt(handshake.address().substring("127.0.0.1:".length()));
      assertTrue(port >= 10000 && port <= 25000, handshake.address());
      assertEquals(
          ServingStatus.SERVING,
          HealthGrpc.newBlockingStub(host.channel())
              .check(HealthCheckRequest.newBuilder().setService("plugin").build())
              .getStatus());

      GoPluginHost.ShutdownResult result = host.shutdown();
      assertEquals(0, result.exitCode());
      assertEquals(List.of(handshake.line()), host.stdoutLines());
    }
  }

  @Test
  void answersInitValidateAndConfigureAsSpireCallsThem() throws Exception {
    try (LocalKmsPlugin local = new LocalKmsPlugin(temp);
        GoPluginHost host = local.launch().start()) {
      InitGrpc.InitBlockingStub init = InitGrpc.newBlockingStub(host.channel());
      ConfigGrpc.ConfigBlockingStub config = ConfigGrpc.newBlockingStub(host.channel());
      CoreConfiguration core = CoreConfiguration.newBuilder().setTrustDomain("example.org").build();
      String pluginData = local.pluginData(temp.resolve("server_id"));

      InitResponse initResponse =
          init.init(InitRequest.newBuilder().addAllHostServiceNames(HOST_SERVICES).build());
      assertEquals(
          List.of(
              "spire.plugin.server.keymanager.v1.KeyManager",
              "spire.service.common.config.v1.Config"),
          initResponse.getPluginServiceNamesList());
      assertTrue(
          config
              .validate(
                  ValidateRequest.newBuilder()
                      .setCoreConfiguration(core)
                      .setHclConfiguration(pluginData)
                      .build())
              .getValid());
      ValidateResponse invalid =
          config.validate(
              ValidateRequest.newBuilder()
                  .setCoreConfiguration(core)
                  .setHclConfiguration("key_identifier_value = \"e2e-server\"")
                  .build());
      assertFalse(invalid.getValid());
      assertEquals(List.of("configuration is missing a region"), invalid.getNotesList());
      config.configure(
          ConfigureRequest.newBuilder()
              .setCoreConfiguration(core)
              .setHclConfiguration(pluginData)
              .build());
      init.deinit(DeinitRequest.getDefaultInstance());

      GoPluginHost.ShutdownResult result = host.shutdown();
      assertEquals(0, result.exitCode());
      assertTrue(result.elapsed().compareTo(Duration.ofSeconds(2)) < 0, result.toString());
      assertEquals(List.of(host.handshake().line()), host.stdoutLines());
      assertHclogLines(host.stderrLines());
    }
  }

  @Test
  void writesOnlyHclogJsonToStderr() throws Exception {
    try (GoPluginHost host = plugin(DIST).start()) {
      HealthGrpc.newBlockingStub(host.channel()).check(HealthCheckRequest.getDefaultInstance());
      assertEquals(0, host.shutdown().exitCode());

      assertHclogLines(host.stderrLines());
    }
  }

  @Test
  void ignoresSigintAndStopsCleanlyOnSigterm() throws Exception {
    try (GoPluginHost host = plugin(DIST).start()) {
      long pid = host.process().pid();
      Path socket = Path.of(host.handshake().address());

      assertEquals(0, signal("INT", pid));
      // still serving after SIGINT (the JVM's own handler would have exited with 130)
      assertEquals(
          ServingStatus.SERVING,
          HealthGrpc.newBlockingStub(host.channel())
              .check(HealthCheckRequest.newBuilder().setService("plugin").build())
              .getStatus());

      host.process().destroy(); // SIGTERM

      assertEquals(0, host.awaitExit(Duration.ofSeconds(10)));
      assertFalse(Files.exists(socket.getParent()), "socket directory left behind");
      assertEquals(List.of(host.handshake().line()), host.stdoutLines());
    }
  }

  @Test
  void trainsAClassDataArchiveInTheBackgroundAndUsesItLater() throws Exception {
    Path dist = copyOfDist();
    // a cache directory whose path has spaces, as under some users' home directories
    Path cache = temp.resolve("class data cache");
    try (GoPluginHost first = withCache(plugin(dist), cache).start()) {
      assertEquals(0, first.shutdown().exitCode());
    }
    Path archive = ClassDataArchives.await(cache, Duration.ofMinutes(2));

    try (GoPluginHost second = withCache(plugin(dist), cache).start()) {
      String cmdline = commandLine(second.process().pid());
      assertTrue(cmdline.contains(archive.toString()), cmdline);
      assertEquals(0, second.shutdown().exitCode());
      assertEquals(List.of(second.handshake().line()), second.stdoutLines());
    }

    // a jar that no longer matches the archive makes the JVM warn; the warning must not reach
    // stdout
    Path jar = dist.resolve("lib").resolve(NAME + ".jar");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L));
    try (GoPluginHost third = withCache(plugin(dist), cache).start()) {
      assertEquals(0, third.shutdown().exitCode());
      assertEquals(List.of(third.handshake().line()), third.stdoutLines());
      if (Runtime.version().feature() < 25) {
        // AppCDS reports the mismatch (JDK 25's AOT cache is silent about it): proof the warning
        // was written, to stderr
        assertTrue(
            third.stderrLines().stream().anyMatch(line -> line.contains("shared archive")),
            String.join("\n", third.stderrLines()));
      }
    }
  }

  @Test
  void reportsRunningOutOfMemoryOnStderrAndExits() throws Exception {
    // the JVM prints its out-of-memory exit message to stdout unless told otherwise; the initial
    // heap goes down with the maximum, since the launcher's own -Xms8m would exceed it
    Run run =
        run(
            DIST,
            Map.of(
                "KeyManager", "KeyManager", "SPIRE_AWS_KMS_KEYMANAGER_JAVA_OPTS", "-Xms2m -Xmx2m"));

    assertEquals(3, run.exitCode(), run.stderr());
    assertEquals("", run.stdout());
    assertTrue(
        run.stderr().contains("Terminating due to java.lang.OutOfMemoryError"), run.stderr());
  }

  @Test
  void refusesToStartWhenTheJarWasTamperedWith() throws Exception {
    Path dist = copyOfDist();
    Path jar = dist.resolve("lib").resolve(NAME + ".jar");
    Files.write(jar, new byte[] {0}, StandardOpenOption.APPEND);

    Run run = run(dist, Map.of("KeyManager", "KeyManager"));

    assertEquals(1, run.exitCode());
    assertEquals("", run.stdout());
    assertTrue(
        run.stderr()
            .startsWith("[ERROR] " + NAME + ": refusing to start: " + jar + " has SHA-256 "),
        run.stderr());
    assertTrue(run.stderr().contains("reinstall the distribution"), run.stderr());
  }

  @Test
  void failsClearlyWhenNoJavaIsFound() throws Exception {
    Path emptyHome = Files.createDirectories(temp.resolve("empty-jdk"));
    Path emptyPath = Files.createDirectories(temp.resolve("empty-path"));

    Run run =
        run(
            DIST,
            Map.of(
                "KeyManager", "KeyManager",
                "JAVA_HOME", emptyHome.toString(),
                "PATH", emptyPath.toString()));

    assertEquals(1, run.exitCode());
    assertEquals("", run.stdout());
    assertEquals(
        "[ERROR] "
            + NAME
            + ": Java 17 or later is required but was not found (JAVA_HOME="
            + emptyHome
            + " has no usable bin/java; no java on PATH); install it or set JAVA_HOME\n",
        run.stderr());
  }

  @Test
  void refusesJavaOlderThan17() throws Exception {
    Path oldJdk = Files.createDirectories(temp.resolve("jdk-11").resolve("bin"));
    Path java = Files.writeString(oldJdk.resolve("java"), "#!/bin/sh\nexit 3\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(oldJdk.getParent().resolve("release"), "JAVA_VERSION=\"11.0.2\"\n");
    Path emptyPath = Files.createDirectories(temp.resolve("empty-path"));

    Run run =
        run(
            DIST,
            Map.of("JAVA_HOME", oldJdk.getParent().toString(), "PATH", emptyPath.toString()),
            "version");

    assertEquals(1, run.exitCode());
    assertEquals("", run.stdout());
    assertTrue(
        run.stderr().contains("(JAVA_HOME=" + oldJdk.getParent() + " is Java 11; no java on PATH)"),
        run.stderr());
  }

  @Test
  void fallsBackToJavaOnPathWhenJavaHomeHasNone() throws Exception {
    Path emptyHome = Files.createDirectories(temp.resolve("empty-jdk"));
    String path = Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin";

    Run run = run(DIST, Map.of("JAVA_HOME", emptyHome.toString(), "PATH", path), "version");

    assertEquals(0, run.exitCode(), run.stderr());
    assertTrue(run.stdout().startsWith(NAME + " "), run.stdout());
  }

  @Test
  void verifiesTheJarWithTheNextToolWhenOneAnswersNonsense() throws Exception {
    Path fakeBin = Files.createDirectories(temp.resolve("fake-bin"));
    Path openssl =
        Files.writeString(fakeBin.resolve("openssl"), "#!/bin/sh\necho 'SHA2-256(x)= 42'\n");
    Files.setPosixFilePermissions(openssl, PosixFilePermissions.fromString("rwxr-xr-x"));
    String path = fakeBin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");

    Run run = run(DIST, Map.of("PATH", path), "version");

    assertEquals(0, run.exitCode(), run.stderr());
    assertTrue(run.stdout().startsWith(NAME + " "), run.stdout());
  }

  @Test
  void versionPrintsThePluginAndJavaVersions() throws Exception {
    String version = DIST.getFileName().toString().substring(NAME.length() + 1);

    Run run = run(DIST, Map.of("JAVA_HOME", System.getProperty("java.home")), "version");

    assertEquals(0, run.exitCode(), run.stderr());
    List<String> lines = run.stdout().lines().toList();
    assertEquals(NAME + " " + version, lines.get(0));
    assertTrue(lines.get(1).startsWith("java " + Runtime.version()), lines.get(1));
  }

  @Test
  void demoRunsThroughTheLauncher() throws Exception {
    Path tmp = Files.createDirectories(temp.resolve("tmp"));
    Run run =
        run(DIST, Map.of("SPIRE_AWS_KMS_KEYMANAGER_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp), "demo");

    assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
    List<String> lines = run.stdout().lines().toList();
    assertEquals(
        "Demo passed: 4 keys generated, 1 rotated, 14 signatures verified, an X509-SVID and a"
            + " JWT-SVID issued, same fingerprints after restart",
        lines.get(lines.size() - 1),
        run.stdout());
    assertTrue(run.stdout().contains("\nGetPublicKeys: 4 keys\n"), run.stdout());
    // BouncyCastle and Nimbus are in the shaded jar: the CA, the X509-SVID and the JWT-SVID
    assertTrue(run.stdout().contains("\n  chain       PKIX validated"), run.stdout());
    assertHclogLines(run.stderr().lines().toList());
    assertFalse(run.stderr().contains("secret"), run.stderr());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), "the demo removes its work directory");
    }
  }

  @Test
  void withoutTheCookieItExplainsAndExits1() throws Exception {
    Run run = run(DIST, Map.of("JAVA_HOME", System.getProperty("java.home")));

    assertEquals(1, run.exitCode());
    assertEquals("", run.stdout());
    assertTrue(
        run.stderr().contains("this is a SPIRE plugin, start it from SPIRE server"), run.stderr());
  }

  @Test
  void shipsChecksumsForTheLauncherAndTheJar() throws Exception {
    Map<String, String> sums = new HashMap<>();
    for (String line : Files.readAllLines(DIST.resolve("SHA256SUMS"))) {
      sums.put(line.substring(66), line.substring(0, 64));
    }

    assertEquals(sha256(launcher(DIST)), sums.get("bin/" + NAME));
    String jarSum = sha256(DIST.resolve("lib").resolve(NAME + ".jar"));
    assertEquals(jarSum, sums.get("lib/" + NAME + ".jar"));
    assertTrue(
        Files.readString(launcher(DIST)).contains("jar_sha256='" + jarSum + "'"),
        "the launcher does not pin the jar's checksum");
    Path tarball = DIST.resolveSibling(DIST.getFileName() + ".tar.gz");
    assertTrue(Files.size(tarball) > 0, tarball.toString());
  }

  // --- launching and inspecting the distribution ---------------------------------------------

  private record Run(int exitCode, String stdout, String stderr) {}

  /**
   * Runs the launcher of {@code dist} with an environment reduced to PATH, HOME and {@code env}.
   */
  private Run run(Path dist, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(launcher(dist).toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", "off");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(env);
    Path out = temp.resolve("run.out");
    Path err = temp.resolve("run.err");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("launcher did not finish: " + command);
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static GoPluginHost.Builder withCache(GoPluginHost.Builder builder, Path cache) {
    return builder.env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", cache.toString());
  }

  private static int signal(String name, long pid) throws Exception {
    // the shell's own kill: no procps needed
    return new ProcessBuilder("/bin/sh", "-c", "kill -" + name + " " + pid).start().waitFor();
  }

  private static String commandLine(long pid) throws IOException {
    return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
  }

  private Path copyOfDist() throws IOException {
    Path copy = temp.resolve("dist").resolve(DIST.getFileName());
    try (Stream<Path> files = Files.walk(DIST)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(DIST.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return copy;
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    return HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
  }
}
