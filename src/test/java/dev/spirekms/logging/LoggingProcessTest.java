package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link LoggingProcessMain} in its own JVM and reads its real stdout and stderr. */
class LoggingProcessTest {
  @TempDir Path dir;

  private static final class Run {
    byte[] stdout;
    byte[] stderr;
    List<Map<String, String>> entries;
  }

  private Run run(String levelSetting) throws IOException, InterruptedException {
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                LoggingProcessMain.class.getName())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    builder.environment().remove(LogLevels.ENV_VAR);
    if (levelSetting != null) {
      builder.environment().put(LogLevels.ENV_VAR, levelSetting);
    }
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
    assertEquals(0, process.exitValue());
    Run run = new Run();
    run.stdout = Files.readAllBytes(stdout);
    run.stderr = Files.readAllBytes(stderr);
    run.entries =
        HclogLines.split(run.stderr).stream().map(HclogLines::parse).collect(Collectors.toList());
    return run;
  }

  private static List<String> messages(Run run) {
    return run.entries.stream().map(entry -> entry.get("@message")).collect(Collectors.toList());
  }

  @Test
  void everyStderrLineIsHclogJsonAndStdoutStaysEmpty() throws Exception {
    Run run = run(null);
    assertEquals(0, run.stdout.length, () -> new String(run.stdout));
    assertEquals(
        List.of(
            "Key created",
            "Debug from the project",
            "Failed to sign",
            "Netty error",
            "Transport t1 failed",
            "Info through JUL"),
        messages(run));
    Map<String, String> created = run.entries.get(0);
    assertEquals("info", created.get("@level"));
    assertEquals("dev.spirekms.keys.KmsKeyStore", created.get("@module"));
    assertEquals("arn:aws:kms:eu-west-1:111122223333:key/k", created.get("key_arn"));
    Map<String, String> failed = run.entries.get(2);
    assertEquals("java.lang.IllegalStateException: boom", failed.get("error"));
    assertTrue(failed.get("stack").contains("\tat dev.spirekms.logging.LoggingProcessMain.main("));
    Map<String, String> transport = run.entries.get(4);
    assertEquals("warn", transport.get("@level"));
    assertEquals("io.grpc.internal.ServerImpl", transport.get("@module"));
  }

  @Test
  void theEnvironmentVariableSetsTheProjectLevel() throws Exception {
    Run run = run("info");
    List<String> messages = messages(run);
    assertEquals("Key created", messages.get(0));
    assertTrue(!messages.contains("Debug from the project"), messages::toString);
    assertTrue(!run.entries.get(1).containsKey("stack"), "no stack above debug");
  }

  @Test
  void anUnknownLevelIsReportedInOneWarningLine() throws Exception {
    Run run = run("verbose");
    assertEquals(0, run.stdout.length);
    Map<String, String> first = run.entries.get(0);
    assertEquals("warn", first.get("@level"));
    assertEquals("Unknown log level, using the default", first.get("@message"));
    assertEquals("verbose", first.get("value"));
    List<String> messages = messages(run);
    assertEquals(1, messages.stream().filter(m -> m.startsWith("Unknown log level")).count());
    assertTrue(messages.contains("Debug from the project"), "falls back to debug");
  }
}
