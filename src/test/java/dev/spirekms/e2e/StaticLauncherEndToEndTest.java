package dev.spirekms.e2e;

import static dev.spirekms.testing.HclogLines.assertHclogLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.config.v1.ValidateRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.testing.GoPluginHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-contained distribution, alone in an empty root like SPIRE's FROM-scratch server image
 * (no shell, no C library, no Java), started through its static launcher as SPIRE starts a plugin:
 * it serves, keeps its keys across launches, trains a class-data archive without a shell, and
 * refuses a tampered jar.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StaticLauncherEndToEndTest {
  private static final String NAME = SelfContainedDistribution.NAME;

  @TempDir static Path assembled;
  private static Path dist;

  @TempDir Path temp;

  @BeforeAll
  static void distribution() throws Exception {
    ScratchRoot.requireSupport();
    dist = SelfContainedDistribution.locateOrAssemble(assembled);
  }

  private ScratchRoot root() throws Exception {
    return ScratchRoot.withDistribution(temp, dist, temp.resolve("shared"));
  }

  private String launcherInside() {
    return "/" + dist.getFileName() + "/bin/" + SelfContainedDistribution.LAUNCHER;
  }

  private GoPluginHost.Builder launch(LocalKmsPlugin local, ScratchRoot root) throws IOException {
    return local
        .launch(root.command(launcherInside()))
        .removeEnv("JAVA_HOME")
        .removeEnv("LD_LIBRARY_PATH");
  }

  @Test
  void servesFromAnEmptyRootAndASecondLaunchFindsTheSameKeys() throws Exception {
    ScratchRoot root = root();
    Path serverIdFile = root.shared.resolve("server_id");
    List<PublicKey> afterFirstLaunch;
    try (LocalKmsPlugin local =
        new LocalKmsPlugin(root.shared, KmsModel.builder().withRsaKeysAhead().build())) {
      String pluginData = local.pluginData(serverIdFile);
      try (GoPluginHost host = launch(local, root).start()) {
        // a unix socket: Netty's epoll library was extracted to /tmp and loaded with the bundled
        // C library
        assertEquals("unix", host.handshake().network(), host.handshake().line());
        long pid = host.process().pid();
        assertEquals(
            root.root.toRealPath(), Files.readSymbolicLink(Path.of("/proc/" + pid + "/root")));
        Path exe = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe"));
        assertEquals(
            root.hostPath(
                "/" + dist.getFileName() + "/runtime/glibc/" + SelfContainedDistribution.LOADER),
            exe);

        KeyManagerEndToEndTest.init(host);
        assertTrue(
            ConfigGrpc.newBlockingStub(host.channel())
                .validate(
                    ValidateRequest.newBuilder()
                        .setCoreConfiguration(
                            CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                        .setHclConfiguration(pluginData)
                        .build())
                .getValid());
        KeyManagerEndToEndTest.configure(host, pluginData);
        KeyManagerGrpc.KeyManagerBlockingStub keys =
            KeyManagerGrpc.newBlockingStub(host.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        for (KeyType type : List.of(KeyType.EC_P256, KeyType.RSA_2048)) {
          PublicKey key =
              keys.generateKey(
                      GenerateKeyRequest.newBuilder()
                          .setKeyId("key-" + type)
                          .setKeyType(type)
                          .build())
                  .getPublicKey();
          KeyManagerEndToEndTest.signAndVerify(keys, key, false);
        }
        afterFirstLaunch = KeyManagerEndToEndTest.publicKeys(keys);
        assertEquals(2, afterFirstLaunch.size());
        assertEquals(0, host.shutdown().exitCode());
        assertEquals(List.of(host.handshake().line()), host.stdoutLines());
        assertHclogLines(host.stderrLines());
      }
      assertTrue(Files.exists(serverIdFile), "the server id was persisted");

      try (GoPluginHost host = launch(local, root).start()) {
        KeyManagerEndToEndTest.init(host);
        KeyManagerEndToEndTest.configure(host, pluginData);
        KeyManagerGrpc.KeyManagerBlockingStub keys =
            KeyManagerGrpc.newBlockingStub(host.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        assertEquals(afterFirstLaunch, KeyManagerEndToEndTest.publicKeys(keys));
        assertEquals(0, host.shutdown().exitCode());
        assertHclogLines(host.stderrLines());
      }
    }
  }

  @Test
  void trainsAClassDataArchiveWithoutAShellAndUsesItLater() throws Exception {
    ScratchRoot root = root();
    Path cache = root.shared.resolve("cache");
    try (LocalKmsPlugin local = new LocalKmsPlugin(root.shared)) {
      try (GoPluginHost first =
          launch(local, root).env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", cache.toString()).start()) {
        assertEquals(0, first.shutdown().exitCode());
        assertEquals(List.of(first.handshake().line()), first.stdoutLines());
      }
      Path archive = ClassDataArchives.await(cache, Duration.ofMinutes(2));
      try (GoPluginHost second =
          launch(local, root).env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", cache.toString()).start()) {
        String cmdline =
            Files.readString(Path.of("/proc/" + second.process().pid() + "/cmdline"))
                .replace('\0', ' ');
        assertTrue(cmdline.contains("=" + archive + " "), cmdline);
        assertEquals(0, second.shutdown().exitCode());
        assertEquals(List.of(second.handshake().line()), second.stdoutLines());
        assertFalse(
            second.stderrLines().stream().anyMatch(line -> line.contains("shared archive")),
            String.join("\n", second.stderrLines()));
      }
    }
  }

  @Test
  void refusesATamperedJarWithTheShellLaunchersMessage() throws Exception {
    ScratchRoot root = root();
    String jar = "/" + dist.getFileName() + "/lib/" + NAME + ".jar";
    Files.write(root.hostPath(jar), new byte[] {0}, StandardOpenOption.APPEND);

    ProcessBuilder builder = new ProcessBuilder(root.command(launcherInside()));
    builder.environment().put("KeyManager", "KeyManager");
    Path out = temp.resolve("out");
    Path err = temp.resolve("err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    String stderr = Files.readString(err, StandardCharsets.UTF_8);

    assertEquals(1, process.exitValue(), stderr);
    assertEquals("", Files.readString(out));
    assertTrue(
        stderr.startsWith("[ERROR] " + NAME + ": refusing to start: " + jar + " has SHA-256 "),
        stderr);
    assertTrue(stderr.endsWith("; reinstall the distribution\n"), stderr);
    assertEquals(1, stderr.lines().count(), stderr);
  }
}
