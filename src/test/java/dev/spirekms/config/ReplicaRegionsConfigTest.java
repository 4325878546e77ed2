package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicaRegionsConfigTest {
  private static final String BASE = "region = \"us-east-2\"\nkey_identifier_file = \"/var/id\"\n";

  private static ConfigResult load(String extra) {
    return ConfigLoader.load("example.org", BASE + extra);
  }

  @Test
  void replicaRegionsAndEndpointsAreReadInOrderAndShownInTheSummary() {
    PluginConfig c =
        load("replica_regions = [\"us-west-2\", \"eu-west-1\"]\n"
                 + "replica_endpoints = { \"us-west-2\" ="
                 + " \"https://vpce-1.kms.us-west-2.vpce.amazonaws.com\" }\n")
            .configOrThrow();
    assertEquals(List.of("us-west-2", "eu-west-1"), c.replicaRegions().regions());
    assertEquals(
        Optional.of(URI.create("https://vpce-1.kms.us-west-2.vpce.amazonaws.com")),
        c.replicaRegions().endpoint("us-west-2"));
    assertEquals(Optional.empty(), c.replicaRegions().endpoint("eu-west-1"));
    assertEquals("us-west-2,eu-west-1", c.summary().get("replica_regions"));
    assertEquals(
        "us-west-2=https://vpce-1.kms.us-west-2.vpce.amazonaws.com",
        c.summary().get("replica_endpoints"));
    assertEquals(c, c.toBuilder().build());
    assertFalse(
        c.equals(
            c.toBuilder().replicaRegions(List.of("us-west-2")).replicaEndpoints(Map.of()).build()));
  }

  @Test
  void withoutReplicaRegionsKeysAreSingleRegionAndTheSummaryIsAsBefore() {
    PluginConfig c = load("").configOrThrow();
    assertEquals(ReplicaRegions.NONE, c.replicaRegions());
    assertTrue(c.replicaRegions().isEmpty());
    assertFalse(c.summary().containsKey("replica_regions"));
    assertTrue(load("replica_regions = []\n").configOrThrow().replicaRegions().isEmpty());
  }

  @Test
  void jsonFormIsReadToo() {
    PluginConfig c =
        ConfigLoader.load(
                "example.org",
                "{\"region\": \"us-east-2\", \"key_identifier_file\": \"/var/id\","
                    + " \"replica_regions\": [\"us-west-2\"],"
                    + " \"replica_endpoints\": {\"us-west-2\": \"http://127.0.0.1:4566\"}}")
            .configOrThrow();
    assertEquals(List.of("us-west-2"), c.replicaRegions().regions());
    assertEquals(
        Optional.of(URI.create("http://127.0.0.1:4566")), c.replicaRegions().endpoint("us-west-2"));
  }

  @Test
  void eachRuleIsAnError() {
    assertEquals(
        List.of("replica_regions lists \"us-west-2\" more than once"),
        load("replica_regions = [\"us-west-2\", \"us-west-2\"]\n").errors());
    assertEquals(
        List.of(
            "replica_regions lists \"us-east-2\", which is region itself: the primary keys are made"
                + " there"),
        load("replica_regions = [\"us-east-2\"]\n").errors());
    assertEquals(
        List.of(
            "replica_regions[1] is in partition \"aws-cn\" but region \"us-east-2\" is in partition"
                + " \"aws\""),
        load("replica_regions = [\"us-west-2\", \"cn-north-1\"]\n").errors());
    assertEquals(
        List.of("replica_regions[0] is not an AWS region name: \"US West\""),
        load("replica_regions = [\"US West\"]\n").errors());
    assertEquals(
        List.of(
            "replica_endpoints has an endpoint for \"eu-west-1\", which replica_regions does not"
                + " list"),
        load("replica_regions = [\"us-west-2\"]\n"
                 + "replica_endpoints = { \"eu-west-1\" = \"https://kms.eu-west-1.amazonaws.com\""
                 + " }\n")
            .errors());
    assertEquals(
        List.of("replica_endpoints[\"us-west-2\"] must be an absolute http or https URL: ftp://x"),
        load("replica_regions = [\"us-west-2\"]\n"
                 + "replica_endpoints = { \"us-west-2\" = \"ftp://x\" }\n")
            .errors());
    assertEquals(
        List.of(
            "replica_endpoints[\"us-west-2\"] and use_fips_endpoint cannot be set together: the"
                + " endpoint given is used as it is"),
        load("use_fips_endpoint = true\nreplica_regions = [\"us-west-2\"]\n"
                + "replica_endpoints = { \"us-west-2\" = \"https://kms.example\" }\n")
            .errors());
    assertTrue(
        load("replica_regions = true\n")
            .errors()
            .contains("replica_regions must be a string or a list of strings"));
    assertTrue(
        load("replica_endpoints = \"x\"\n").errors().stream()
            .anyMatch(e -> e.startsWith("replica_endpoints must be")));
  }

  @Test
  void plainHttpToAHostThatIsNotLoopbackIsAWarning() {
    ConfigResult r =
        load(
            "replica_regions = [\"us-west-2\"]\n"
                + "replica_endpoints = { \"us-west-2\" = \"http://kms.example\" }\n");
    assertTrue(r.errors().isEmpty(), r.errors().toString());
    assertTrue(
        r.warnings().stream()
            .anyMatch(
                w ->
                    w.startsWith(
                        "replica_endpoints[\"us-west-2\"] \"http://kms.example\" uses plain http")),
        r.warnings().toString());
    assertNull(
        load(
                "replica_regions = [\"us-west-2\"]\n"
                    + "replica_endpoints = { \"us-west-2\" = \"http://127.0.0.1:1\" }\n")
            .warnings()
            .stream()
            .filter(w -> w.contains("plain http"))
            .findFirst()
            .orElse(null));
  }

  @Test
  void theValueRejectsAnEndpointForARegionItDoesNotList() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ReplicaRegions(List.of("us-west-2"), Map.of("eu-west-1", URI.create("https://x"))));
  }
}
