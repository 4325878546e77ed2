package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code deletion_journal_file}: its default, its rules, its warning and how it is read. */
class DeletionJournalConfigTest {

  private static final String TD = "example.org";
  private static final String NO_JOURNAL =
      "key_identifier_value is set without deletion_journal_file: keys queued for deletion are"
          + " forgotten if the plugin stops before KMS accepts their deletion (the orphan key sweep"
          + " finds them after 48h)";
  private static final String SAME_AS_ID =
      "deletion_journal_file must not be the key_identifier_file";

  private static PluginConfigBuilder fileBased(String identifierFile) {
    return PluginConfig.builder()
        .trustDomain(TD)
        .region("us-east-2")
        .keyIdentifierFile(identifierFile);
  }

  private static PluginConfigBuilder valueBased() {
    return PluginConfig.builder()
        .trustDomain(TD)
        .region("us-east-2")
        .keyIdentifierValue("server-a");
  }

  // ---- the effective path ----

  @ParameterizedTest
  @CsvSource({
    "/var/lib/spire/server/kms-server-id, /var/lib/spire/server/kms-server-id.deletion-journal",
    "./server_id, ./server_id.deletion-journal",
    "server_id, server_id.deletion-journal",
    "data/id.txt, data/id.txt.deletion-journal",
    "/, /.deletion-journal"
  })
  void defaultsToASiblingOfTheKeyIdentifierFile(String identifierFile, String journal) {
    ConfigResult r = fileBased(identifierFile).validate();
    assertEquals(List.of(), r.notes());
    PluginConfig c = r.config().orElseThrow();
    assertEquals(Optional.of(Path.of(journal)), c.deletionJournalFile());
    assertEquals(Optional.empty(), c.configuredDeletionJournalFile());
  }

  @Test
  void explicitPathWinsOverTheDefault() {
    PluginConfig c =
        fileBased("/var/lib/spire/server/kms-server-id")
            .deletionJournalFile("/var/lib/spire/journal")
            .build();
    assertEquals(Optional.of(Path.of("/var/lib/spire/journal")), c.deletionJournalFile());
  }

  @Test
  void explicitPathWithAKeyIdentifierValueHasNoWarning() {
    ConfigResult r = valueBased().deletionJournalFile("/var/lib/spire/journal").validate();
    assertEquals(List.of(), r.notes());
    assertEquals(
        Optional.of(Path.of("/var/lib/spire/journal")),
        r.config().orElseThrow().deletionJournalFile());
  }

  @Test
  void keyIdentifierValueWithoutAJournalHasNoneAndAWarning() {
    ConfigResult r = valueBased().validate();
    assertTrue(r.isValid());
    assertEquals(List.of(NO_JOURNAL), r.warnings());
    assertEquals(NO_JOURNAL, ConfigMessages.NO_DELETION_JOURNAL);
    assertEquals(Optional.empty(), r.config().orElseThrow().deletionJournalFile());
  }

  @Test
  void emptyStringCountsAsUnset() {
    assertEquals(
        Optional.of(Path.of("/id.deletion-journal")),
        fileBased("/id").deletionJournalFile("").build().deletionJournalFile());
    ConfigResult r = valueBased().deletionJournalFile("").validate();
    assertEquals(List.of(NO_JOURNAL), r.warnings());
    assertEquals(Optional.empty(), r.config().orElseThrow().deletionJournalFile());
  }

  @Test
  void theWarningIsNotAddedToTheNotesOfAnInvalidConfiguration() {
    ConfigResult r = ConfigLoader.load(TD, "key_identifier_value = \"server-a\"");
    assertEquals(List.of("configuration is missing a region"), r.notes());
  }

  // ---- rules ----

  @Test
  void invalidPathIsAnError() {
    ConfigResult r = valueBased().deletionJournalFile("a\0b").validate();
    assertEquals(1, r.errors().size(), r.errors().toString());
    assertTrue(
        r.errors().get(0).startsWith("deletion_journal_file is not a valid path: "),
        r.errors().get(0));
    assertEquals(List.of(), r.warnings());
    assertTrue(r.config().isEmpty());
  }

  @Test
  void invalidPathsAreReportedInSettingOrder() {
    ConfigResult r =
        PluginConfig.builder()
            .trustDomain(TD)
            .region("r")
            .keyIdentifierFile("a\0b")
            .keyPolicyFile("c\0d")
            .deletionJournalFile("e\0f")
            .validate();
    assertEquals(3, r.errors().size(), r.errors().toString());
    assertTrue(r.errors().get(0).startsWith("key_identifier_file is not a valid path: "));
    assertTrue(r.errors().get(1).startsWith("key_policy_file is not a valid path: "));
    assertTrue(r.errors().get(2).startsWith("deletion_journal_file is not a valid path: "));
  }

  @ParameterizedTest
  @CsvSource({
    "/var/lib/spire/server/kms-server-id, /var/lib/spire/server/kms-server-id",
    "./server_id, server_id",
    "/var/lib/spire/id, /var/lib/spire/../spire/./id"
  })
  void theKeyIdentifierFileIsNotAJournal(String identifierFile, String journal) {
    ConfigResult r = fileBased(identifierFile).deletionJournalFile(journal).validate();
    assertEquals(List.of(SAME_AS_ID), r.errors());
    assertTrue(r.config().isEmpty());
  }

  @Test
  void theDefaultJournalItselfMayBeGivenExplicitly() {
    PluginConfig c = fileBased("/id").deletionJournalFile("/id.deletion-journal").build();
    assertEquals(Optional.of(Path.of("/id.deletion-journal")), c.deletionJournalFile());
  }

