package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PluginConfigTest {

  private static PluginConfigBuilder minimal() {
    return PluginConfig.builder()
        .trustDomain("example.org")
        .region("us-east-2")
        .keyIdentifierValue("server-a");
  }

  private static PluginConfig full() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("z-team", "platform");
    tags.put("a-cost", "42");
    return minimal()
        .accessKeyId("AKIAIOSFODNN7EXAMPLE")
        .secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        .keyPolicyFile("/etc/spire/policy.json")
        .keyTags(tags)
        .endpoint("https://kms.example.com")
        .startupConcurrency(4)
        .keyDeletionPendingWindowDays(10)
        .staleAliasThreshold(Duration.ofHours(36))
        .disposalMode(DisposalMode.REPORT)
        .build();
  }

  @Test
  void builderDefaults() {
    PluginConfig c = minimal().build();
    assertEquals(PluginConfig.DEFAULT_STARTUP_CONCURRENCY, c.startupConcurrency());
    assertEquals(8, c.startupConcurrency());
    assertEquals(7, c.keyDeletionPendingWindowDays());
    assertEquals(Duration.ofDays(14), c.staleAliasThreshold());
    assertEquals(DisposalMode.DELETE, c.disposalMode());
    assertEquals(Map.of(), c.keyTags());
    assertEquals(Optional.empty(), c.staticCredentials());
    assertEquals(Optional.empty(), c.endpoint());
    assertEquals(Optional.empty(), c.keyPolicyFile());
  }

  @Test
  void buildThrowsWithEveryError() {
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> PluginConfig.builder().build());
    assertEquals("server core configuration must contain trust_domain", e.getMessage());
    assertEquals(
        List.of(
            "server core configuration must contain trust_domain",
            "configuration is missing a region",
            "configuration requires a key identifier file or a key identifier value"),
        e.errors());
  }

  @Test
  void validateReturnsWarningsWithTheConfiguration() {
    ConfigResult r = minimal().trustDomain("a_b").endpoint("http://kms.lan").validate();
    assertTrue(r.isValid());
    assertEquals(3, r.warnings().size());
    assertEquals("a_b", r.config().orElseThrow().trustDomain());
  }

  @Test
  void derivedTrustDomainNames() {
    PluginConfig c = minimal().trustDomain("test.example.org").build();
    assertEquals("test.example.org", c.trustDomain());
    assertEquals("test_example_org", c.sanitizedTrustDomain());
  }

  @Test
  void keyTagsKeepOrderAndCannotBeChanged() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("z", "1");
    tags.put("a", "2");
    PluginConfigBuilder b = minimal().keyTags(tags);
    tags.put("later", "3");
    PluginConfig c = b.build();
    assertEquals(List.of("z", "a"), List.copyOf(c.keyTags().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> c.keyTags().put("x", "y"));
  }

  @Test
  void summaryShowsEffectiveSettingsWithoutSecrets() {
    PluginConfig c = full();
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("trust_domain", "example.org");
    expected.put("region", "us-east-2");
    expected.put("credentials", "static");
    expected.put("access_key_id", "set");
    expected.put("key_identifier_value", "server-a");
    expected.put("key_policy_file", "/etc/spire/policy.json");
    expected.put("key_tags", "z-team,a-cost");
    expected.put("endpoint", "https://kms.example.com");
    expected.put("startup_concurrency", "4");
    expected.put("key_deletion_pending_window_days", "10");
    expected.put("stale_alias_threshold", "36h");
    expected.put("disposal_mode", "report");
    assertEquals(expected, c.summary());
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(c.summary().keySet()));
    assertEquals(
        "PluginConfig{trust_domain=example.org, region=us-east-2, credentials=static,"
            + " access_key_id=set, key_identifier_value=server-a,"
            + " key_policy_file=/etc/spire/policy.json, key_tags=z-team,a-cost,"
            + " endpoint=https://kms.example.com, startup_concurrency=4,"
            + " key_deletion_pending_window_days=10, stale_alias_threshold=36h,"
            + " disposal_mode=report}",
        c.toString());
    assertFalse(c.toString().contains("AKIA"));
    assertFalse(c.toString().contains("wJalr"));
    assertEquals("StaticCredentials[redacted]", c.staticCredentials().orElseThrow().toString());
  }

  @Test
  void summaryOfDefaults() {
    PluginConfig c =
        PluginConfig.builder()
            .trustDomain("example.org")
            .region("r")
            .keyIdentifierFile("/var/lib/spire/server_id")
            .build();
    Map<String, String> s = c.summary();
    assertEquals("default chain", s.get("credentials"));
    assertEquals("unset", s.get("access_key_id"));
    assertEquals("/var/lib/spire/server_id", s.get("key_identifier_file"));
    assertFalse(s.containsKey("key_identifier_value"));
    assertEquals("default policy", s.get("key_policy_file"));
    assertEquals("none", s.get("key_tags"));
    assertEquals("default", s.get("endpoint"));
    assertEquals("336h", s.get("stale_alias_threshold"));
    assertEquals("delete", s.get("disposal_mode"));
  }

  @Test
  void toBuilderRoundTripsAndChangesMakeADifferentValue() {
    PluginConfig c = full();
    PluginConfig copy = c.toBuilder().build();
    assertEquals(c, copy);
    assertEquals(c.hashCode(), copy.hashCode());
    assertEquals(c, c);
    assertNotEquals(c, null);
    assertNotEquals(c, "x");
    PluginConfig fileBased =
        PluginConfig.builder()
            .trustDomain("example.org")
            .region("r")
            .keyIdentifierFile("/id")
            .build();
    assertEquals(fileBased, fileBased.toBuilder().build());
    assertEquals(Optional.of(Path.of("/id")), fileBased.keyIdentifierFile());

    assertNotEquals(c, c.toBuilder().region("us-west-1").build());
    assertNotEquals(c, c.toBuilder().startupConcurrency(5).build());
    assertNotEquals(c, c.toBuilder().keyDeletionPendingWindowDays(11).build());
    assertNotEquals(c, c.toBuilder().staleAliasThreshold(Duration.ofHours(37)).build());
    assertNotEquals(c, c.toBuilder().disposalMode(DisposalMode.DELETE).build());
    assertNotEquals(c, c.toBuilder().endpoint(null).build());
    assertNotEquals(c, c.toBuilder().keyPolicyFile("").build());
    assertNotEquals(c, c.toBuilder().accessKeyId(null).secretAccessKey(null).build());
    assertNotEquals(c, c.toBuilder().secretAccessKey("other-secret").build());
    assertNotEquals(c, c.toBuilder().keyIdentifierValue("server-b").build());
    assertNotEquals(c, c.toBuilder().trustDomain("example.com").build());
    assertNotEquals(c, c.toBuilder().keyTags(Map.of()).build());
    Map<String, String> reordered = new LinkedHashMap<>();
    reordered.put("a-cost", "42");
    reordered.put("z-team", "platform");
    // Same tags in another order: tags are applied in order, so the values differ.
    assertNotEquals(c, c.toBuilder().keyTags(reordered).build());
  }

  @Test
  void pathsThatCannotExistAreRejected() {
    ConfigResult r =
        minimal()
            .keyIdentifierValue(null)
            .keyIdentifierFile("a\0b")
            .keyPolicyFile("c\0d")
            .validate();
    assertEquals(2, r.errors().size());
    assertTrue(r.errors().get(0).startsWith("key_identifier_file is not a valid path: "));
    assertTrue(r.errors().get(1).startsWith("key_policy_file is not a valid path: "));
  }

  @Test
  void endpointIsKeptAsAUri() {
    assertEquals(
        Optional.of(URI.create("http://127.0.0.1:4566")),
        minimal().endpoint("http://127.0.0.1:4566").build().endpoint());
  }

  @Test
  void serverIdSourceRecordsRejectNull() {
    assertThrows(NullPointerException.class, () -> new ServerIdSource.FromFile(null));
    assertThrows(NullPointerException.class, () -> new ServerIdSource.FromValue(null));
  }

  @Test
  void disposalModeWords() {
    assertEquals(Optional.of(DisposalMode.DELETE), DisposalMode.fromConfigValue("delete"));
    assertEquals(Optional.of(DisposalMode.REPORT), DisposalMode.fromConfigValue("report"));
    assertEquals(Optional.empty(), DisposalMode.fromConfigValue("REPORT"));
    assertEquals("report", DisposalMode.REPORT.configValue());
  }

  @Test
  void staticCredentialsEquality() {
    StaticCredentials a = new StaticCredentials("id", "secret");
    assertEquals(a, new StaticCredentials("id", "secret"));
    assertEquals(a.hashCode(), new StaticCredentials("id", "secret").hashCode());
    assertNotEquals(a, new StaticCredentials("id", "other"));
    assertNotEquals(a, new StaticCredentials("other", "secret"));
    assertNotEquals(a, "id");
  }

  @Test
  void resultHasAConfigurationExactlyWhenItHasNoErrors() {
    PluginConfig c = minimal().build();
    assertThrows(
        IllegalArgumentException.class, () -> new ConfigResult(List.of(), List.of(), null));
    assertThrows(
        IllegalArgumentException.class, () -> new ConfigResult(List.of("e"), List.of(), c));
    ConfigResult ok = new ConfigResult(List.of(), List.of("w"), c);
    assertEquals(Optional.empty(), ok.firstError());
    assertEquals(List.of("w"), ok.notes());
    assertTrue(ok.toString().contains("valid=true"));
    assertEquals(c, ok.configOrThrow());
  }

  @Test
  void invalidConfigExceptionWithoutErrorsStillHasAMessage() {
    assertEquals("invalid configuration", new InvalidConfigException(List.of()).getMessage());
  }
}
