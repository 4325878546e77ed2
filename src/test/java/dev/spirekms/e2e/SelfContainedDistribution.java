package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The self-contained linux-amd64 distribution: the plain one plus a jlink runtime in {@code
 * runtime/}, the static launcher in {@code bin/} and the C library in {@code runtime/glibc/}.
 *
 * <p>The build's own ({@code target/dist/<name>-<version>-linux-amd64}) when it has one; otherwise
 * assembled from the plain distribution, a jlink image of the JDK running the test and {@code
 * src/dist/static-launcher.sh bundle}, the build's own step.
 */
final class SelfContainedDistribution {
  static final String NAME = LocalKmsPlugin.NAME;
  static final String LAUNCHER = NAME + "-static";
  static final String LOADER = "ld-linux-x86-64.so.2";

  /** Modules of the jlink image when one is assembled here (jdeps on the jar, plus the JDK's). */
  private static final String MODULES =
      "java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,"
          + "java.sql,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.httpserver,jdk.unsupported";

  private SelfContainedDistribution() {}

  /** The build's self-contained distribution, or one assembled in {@code work}. */
  static Path locateOrAssemble(Path work) throws IOException, InterruptedException {
    Path plain = LocalKmsPlugin.DIST;
    Path built = plain.resolveSibling(plain.getFileName() + "-linux-amd64");
    if (Files.isExecutable(built.resolve("bin").resolve(LAUNCHER))
        && Files.isExecutable(built.resolve("runtime/glibc").resolve(LOADER))) {
      return built;
    }
    Path target = plain.getParent().getParent();
    Path dist = Files.createDirectories(work).resolve(built.getFileName());
    run(List.of("cp", "-a", plain.toString(), dist.toString()), Map.of());
    Path jdk = Path.of(System.getProperty("java.home"));
    run(
        List.of(
            jdk.resolve("bin/jlink").toString(),
            "--add-modules",
            MODULES,
            "--strip-debug",
            "--no-header-files",
            "--no-man-pages",
            // the base class-data archive, without which no archive of the plugin can be trained
            "--generate-cds-archive",
            "--output",
            dist.resolve("runtime").toString()),
        Map.of());
    run(
        List.of(
            "bash",
            target.resolveSibling("src").resolve("dist/static-launcher.sh").toString(),
            "bundle",
            dist.toString(),
            target.resolve("launcher/linux-amd64").resolve(LAUNCHER).toString(),
            "1767225600000"),
        Map.of("JAVA_HOME", jdk.toString()));
    return dist;
  }

  private static void run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    assertEquals(0, process.exitValue(), command + ":\n" + new String(output));
  }
}