  // ---- reading ----

  @Test
  void readFromHclAndJson() {
    ConfigResult hcl =
        ConfigLoader.load(
            TD,
            "region = \"us-east-2\"\n\nkey_identifier_value = \"server-a\"\n\n"
                + "deletion_journal_file = \"/var/lib/spire/journal\"\n");
    assertEquals(List.of(), hcl.notes());
    PluginConfig c = hcl.config().orElseThrow();
    assertEquals(Optional.of(Path.of("/var/lib/spire/journal")), c.deletionJournalFile());
    ConfigResult json =
        ConfigLoader.load(
            TD,
            """
            {
              "region": "us-east-2",
              "key_identifier_value": "server-a",
              "deletion_journal_file": "/var/lib/spire/journal"
            }
            """);
    assertEquals(List.of(), json.notes());
    assertEquals(c, json.config().orElseThrow());
    assertEquals(
        c,
        valueBased().deletionJournalFile("/var/lib/spire/journal").build(),
        "the loader and the builder agree");
  }

  @Test
  void loaderDerivesTheDefaultFromTheKeyIdentifierFile() {
    ConfigResult r =
        ConfigLoader.load(
            TD, "region = \"r\"\nkey_identifier_file = \"/var/lib/spire/server/kms-server-id\"");
    assertEquals(List.of(), r.notes());
    assertEquals(
        Optional.of(Path.of("/var/lib/spire/server/kms-server-id.deletion-journal")),
        r.config().orElseThrow().deletionJournalFile());
  }

  @Test
  void loaderReportsTheRules() {
    assertEquals(
        List.of(SAME_AS_ID),
        ConfigLoader.load(
                TD, "region = \"r\"\nkey_identifier_file = \"f\"\ndeletion_journal_file = \"./f\"")
            .errors());
    assertEquals(
        List.of(NO_JOURNAL),
        ConfigLoader.load(TD, "region = \"r\"\nkey_identifier_value = \"v\"").warnings());
  }

  @Test
  void wrongTypeIsReportedOnce() {
    ConfigResult r =
        ConfigLoader.load(
            TD, "region = \"r\"\nkey_identifier_file = \"f\"\ndeletion_journal_file = true");
    assertEquals(List.of("deletion_journal_file must be a string"), r.errors());
    assertEquals(List.of(), r.warnings());
  }

  @Test
  void keyIsKnownRegardlessOfCase() {
    ConfigResult r =
        ConfigLoader.load(
            TD, "region = \"r\"\nkey_identifier_value = \"v\"\nDeletion_Journal_File = \"/j\"");
    assertEquals(
        List.of("configuration key \"Deletion_Journal_File\" is read as \"deletion_journal_file\""),
        r.warnings());
    assertEquals(Optional.of(Path.of("/j")), r.config().orElseThrow().deletionJournalFile());
  }

  // ---- summary, toBuilder, equality ----

  @Test
  void summaryShowsTheJournalOnlyWhenConfigured() {
    assertFalse(fileBased("/id").build().summary().containsKey("deletion_journal_file"));
    assertFalse(valueBased().build().summary().containsKey("deletion_journal_file"));
    PluginConfig c = valueBased().keyPolicyFile("/p.json").deletionJournalFile("/j").build();
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("trust_domain", "example.org");
    expected.put("region", "us-east-2");
    expected.put("credentials", "default chain");
    expected.put("access_key_id", "unset");
    expected.put("key_identifier_value", "server-a");
    expected.put("key_policy_file", "/p.json");
    expected.put("deletion_journal_file", "/j");
    expected.put("key_tags", "none");
    expected.put("endpoint", "default");
    expected.put("startup_concurrency", "8");
    expected.put("key_deletion_pending_window_days", "7");
    expected.put("stale_alias_threshold", "336h");
    expected.put("disposal_mode", "delete");
    assertEquals(List.copyOf(expected.entrySet()), List.copyOf(c.summary().entrySet()));
    assertTrue(c.toString().contains(", deletion_journal_file=/j, "), c.toString());
  }

  @Test
  void toBuilderRoundTrips() {
    PluginConfig explicit = fileBased("/id").deletionJournalFile("/journal").build();
    PluginConfig copy = explicit.toBuilder().build();
    assertEquals(explicit, copy);
    assertEquals(explicit.hashCode(), copy.hashCode());
    assertEquals(Optional.of(Path.of("/journal")), copy.deletionJournalFile());

    // A derived journal stays derived: it follows the identifier file when that changes.
    PluginConfig derived = fileBased("/id").build();
    assertEquals(derived, derived.toBuilder().build());
    assertEquals(
        Optional.of(Path.of("/other.deletion-journal")),
        derived.toBuilder().keyIdentifierFile("/other").build().deletionJournalFile());

    PluginConfig valueCopy = valueBased().build().toBuilder().build();
    assertEquals(valueBased().build(), valueCopy);
    assertEquals(Optional.empty(), valueCopy.deletionJournalFile());
  }

  @Test
  void theConfiguredJournalIsPartOfTheValue() {
    PluginConfig explicit = fileBased("/id").deletionJournalFile("/journal").build();
    assertNotEquals(explicit, explicit.toBuilder().deletionJournalFile("/elsewhere").build());
    assertNotEquals(explicit, explicit.toBuilder().deletionJournalFile(null).build());
    assertNotEquals(explicit, explicit.toBuilder().deletionJournalFile("").build());
    // Same effective path, but one follows key_identifier_file and one does not.
    assertNotEquals(
        fileBased("/id").build(),
        fileBased("/id").deletionJournalFile("/id.deletion-journal").build());
  }
}
