package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

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

  @AfterProperty
  void stop() {
    worker.shutdownNow();
  }

  @Property(tries = 400)
  void theLoaderAlwaysAnswersWithAResult(@ForAll("configurationText") String text) {
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

  @Property(tries = 400)
  void theHclReaderGivesValuesOrASyntaxError(@ForAll("configurationText") String text) {
    readOrSyntaxError(() -> HclParser.parse(text), text);
  }

  @Property(tries = 300)
  void theJsonReaderGivesValuesOrASyntaxError(@ForAll("jsonText") String text) {
    readOrSyntaxError(() -> JsonConfigReader.parse(text), text);
  }

  @Property(tries = 300)
  void randomBytesAreReadOrRefused(@ForAll("bytes") byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    readOrSyntaxError(() -> ConfigText.decode(text), text);
    bounded(() -> ConfigLoader.load("example.org", text), text);
  }

  @Example
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
  @Property(tries = 50)
  void commentsAndBlankLinesChangeNothing(@ForAll("padding") List<String> padding) {
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

  @Provide
  Arbitrary<String> configurationText() {
    return Arbitraries.oneOf(
        mutated(VALID_HCL), mutated(VALID_JSON), randomText(), Arbitraries.of(edgeCases()));
  }

  @Provide
  Arbitrary<String> jsonText() {
    return Arbitraries.oneOf(mutated(VALID_JSON), randomText(), Arbitraries.of(edgeCases()));
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
  }

  @Provide
  Arbitrary<List<String>> padding() {
    return Arbitraries.of("", " ", "\t", "# note\n", "// note\n", "/* note */ ", "\n\n")
        .list()
        .ofMinSize(1)
        .ofMaxSize(6);
  }

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

  private static Arbitrary<String> randomText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings().withChars(SYNTAX).withCharRange('a', 'f').ofMaxLength(200),
        Arbitraries.strings().withChars(SYNTAX).ofMaxLength(60));
  }

  /** A valid document with a few random edits: deletions, insertions and repeats of a range. */
  private static Arbitrary<String> mutated(String valid) {
    Arbitrary<Edit> edits =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, valid.length()),
                Arbitraries.integers().between(0, 30),
                Arbitraries.strings().withChars(SYNTAX).ofMinLength(1).ofMaxLength(6))
            .as(Edit::new);
    return edits
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(
            list -> {
              String text = valid;
              for (Edit edit : list) {
                text = edit.apply(text);
              }
              return text;
            });
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
