package dev.spirekms.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * New messages cannot bypass the catalogue: no code under src/main/java logs at Warn or Error, or
 * returns an error to SPIRE, or adds a configuration error or warning, with a string literal (see
 * {@link JavaSourceScan} for what is looked at). The catalogue classes themselves, and the local
 * KMS (whose errors imitate AWS's and reach only its own clients), are not scanned.
 */
class CatalogueGuardTest {
  private static final Path LOCAL_KMS = Path.of("src/main/java/dev/spirekms/localkms");
  private static final Path CONFIG = Path.of("src/main/java/dev/spirekms/config");

  @Test
  void noOperatorMessageIsALiteralOutsideTheCatalogue() throws IOException {
    List<String> findings = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MessageCatalogue.MAIN_SOURCES)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        if (file.getFileName().toString().endsWith(MessageCatalogue.CATALOGUE_SUFFIX)
            || file.startsWith(LOCAL_KMS)) {
          continue;
        }
        List<String> moreCalls =
            file.startsWith(CONFIG) ? JavaSourceScan.CONFIG_RULE_CALLS : List.of();
        for (String finding : JavaSourceScan.literalMessages(Files.readString(file), moreCalls)) {
          findings.add(file + ": " + finding);
        }
      }
    }
    assertEquals(List.of(), findings, "messages to move into the room's *Messages class");
  }

  @Test
  void theScanFindsLiteralsInEveryShape() {
    String source =
        """
        class X {
          void a() {
            log.atWarn().addKeyValue("reason", r).log("Something " + "failed");
            LOG.error("boom {}", x);
            var event = quiet ? LOG.atDebug() : LOG.atError();
            event.log("Request failed");
            throw new KeyStoreException(Kind.INTERNAL, "failed to " + what);
            throw Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException();
            err.println(NAME + ": unknown command");
            errors.add(key + " must be a string");
            warnings.add("unknown configuration key " + GoQuote.quote(key) + " is ignored");
            core.add("server core configuration must contain trust_domain");
            rejected(key, "disposal_mode must be \"delete\" or \"report\"");
            return Optional.of("trust domain must not have empty labels");
            return drop(item, Level.INFO, "no such key");
            return failed(entry, "DescribeKey returned no key ARN");
            findings.add(Finding.fail(NAME, "the check failed: " + e, Messages.FIX));
            return Finding.warn(NAME, String.format(Messages.STALE, file), "restart it");
          }
        }
        """;
    assertEquals(
        15,
        JavaSourceScan.literalMessages(source, JavaSourceScan.CONFIG_RULE_CALLS).size(),
        source);
    // outside the config package, Optional.of holds values
    assertEquals(14, JavaSourceScan.literalMessages(source).size(), source);
  }

  @Test
  void theScanAcceptsCatalogueReferencesAndQuietLines() {
    String source =
        """
        class X {
          void a() {
            log.atWarn().addKeyValue("reason", r).log(Messages.FAILED); // log("not this")
            log.atInfo().addKeyValue("a", "b").log("Key created");
            var line = LOG.atInfo();
            line.addKeyValue("keys", 3).log("Plugin configured");
            throw new KeyStoreException(Kind.INTERNAL, String.format(Messages.FAILED, what));
            /* LOG.atError().log("old") */
            err.print(usage());
            errors.add(String.format(ConfigMessages.NOT_A_STRING, key));
            builder.rejected(key);
            problems.add(base + ": " + e.getMessage());
            return Optional.of(ConfigMessages.TAG_KEY_EMPTY);
            return Optional.of(name.substring(1));
            findings.add(Finding.fail(NAME, e.getMessage(), Messages.FIX));
            findings.add(Finding.ok(NAME, "all good"));
          }
        }
        """;
    assertEquals(
        List.of(), JavaSourceScan.literalMessages(source, JavaSourceScan.CONFIG_RULE_CALLS));
  }

  @Test
  void maskingKeepsParenthesesInLiteralsOutOfTheArgumentLists() {
    String masked = JavaSourceScan.mask("f(\")\", ')', x) // )\n");
    assertTrue(JavaSourceScan.argumentsOf(masked, "f(").get(0).contains("x"), masked);
  }
}
