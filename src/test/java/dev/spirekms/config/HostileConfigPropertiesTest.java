package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.spirekms.testing.RandomCases;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configuration text from a hostile or careless source: mutations of valid HCL and JSON
 * configurations, random text, and random bytes read as UTF-8. The loader always answers with a
 * result (a configuration, or errors that each say something), the HCL and JSON readers answer with
 * values or a {@link ConfigSyntaxException} with a message, and nothing takes long.
 */
class HostileConfigPropertiesTest {
  private static final long BOUND_SECONDS = 5;

  static final String VALID_HCL =
      """
      region = "us-east-2"
      key_identifier_value = "server-a" # the server id
      access_key_id = "AKIAEXAMPLEKEYID0001"
      secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
      key_tags = { team = "platform", "cost-center" = "42" }
      assume_role_arn = ["arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/b"]
      assume_role_external_id = ["ext-one", "ext-two"]
      startup_concurrency = 8
      key_deletion_pending_window_days = 7
      stale_alias_threshold = "336h"
      disposal_mode = "report"
      use_fips_endpoint = false
      /* a block comment */
      key_policy_file = <<EOT
      /etc/spire/policy.json
      EOT
      """;

  static final String VALID_JSON =
      """
      {"region": "us-east-2", "key_identifier_value": "server-a",
       "key_tags": {"team": "platform"}, "startup_concurrency": 8,
       "assume_role_arn": ["arn:aws:iam::111122223333:role/a"], "use_fips_endpoint": false,
       "stale_alias_threshold": "336h", "key_deletion_pending_window_days": 7.0}
      """;

  // the characters that matter to HCL and JSON, so that mutations reach deep into the grammar
  private static final String SYNTAX = "{}[]=,:\"'\\#/*<>\n\t \u0000\uFEFF0123456789.-+eE_$";

  private final ExecutorService worker = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void theLoaderAlwaysAnswersWithAResult(long seed) {
    RandomCases.run(
        seed,
        RandomCases.casesPerSeed(400),
        (random, i) -> loaderAnswers(configurationText(random)));
  }

