package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DoctorCommandTest {
  @TempDir Path temp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return new Cli(
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            (env, training) -> 99,
            (env, o, e) -> 98)
        .run(args);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "doctor",
        "doctor --json",
        "doctor --config",
        "doctor --config x.hcl",
        "doctor --trust-domain example.org",
        "doctor --config x.hcl --trust-domain example.org --verbose",
        "doctor --config= --trust-domain example.org",
        "doctor --config x.hcl --trust-domain example.org --json=yes"
      })
  void wrongArgumentsAreAUsageError(String line) {
    assertEquals(2, run(line.split(" ")));
    assertTrue(err.toString().contains(DoctorCommand.USAGE), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void anUnreadableConfigFileIsAUsageError() {
    assertEquals(
        2, run("doctor", "--config", temp.resolve("nope.hcl").toString(), "--trust-domain", "a.b"));
    assertTrue(err.toString().contains("doctor: cannot read "), err.toString());
  }

  @Test
  void anInvalidConfigurationFailsWithItsNotesOnStdout() throws Exception {
    Path config = Files.writeString(temp.resolve("c.hcl"), "startup_concurrency = 0\n");

    int status = run("doctor", "--config=" + config, "--trust-domain", "example.org");

    String text = out.toString();
    assertEquals(1, status, text);
    assertTrue(text.contains("FAIL  configuration: configuration is missing a region -- fix: "));
    assertTrue(text.contains("FAIL  configuration: startup_concurrency must be between 1 and 64"));
    assertTrue(
        text.endsWith("FAIL: 0 ok, 0 warnings, 3 failed (trust domain example.org)\n"), text);
    assertEquals("", err.toString());
  }

  @Test
  void jsonIsChosenWithTheFlag() throws Exception {
    Path config = Files.writeString(temp.resolve("c.json"), "{\"region\": \"us-east-2\"}");

    int status = run("doctor", "--json", "--config", config.toString(), "--trust-domain", "a.b");

    assertEquals(1, status);
    assertTrue(out.toString().startsWith("{"), out.toString());
    assertTrue(out.toString().contains("\"outcome\": \"FAIL\""), out.toString());
  }

  @Test
  void helpNamesDoctor() {
    assertEquals(0, run("help"));
    assertTrue(out.toString().contains("  doctor    --config FILE --trust-domain TD [--json]"));
  }
}
