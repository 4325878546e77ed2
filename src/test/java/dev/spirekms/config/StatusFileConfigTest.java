package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusFileConfigTest {
  private static final String BASE = "region = \"us-east-2\"\nkey_identifier_file = \"/var/id\"\n";

  @Test
  void statusFileIsReadAndShownInTheSummaryOnlyWhenSet() {
    PluginConfig set =
        ConfigLoader.load("example.org", BASE + "status_file = \"/var/status.json\"\n")
            .configOrThrow();
    PluginConfig unset = ConfigLoader.load("example.org", BASE).configOrThrow();

    assertEquals(Optional.of(Path.of("/var/status.json")), set.statusFile());
    assertEquals("/var/status.json", set.summary().get("status_file"));
    assertEquals(Optional.empty(), unset.statusFile());
    assertFalse(unset.summary().containsKey("status_file"));
    assertEquals(set, set.toBuilder().build());
    assertFalse(set.equals(unset));
  }

  @Test
  void statusFileMustNotBeAnotherFileOfThePlugin() {
    ConfigResult same = ConfigLoader.load("example.org", BASE + "status_file = \"/var/id\"\n");
    ConfigResult journal =
        ConfigLoader.load(
            "example.org", BASE + "deletion_journal_file = \"/var/j\"\nstatus_file = \"/var/j\"\n");
    ConfigResult wrongType = ConfigLoader.load("example.org", BASE + "status_file = true\n");

    assertEquals(
        java.util.List.of("status_file must not be the key_identifier_file"), same.errors());
    assertEquals(
        java.util.List.of("status_file must not be the deletion_journal_file"), journal.errors());
    assertTrue(
        wrongType.errors().contains("status_file must be a string"), wrongType.errors().toString());
  }
}
