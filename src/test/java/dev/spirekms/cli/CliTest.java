package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<Boolean> serveCalls = new ArrayList<>();
  private final List<Map<String, String>> demoCalls = new ArrayList<>();

  private int run(Map<String, String> env, String... args) {
    Cli cli =
        new Cli(
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            (serveEnv, exitAfterHandshake) -> {
              serveCalls.add(exitAfterHandshake);
              return 7;
            },
            (demoEnv, demoOut, demoErr) -> {
              demoCalls.add(demoEnv);
              demoOut.println("demo report");
              demoErr.println("demo log");
              return 5;
            });
    return cli.run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void servesWhenLaunchedBySpire() {
    int status = run(Map.of("KeyManager", "KeyManager"));

    assertEquals(7, status);
    assertEquals(List.of(false), serveCalls);
    assertEquals("", out());
    assertEquals("", err());
  }

  @Test
  void theTrainingRunServesAndExitsAfterTheHandshake() {
    run(Map.of("KeyManager", "KeyManager", Cli.TRAINING_RUN_ENV, "1"));

    assertEquals(List.of(true), serveCalls);
  }

  @Test
  void withoutTheCookieItExplainsAndFails() {
    int status = run(Map.of("KeyManager", "yes"));

    assertEquals(1, status);
    assertEquals(List.of(), serveCalls);
    assertEquals("", out());
    assertTrue(
        err()
            .startsWith(
                "spire-aws-kms-keymanager: this is a SPIRE plugin, start it from SPIRE server"),
        err());
    assertTrue(err().contains("see " + Cli.GUIDE), err());
  }

  @Test
  void helpAndTheNoArgumentMessageNameADocumentTheDistributionShips() throws Exception {
    assertEquals(0, run(Map.of(), "help"));
    assertTrue(out().contains("see " + Cli.GUIDE), out());
    // the named guide exists, and the distribution copies docs/ next to bin/ and lib/
    assertTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of(Cli.GUIDE)), Cli.GUIDE);
    String pom = java.nio.file.Files.readString(java.nio.file.Path.of("pom.xml"));
    assertTrue(
        pom.contains(
            "<copy todir=\"${dist.home}/docs\"><fileset dir=\"${project.basedir}/docs\"/></copy>"),
        "pom.xml's distribution must ship docs/");
  }

  @Test
  void versionPrintsThePluginAndJavaVersions() {
    int status = run(Map.of(), "version");

    assertEquals(0, status);
    String[] lines = out().split("\n");
    assertEquals(2, lines.length, out());
    // outside the shaded jar there is no manifest version
    assertEquals("spire-aws-kms-keymanager unknown", lines[0]);
    assertTrue(lines[1].startsWith("java " + Runtime.version()), lines[1]);
    assertEquals("", err());
  }

  @Test
  void aSubcommandWinsOverTheCookie() {
    int status = run(Map.of("KeyManager", "KeyManager"), "version");

    assertEquals(0, status);
    assertEquals(List.of(), serveCalls);
  }

  @Test
  void helpPrintsUsage() {
    for (String help : List.of("help", "--help", "-h")) {
      out.reset();
      assertEquals(0, run(Map.of(), help));
      assertEquals(Cli.usage(), out());
    }
    assertTrue(Cli.usage().contains("version"));
  }

  @Test
  void anUnknownCommandFailsWithUsage() {
    int status = run(Map.of(), "frobnicate");

    assertEquals(2, status);
    assertEquals("", out());
    assertTrue(err().startsWith("spire-aws-kms-keymanager: unknown command \"frobnicate\"\n"));
    assertTrue(err().endsWith(Cli.usage()));
  }

  @Test
  void demoRunsTheDemoWithTheStreamsAndReturnsItsStatus() {
    int status = run(Map.of("KeyManager", "KeyManager", "HOME", "/home/x"), "demo");

    assertEquals(5, status);
    assertEquals(List.of(Map.of("KeyManager", "KeyManager", "HOME", "/home/x")), demoCalls);
    assertEquals(List.of(), serveCalls);
    assertEquals("demo report\n", out());
    assertEquals("demo log\n", err());
  }

  @Test
  void demoTakesNoArguments() {
    int status = run(Map.of(), "demo", "--fast");

    assertEquals(2, status);
    assertEquals(List.of(), demoCalls);
    assertEquals("", out());
    assertTrue(err().startsWith("spire-aws-kms-keymanager: demo takes no arguments\n"), err());
    assertTrue(err().endsWith(Cli.usage()));
  }

  @Test
  void usageListsEveryCommand() {
    for (String command : List.of("demo", "version", "help")) {
      assertTrue(Cli.usage().contains("\n  " + command + " "), command);
    }
  }
}
