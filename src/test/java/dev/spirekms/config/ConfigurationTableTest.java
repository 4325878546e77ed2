package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The settings table of docs/configuration.md (the table under "## Settings", one row per key, the
 * key in the first cell as {@code `key`}) lists exactly the keys {@link ConfigLoader#KNOWN_KEYS}
 * reads.
 */
class ConfigurationTableTest {
  private static final Path DOC = Path.of("docs/configuration.md");
  private static final Pattern ROW_KEY = Pattern.compile("^\\| `([a-z0-9_]+)` \\|");

  static List<String> tableKeys(String markdown) {
    List<String> keys = new ArrayList<>();
    boolean inSettings = false;
    boolean inTable = false;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("## ")) {
        inSettings = line.equals("## Settings");
        inTable = false;
        continue;
      }
      if (!inSettings) {
        continue;
      }
      if (line.startsWith("| Key |")) {
        inTable = true;
        continue;
      }
      if (inTable && !line.startsWith("|")) {
        break;
      }
      Matcher key = ROW_KEY.matcher(line);
      if (inTable && key.find()) {
        keys.add(key.group(1));
      }
    }
    return keys;
  }

  @Test
  void everyKnownKeyHasARowAndEveryRowIsAKnownKey() throws IOException {
    List<String> rows = tableKeys(Files.readString(DOC));
    Set<String> known = new TreeSet<>(ConfigLoader.KNOWN_KEYS);
    Set<String> documented = new TreeSet<>(rows);
    Set<String> undocumented = new TreeSet<>(known);
    undocumented.removeAll(documented);
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(known);
    assertEquals(Set.of(), undocumented, "keys without a row in " + DOC);
    assertEquals(Set.of(), unknown, "rows in " + DOC + " for keys the loader does not read");
    assertEquals(documented.size(), rows.size(), "a key with two rows: " + rows);
  }

  @Test
  void theTableIsReadFromTheSettingsSectionOnly() {
    String doc =
        "## Example\n"
            + "| Key | x |\n"
            + "|---|---|\n"
            + "| `not_this` | a |\n"
            + "## Settings\n\n"
            + "| Key | Type |\n"
            + "|---|---|\n"
            + "| `region` | string |\n"
            + "| `endpoint` | string |\n"
            + "\n"
            + "Text.\n"
            + "| `after_table` | b |\n";
    assertEquals(List.of("region", "endpoint"), tableKeys(doc));
  }

  @Test
  void knownKeysAreWhatTheLoaderReads() {
    // a key of the list is read, not warned about as unknown
    for (String key : ConfigLoader.KNOWN_KEYS) {
      ConfigResult result = ConfigLoader.load("example.org", key + " = \"x\"");
      assertTrue(
          result.warnings().stream().noneMatch(w -> w.startsWith("unknown configuration key")),
          key + ": " + result.warnings());
    }
    ConfigResult unknown = ConfigLoader.load("example.org", "regoin = \"x\"");
    assertTrue(
        unknown.warnings().stream().anyMatch(w -> w.startsWith("unknown configuration key")),
        unknown.warnings().toString());
  }
}
