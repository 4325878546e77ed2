package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PluginConfigBuilderTest {

  private static final String ROLE_A = "arn:aws:iam::111122223333:role/spire-a";
  private static final String ROLE_B = "arn:aws:iam::444455556666:role/spire-b";

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** Every setting set to a value other than its default (FIPS apart: it excludes endpoints). */
  private static PluginConfigBuilder everySetting() {
    return PluginConfig.builder()
        .trustDomain("example.org")
        .region("us-east-2")
        .accessKeyId("AKIAIOSFODNN7EXAMPLE")
        .secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        .keyIdentifierFile("/var/lib/spire/server-id")
        .keyPolicyFile("/etc/spire/policy.json")
        .deletionJournalFile("/var/lib/spire/journal")
        .keyTags(ordered("z-team", "platform", "a-cost", "42"))
        .endpoint("https://kms.example.com")
        .startupConcurrency(4)
        .kmsControlPlaneRps(50)
        .keyDeletionPendingWindowDays(10)
        .staleAliasThreshold(Duration.ofHours(36))
        .disposalMode(DisposalMode.REPORT)
        .tagBasedKeyDiscovery(true)
        .taggingEndpoint("https://tagging.example.com")
        .assumeRoleArns(List.of(ROLE_A, ROLE_B))
        .assumeRoleExternalIds(List.of("ext-id-a", ""))
        .assumeRoleSessionName("spire-server-a")
        .assumeRoleDuration(Duration.ofMinutes(30))
        .stsEndpoint("https://sts.example.com")
        .statusFile("/var/lib/spire/status.json")
        .replicaRegions(List.of("us-west-2", "us-east-1"))
        .replicaEndpoints(ordered("us-east-1", "https://kms.us-east-1.example.com"));
  }

  @Test
  void fromCopiesEverySetting() {
    PluginConfig c = everySetting().build();
    PluginConfig copy = PluginConfigBuilder.from(c).build();

    assertEquals(c, copy);
    assertEquals(c.hashCode(), copy.hashCode());
    assertEquals(c.summary(), copy.summary());
    assertEquals(List.of("z-team", "a-cost"), List.copyOf(copy.keyTags().keySet()));
    assertEquals(
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        copy.staticCredentials().orElseThrow().secretAccessKey());
    assertEquals(Optional.of(Path.of("/var/lib/spire/server-id")), copy.keyIdentifierFile());
    assertEquals(Optional.of(Path.of("/var/lib/spire/journal")), copy.deletionJournalFile());
    assertEquals(Optional.of(50), copy.kmsControlPlaneRps());
    assertEquals(
        List.of(Optional.of("ext-id-a"), Optional.empty()),
        copy.roleChain().hops().stream().map(RoleHop::externalId).toList());
    assertEquals(Optional.of("spire-server-a"), copy.roleChain().sessionName());
    assertEquals(List.of("us-west-2", "us-east-1"), copy.replicaRegions().regions());
    assertEquals(
        Map.of("us-east-1", URI.create("https://kms.us-east-1.example.com")),
        copy.replicaRegions().endpoints());
  }

  @Test
  void fromSetsTheBuilderAsConfigured() {
    PluginConfigBuilder b = PluginConfigBuilder.from(everySetting().build());

    assertEquals("/var/lib/spire/server-id", b.keyIdentifierFile);
    assertNull(b.keyIdentifierValue);
    assertEquals("https://kms.example.com", b.endpoint);
    assertEquals("https://sts.example.com", b.stsEndpoint);
    assertEquals("https://tagging.example.com", b.taggingEndpoint);
    assertEquals(50, b.kmsControlPlaneRps);
    assertEquals(List.of(ROLE_A, ROLE_B), b.assumeRoleArns.values());
    assertEquals(Duration.ofMinutes(30), b.assumeRoleDuration);
    assertTrue(b.rejectedKeys.isEmpty());
  }

  @Test
  void fromLeavesUnsetWhatWasUnset() {
    PluginConfig c =
        PluginConfig.builder()
            .trustDomain("example.org")
            .region("us-gov-west-1")
            .keyIdentifierFile("/var/lib/spire/server-id")
            .useFipsEndpoint(true)
            .build();
    PluginConfigBuilder b = PluginConfigBuilder.from(c);

    // The journal beside the identifier file is derived, not configured: the copy derives it too.
    assertNull(b.deletionJournalFile);
    assertNull(b.accessKeyId);
    assertNull(b.secretAccessKey);
    assertNull(b.keyPolicyFile);
    assertNull(b.endpoint);
    assertNull(b.statusFile);
    assertEquals(0, b.kmsControlPlaneRps);
    assertTrue(b.assumeRoleArns.isEmpty());
    assertTrue(b.assumeRoleExternalIds.isEmpty());
    assertNull(b.assumeRoleDuration);
    assertTrue(b.replicaRegions.isEmpty());
    assertTrue(b.useFipsEndpoint);
    assertEquals(c, b.build());
    assertEquals(
        Optional.of(Path.of("/var/lib/spire/server-id.deletion-journal")),
        b.build().deletionJournalFile());
  }

  @Test
  void fromKeepsAValueServerId() {
    PluginConfig c =
        PluginConfig.builder()
            .trustDomain("example.org")
            .region("us-east-2")
            .keyIdentifierValue("server-a")
            .build();
    PluginConfigBuilder b = PluginConfigBuilder.from(c);

    assertEquals("server-a", b.keyIdentifierValue);
    assertNull(b.keyIdentifierFile);
    assertEquals(c, b.build());
  }

  @Test
  void emptyStringsCountAsUnset() {
    PluginConfigBuilder b =
        PluginConfig.builder()
            .trustDomain(null)
            .region("")
            .accessKeyId("")
            .secretAccessKey("")
            .keyIdentifierFile("")
            .keyIdentifierValue("")
            .keyPolicyFile("")
            .deletionJournalFile("")
            .endpoint("")
            .taggingEndpoint("")
            .assumeRoleSessionName("")
            .stsEndpoint("")
            .statusFile("");

    assertEquals("", b.trustDomain);
    assertNull(b.region);
    assertNull(b.accessKeyId);
    assertNull(b.secretAccessKey);
    assertNull(b.keyIdentifierFile);
    assertNull(b.keyIdentifierValue);
    assertNull(b.keyPolicyFile);
    assertNull(b.deletionJournalFile);
    assertNull(b.endpoint);
    assertNull(b.taggingEndpoint);
    assertNull(b.assumeRoleSessionName);
    assertNull(b.stsEndpoint);
    assertNull(b.statusFile);
  }

  @Test
  void mapsAreCopiedWhenSet() {
    Map<String, String> tags = ordered("team", "platform");
    Map<String, String> endpoints = ordered("us-west-2", "https://kms.us-west-2.example.com");
    PluginConfigBuilder b =
        PluginConfig.builder()
            .trustDomain("example.org")
            .region("us-east-2")
            .keyIdentifierValue("server-a")
            .keyTags(tags)
            .replicaRegions(List.of("us-west-2"))
            .replicaEndpoints(endpoints);
    tags.put("added", "later");
    endpoints.put("eu-west-1", "https://kms.eu-west-1.example.com");

    PluginConfig c = b.build();
    assertEquals(Map.of("team", "platform"), c.keyTags());
    assertEquals(
        Map.of("us-west-2", URI.create("https://kms.us-west-2.example.com")),
        c.replicaRegions().endpoints());
  }
}