  private void loaderAnswers(String text) {
    ConfigResult result = bounded(() -> ConfigLoader.load("example.org", text), text);
    assertNotNull(result);
    assertEquals(result.isValid(), result.config().isPresent());
    for (String note : result.notes()) {
      assertFalse(note == null || note.isBlank(), "an empty note for " + text);
    }
    if (!result.isValid()) {
      assertFalse(result.errors().isEmpty());
      // Configure's status and Validate's notes: never an exception, a message
      assertTrue(result.firstError().isPresent());
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void theHclReaderGivesValuesOrASyntaxError(long seed) {
    RandomCases.run(
        seed,
        RandomCases.casesPerSeed(400),
        (random, i) -> {
          String text = configurationText(random);
          readOrSyntaxError(() -> HclParser.parse(text), text);
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void theJsonReaderGivesValuesOrASyntaxError(long seed) {
    RandomCases.run(
        seed,
        RandomCases.casesPerSeed(300),
        (random, i) -> {
          String text = jsonText(random);
          readOrSyntaxError(() -> JsonConfigReader.parse(text), text);
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void randomBytesAreReadOrRefused(long seed) {
    RandomCases.run(
        seed,
        RandomCases.casesPerSeed(300),
        (random, i) -> {
          String text = new String(RandomCases.bytes(random, 400), StandardCharsets.UTF_8);
          readOrSyntaxError(() -> ConfigText.decode(text), text);
          bounded(() -> ConfigLoader.load("example.org", text), text);
        });
  }

  @Test
  void deepNestingIsASyntaxErrorNotAStackOverflow() {
    for (String deep : List.of("a = " + "[".repeat(100_000), "a = {".repeat(100_000))) {
      ConfigSyntaxException e =
          assertThrows(ConfigSyntaxException.class, () -> HclParser.parse(deep));
      assertTrue(e.getMessage().contains("nesting deeper than 255 levels"), e.getMessage());
      ConfigResult result = ConfigLoader.load("example.org", deep);
      assertTrue(result.firstError().orElseThrow().contains("nesting deeper"), result.toString());
    }
    // as deep as allowed still reads
    String allowed = "a = " + "[".repeat(255) + "]".repeat(255);
    assertEquals(1, assertDoesNotThrow(() -> HclParser.parse(allowed)).size());
  }

  /** A valid configuration stays valid through whitespace and comments added between its lines. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void commentsAndBlankLinesChangeNothing(long seed) {
    RandomCases.run(
        seed, RandomCases.casesPerSeed(50), (random, i) -> paddingChangesNothing(padding(random)));
  }

  private void paddingChangesNothing(List<String> padding) {
    String[] lines = VALID_HCL.split("\n");
    StringBuilder padded = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      padded.append(padding.get(i % padding.size())).append(lines[i]).append('\n');
    }
    ConfigResult plain = ConfigLoader.load("example.org", VALID_HCL);
    ConfigResult result = ConfigLoader.load("example.org", padded.toString());
    assertTrue(plain.isValid(), plain.toString());
    // the heredoc's closing anchor must start its line: padding before it is not whitespace
    if (padded.indexOf("\nEOT\n") >= 0 || padded.indexOf("\n\nEOT") >= 0) {
      assertEquals(plain.errors(), result.errors(), padded.toString());
    }
  }

  private void readOrSyntaxError(Callable<Object> read, String text) {
    Future<Object> call = worker.submit(read);
    try {
      assertNotNull(call.get(BOUND_SECONDS, TimeUnit.SECONDS));
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof ConfigSyntaxException syntax)) {
        throw new AssertionError("reading " + shown(text) + " failed with " + e.getCause(), e);
      }
      assertFalse(syntax.getMessage() == null || syntax.getMessage().isBlank());
    } catch (TimeoutException e) {
      call.cancel(true);
      fail("reading " + shown(text) + " took more than " + BOUND_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  private <T> T bounded(Callable<T> task, String text) {
    Future<T> call = worker.submit(task);
    try {
      return call.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("loading " + shown(text) + " threw " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      call.cancel(true);
      return fail("loading " + shown(text) + " took more than " + BOUND_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  private static String shown(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "... (" + text.length() + ")" : text;
  }

  static String configurationText(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> mutated(random, VALID_HCL);
      case 1 -> mutated(random, VALID_JSON);
      case 2 -> randomText(random);
      default -> RandomCases.oneOf(random, EDGE_CASES);
    };
  }

  static String jsonText(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> mutated(random, VALID_JSON);
      case 1 -> randomText(random);
      default -> RandomCases.oneOf(random, EDGE_CASES);
    };
  }

  static List<String> padding(Random random) {
    return RandomCases.listOf(
        random,
        1,
        6,
        r -> RandomCases.oneOf(r, "", " ", "\t", "# note\n", "// note\n", "/* note */ ", "\n\n"));
  }

  private static final List<String> EDGE_CASES = edgeCases();

  private static List<String> edgeCases() {
    return List.of(
        "",
        "{",
        "}",
        "[",
        "=",
        "\"",
        "<<",
        "<<EOT",
        "<<EOT\n",
        "<<-\n",
        "a = <<EOT\nx",
        "a = <<\nEOT",
        "/*",
        "/* /* */",
        "/",
        "a = \"\\u",
        "a = \"\\U0011ffff\"",
        "a = \"\\ud800\"",
        "a = \"\\x\"",
        "a = 0x",
        "a = 1e99999",
        "a = 99999999999999999999999",
        "a = -",
        "a = 1.2.3",
        "a { b { c { d = 1 } } }",
        "a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "{".repeat(5000),
        "a = " + "[".repeat(5000),
        "a = {".repeat(3000),
        "{\"a\":".repeat(3000),
        "[".repeat(5000),
        "{\"a\": null}",
        "{\"a\": 1} x",
        "{\"a\": 1, \"a\": 2}",
        "{\"a\": 1e400}",
        "{\"a\": -0}",
        "{\"a\": 123456789012345678901234567890}",
        "\uFEFF{}",
        "\uFEFF\uFEFF{}",
        "\u0000",
        "region = \"\u0000\"",
        "region = 1\nregion = 2",
        "REGION = \"us-east-1\"\nregion = \"us-east-2\"",
        "key_tags = [1, 2]",
        "key_tags = { a = { b = 1 } }",
        "startup_concurrency = \"ten\"",
        "startup_concurrency = 9223372036854775807",
        "startup_concurrency = -9223372036854775808",
        "key_deletion_pending_window_days = 7.5",
        "stale_alias_threshold = \"9999999999999999h\"",
        "stale_alias_threshold = \"-1h\"",
        "assume_role_duration = \"1.5.5h\"",
        "assume_role_arn = [[\"x\"]]",
        "endpoint = \"http://[::1\"",
        "endpoint = \"http://user:pass@host\"",
        "sts_endpoint = \"%zz\"",
        "a\n=\n\"b\"",
        "a = \"" + "x".repeat(100_000) + "\"");
  }

  private static String randomText(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> RandomCases.anyString(random, 0, 200);
      case 1 -> RandomCases.stringOf(random, SYNTAX + "abcdef", 0, 200);
      default -> RandomCases.stringOf(random, SYNTAX, 0, 60);
    };
  }

  /** A valid document with a few random edits: deletions, insertions and repeats of a range. */
  private static String mutated(Random random, String valid) {
    String text = valid;
    for (Edit edit : RandomCases.listOf(random, 1, 4, r -> edit(r, valid.length()))) {
      text = edit.apply(text);
    }
    return text;
  }

  private static Edit edit(Random random, int length) {
    return new Edit(
        RandomCases.between(random, 0, 2),
        RandomCases.between(random, 0, length),
        RandomCases.between(random, 0, 30),
        RandomCases.stringOf(random, SYNTAX, 1, 6));
  }

  private record Edit(int kind, int at, int length, String insert) {
    String apply(String text) {
      int start = Math.min(at, text.length());
      int end = Math.min(text.length(), start + length);
      return switch (kind) {
        case 0 -> text.substring(0, start) + text.substring(end);
        case 1 -> text.substring(0, start) + insert + text.substring(start);
        default -> text.substring(0, end) + text.substring(start, end) + text.substring(end);
      };
    }
  }
}
