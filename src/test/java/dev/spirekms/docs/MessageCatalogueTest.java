package dev.spirekms.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.docs.MessageCatalogue.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every message in the catalogue has an entry in docs/troubleshooting.md, by the rule of {@link
 * TroubleshootingEntries}.
 */
class MessageCatalogueTest {

  @Test
  void everyMessageHasAnEntryInTroubleshooting() throws Exception {
    TroubleshootingEntries entries = TroubleshootingEntries.read();
    List<String> missing =
        MessageCatalogue.all().stream()
            .filter(m -> entries.entryFor(m.template()).isEmpty())
            .map(m -> m.source() + ": " + m.template())
            .toList();
    assertEquals(List.of(), missing, "messages without an entry in docs/troubleshooting.md");
  }

  @Test
  void theCatalogueHoldsEveryRoomsMessages() throws Exception {
    List<Message> all = MessageCatalogue.all();
    // one catalogue class per room that speaks to operators, and the launcher
    for (String source :
        List.of(
            "GoPluginMessages.",
            "SpireMessages.",
            "KeyMessages.",
            "AwsMessages.",
            "LifecycleMessages.",
            "CliMessages.",
            "LoggingMessages.",
            "ConfigMessages.",
            "DoctorMessages.",
            "StatusMessages.",
            "launcher")) {
      assertTrue(all.stream().anyMatch(m -> m.source().startsWith(source)), source);
    }
  }

  @Test
  void launcherMessagesAreReadWithTheirValues() throws Exception {
    List<String> launcher = MessageCatalogue.launcher().stream().map(Message::template).toList();
    assertTrue(launcher.contains("%s is missing; reinstall the distribution"), launcher.toString());
    assertTrue(
        launcher.contains("start the launcher by its path, not through PATH (%s)"),
        launcher.toString());
    assertTrue(launcher.size() >= 6, launcher.toString());
  }

  @Test
  void keyTextIsTheMessageUpToItsFirstValue() {
    TroubleshootingEntries doc =
        TroubleshootingEntries.parse(
            "### `failed to persist server id on path: <path>: <reason>`\n"
                + "\n| Message | Fix |\n|---|---|\n| `key \"<id>\" not found` | x |\n"
                + "\n- `Alias points at a key that is being deleted; ...`: text\n");
    assertTrue(doc.entryFor("failed to persist server id on path: %s: %s").isPresent());
    // shorter than the minimum: the key text runs on over the value
    assertTrue(doc.entryFor("key \"%s\" not found").isPresent());
    assertFalse(doc.entryFor("key \"%s\" was deleted").isPresent());
    // an abbreviated span covers the message it starts
    assertTrue(
        doc.entryFor("Alias points at a key that is being deleted; treating the key as absent")
            .isPresent());
    assertFalse(doc.entryFor("Alias points at a key that was rotated").isPresent());
    assertFalse(doc.entryFor("failed to persist the journal: %s").isPresent());
  }

  @Test
  void aQuotedValueCoversAValueFilledInWithItsQuotes() {
    TroubleshootingEntries doc =
        TroubleshootingEntries.parse(
            "| `tag key \"<key>\" uses reserved prefix 'aws:'` | x |\n"
                + "- `<setting> \"<url>\" uses plain http to a host ...`: text\n");
    // GoQuote fills in the quotes: the template has none
    assertTrue(doc.entryFor("tag key %s uses reserved prefix 'aws:'").isPresent());
    assertFalse(doc.entryFor("tag key %s uses reserved prefix 'spire-'").isPresent());
    assertTrue(
        doc.entryFor("%s %s uses plain http to a host that is not loopback: requests to %s")
            .isPresent());
    assertFalse(doc.entryFor("%s %s uses plain https to a host").isPresent());
  }

  @Test
  void onlyEntriesCount() {
    TroubleshootingEntries doc =
        TroubleshootingEntries.parse(
            "Some prose that mentions `Plugin cannot start` in passing.\n"
                + "\n```\nPlugin server could not start\n```\n"
                + "\n- a list item whose second line\n  has `Plugin could not be created`\n");
    assertFalse(doc.entryFor("Plugin cannot start").isPresent());
    assertFalse(doc.entryFor("Plugin server could not start").isPresent());
    assertFalse(doc.entryFor("Plugin could not be created").isPresent());
  }

  @Test
  void anAbbreviationMustBeLongEnoughToSayWhichMessage() {
    TroubleshootingEntries doc = TroubleshootingEntries.parse("### `failed to ...`\n");
    assertFalse(doc.entryFor("failed to sign").isPresent());
  }
}
