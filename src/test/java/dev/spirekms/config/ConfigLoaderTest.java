package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

  private static final String TD = "example.org";
  private static final String BASE =
      "region = \"us-east-2\"\n\nkey_identifier_file = \"./server_id\"\n";
  private static final String MISSING_ID =
      "configuration requires a key identifier file or a key identifier value";

  private static ConfigResult load(String text) {
    return ConfigLoader.load(TD, text);
  }

  private static PluginConfig valid(String text) {
    ConfigResult r = load(text);
    assertEquals(List.of(), r.errors(), "errors");
    return r.config().orElseThrow();
  }

  private static List<String> errors(String text) {
    ConfigResult r = load(text);
    assertFalse(r.isValid());
    assertTrue(r.config().isEmpty());
    return r.errors();
  }

  @Test
  void minimalConfigurationUsesDefaults() {
    ConfigResult r = load(BASE);
    assertTrue(r.isValid());
    assertEquals(List.of(), r.notes());
    PluginConfig c = r.config().orElseThrow();
    assertEquals("example.org", c.trustDomain());
    assertEquals("example_org", c.sanitizedTrustDomain());
    assertEquals("us-east-2", c.region());
    assertEquals(Optional.empty(), c.staticCredentials());
    assertEquals(new ServerIdSource.FromFile(Path.of("./server_id")), c.serverIdSource());
    assertEquals(Optional.of(Path.of("./server_id")), c.keyIdentifierFile());
    assertEquals(Optional.empty(), c.keyIdentifierValue());
    assertEquals(Optional.empty(), c.keyPolicyFile());
    assertEquals(Map.of(), c.keyTags());
    assertEquals(Optional.empty(), c.endpoint());
    assertEquals(8, c.startupConcurrency());
    assertEquals(7, c.keyDeletionPendingWindowDays());
    assertEquals(Duration.ofHours(336), c.staleAliasThreshold());
    assertEquals(DisposalMode.DELETE, c.disposalMode());
  }

  private static final String FULL_HCL =
      """
      region = "eu-west-1"

      key_identifier_value = "server-a"

      key_policy_file = "/etc/spire/policy.json"

      key_tags = {
        team = "platform"
        "cost-center" = "42"
      }

      endpoint = "https://kms-fips.eu-west-1.amazonaws.com"

      startup_concurrency = 16

      key_deletion_pending_window_days = 30

      stale_alias_threshold = "36h30m"

      disposal_mode = "report"

      enable_tag_based_key_discovery = false
      """;

  private static final String FULL_JSON =
      """
      {
        "region": "eu-west-1",
        "key_identifier_value": "server-a",
        "key_policy_file": "/etc/spire/policy.json",
        "key_tags": {"team": "platform", "cost-center": "42"},
        "endpoint": "https://kms-fips.eu-west-1.amazonaws.com",
        "startup_concurrency": 16,
        "key_deletion_pending_window_days": 30,
        "stale_alias_threshold": "36h30m",
        "disposal_mode": "report",
        "enable_tag_based_key_discovery": false
      }
      """;

  private static final String FULL_QUOTED_BLOCK =
      """
      "region" = "eu-west-1"
      "key_identifier_value" = "server-a"
      "key_policy_file" = "/etc/spire/policy.json"
      "key_tags" {
        "team" = "platform",
        "cost-center" = 42
      }
      "endpoint" = "https://kms-fips.eu-west-1.amazonaws.com"
      "startup_concurrency" = "16"
      "key_deletion_pending_window_days" = 30
      "stale_alias_threshold" = "36h30m"
      "disposal_mode" = "report"
      "enable_tag_based_key_discovery" = false
      """;

  @Test
  void everySettingIsRead() {
    PluginConfig c = valid(FULL_HCL);
    assertEquals("eu-west-1", c.region());
    assertEquals(new ServerIdSource.FromValue("server-a"), c.serverIdSource());
    assertEquals(Optional.of("server-a"), c.keyIdentifierValue());
    assertEquals(Optional.empty(), c.keyIdentifierFile());
    assertEquals(Optional.of(Path.of("/etc/spire/policy.json")), c.keyPolicyFile());
    assertEquals(Map.of("team", "platform", "cost-center", "42"), c.keyTags());
    assertEquals(List.of("team", "cost-center"), List.copyOf(c.keyTags().keySet()));
    assertEquals(Optional.of(URI.create("https://kms-fips.eu-west-1.amazonaws.com")), c.endpoint());
    assertEquals(16, c.startupConcurrency());
    assertEquals(30, c.keyDeletionPendingWindowDays());
    assertEquals(Duration.ofMinutes(36 * 60 + 30), c.staleAliasThreshold());
    assertEquals(DisposalMode.REPORT, c.disposalMode());
  }

  @Test
  void jsonQuotedKeysAndBlockFormGiveTheSameConfiguration() {
    PluginConfig hcl = valid(FULL_HCL);
    assertEquals(hcl, valid(FULL_JSON));
    assertEquals(hcl, valid(FULL_QUOTED_BLOCK));
  }

  @Test
  void emptyTextReportsBothRequiredSettings() {
    for (String text : new String[] {"", null, "  # nothing\n"}) {
      ConfigResult r = ConfigLoader.load(TD, text);
      assertEquals(List.of("configuration is missing a region", MISSING_ID), r.errors());
      assertEquals(List.of(), r.warnings());
      assertEquals(Optional.of("configuration is missing a region"), r.firstError());
    }
  }

  @Test
  void missingTrustDomainComesFirstAndTheRestIsStillChecked() {
    for (String td : new String[] {"", null}) {
      ConfigResult r = ConfigLoader.load(td, "key_identifier_value = \"a@b\"");
      assertEquals(
          List.of(
              "server core configuration must contain trust_domain",
              "configuration is missing a region",
              "key identifier must contain only alphanumeric characters, forward slashes (/),"
                  + " underscores (_), and dashes (-)"),
          r.errors());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"spiffe://example.org", "Example.org", "example..org", "a b"})
  void malformedTrustDomain(String td) {
    ConfigResult r = ConfigLoader.load(td, BASE);
    assertEquals(1, r.errors().size());
    assertEquals(
        "server core configuration trust_domain is malformed: "
            + TrustDomainRules.problem(td).orElseThrow(),
        r.errors().get(0));
  }

  @Test
  void trustDomainWithUnderscoreIsAWarning() {
    ConfigResult r = ConfigLoader.load("a_b.example", BASE);
    assertTrue(r.isValid());
    assertEquals(
        List.of(
            "trust domain \"a_b.example\" contains '_': its KMS names collide with those of"
                + " \"a.b.example\" (both sanitise to \"a_b_example\")"),
        r.warnings());
    assertEquals("a_b_example", r.config().orElseThrow().sanitizedTrustDomain());
  }

  @Test
  void decodeErrorIsReportedAfterCoreErrorsAndStopsFurtherChecks() {
    assertEquals(
        List.of("unable to decode configuration: 1:10: illegal char '^'"), errors("region = ^"));
    ConfigResult r = ConfigLoader.load("", "region = \"a\"\nregion = \"b\"");
    assertEquals(
        List.of(
            "server core configuration must contain trust_domain",
            "unable to decode configuration: 2:1: duplicate key \"region\" (first set at 1:1)"),
        r.errors());
    assertEquals(List.of(), r.warnings());
  }

  @Test
  void staticCredentialsWhenBothAreSet() {
    ConfigResult r =
        load(BASE + "access_key_id = \"AKIDEXAMPLE1\"\nsecret_access_key = \"s3cr3t-value\"");
    assertTrue(r.isValid());
    StaticCredentials creds = r.config().orElseThrow().staticCredentials().orElseThrow();
    assertEquals("AKIDEXAMPLE1", creds.accessKeyId());
    assertEquals("s3cr3t-value", creds.secretAccessKey());
    assertEquals(1, r.warnings().size());
    assertTrue(r.warnings().get(0).contains("static credentials are discouraged"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "access_key_id = \"AKIDEXAMPLE1\"",
        "secret_access_key = \"s3cr3t-value\"",
        "access_key_id = \"AKIDEXAMPLE1\"\nsecret_access_key = \"\""
      })
  void halfSetStaticCredentialsAreRejected(String line) {
    ConfigResult r = load(BASE + line);
    assertEquals(List.of("access_key_id and secret_access_key must be set together"), r.errors());
    assertEquals(List.of(), r.warnings());
  }

  @Test
  void emptyStaticCredentialsMeanTheDefaultChain() {
    PluginConfig c = valid(BASE + "access_key_id = \"\"\nsecret_access_key = \"\"");
    assertEquals(Optional.empty(), c.staticCredentials());
  }

  @Test
  void keyIdentifierFileAndValueTogether() {
    assertEquals(
        List.of(
            "configuration can't have a key identifier file and a key identifier value at the"
                + " same time"),
        errors(BASE + "key_identifier_value = \"a\""));
  }

  @Test
  void emptyKeyIdentifierCountsAsUnset() {
    assertEquals(
        List.of(MISSING_ID),
        errors("region = \"r\"\nkey_identifier_file = \"\"\nkey_identifier_value = \"\""));
  }

  private static final String BAD_CHARS =
      "key identifier must contain only alphanumeric characters, forward slashes (/), underscores"
          + " (_), and dashes (-)";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "@server@",
        "a.b",
        "a b",
        "a+b",
        "é",
        "a[b",
        "a\\\\b",
        "a]b",
        "a^b",
        "a`b",
        "a\\nb"
      })
  void keyIdentifierValueCharacters(String hclLiteral) {
    assertEquals(
        List.of(BAD_CHARS),
        errors("region = \"r\"\nkey_identifier_value = \"" + hclLiteral + "\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"server-a", "a/b/c", "A_Z-09", "alias/aws", "alias/awsx/y"})
  void keyIdentifierValueAccepted(String value) {
    assertEquals(
        Optional.of(value),
        valid("region = \"r\"\nkey_identifier_value = \"" + value + "\"").keyIdentifierValue());
  }

  @Test
  void keyIdentifierValueMustNotStartWithTheAwsAliasPrefix() {
    assertEquals(
        List.of("key identifier must not start with alias/aws/"),
        errors("region = \"r\"\nkey_identifier_value = \"alias/aws/x\""));
  }

  @Test
  void keyIdentifierValueRulesAreAllReported() {
    assertEquals(
        List.of(
            BAD_CHARS,
            "key identifier must not start with alias/aws/",
            "key identifier must not be longer than 256 characters"),
        errors("region = \"r\"\nkey_identifier_value = \"alias/aws/" + "@".repeat(250) + "\""));
  }

  @Test
  void aliasNamesMustFitKmsLimitWithAValue() {
    // alias/SPIRE_SERVER/ (19) + example_org (11) + / + id + / + 32 reserved <= 256
    int longest = 256 - 32 - 19 - 11 - 2;
    valid("region = \"r\"\nkey_identifier_value = \"" + "a".repeat(longest) + "\"");
    List<String> errs =
        errors("region = \"r\"\nkey_identifier_value = \"" + "a".repeat(longest + 1) + "\"");
    assertEquals(
        List.of(
            "trust domain and key identifier value are too long for KMS alias names: the alias"
                + " prefix alias/SPIRE_SERVER/<trust domain>/<server id>/ takes 225 of the 256"
                + " characters KMS allows, leaving less than the 32 needed for key ids"),
        errs);
  }

  @Test
  void aliasNamesMustFitKmsLimitWithAFile() {
    // 19 + td + 1 + 36 + 1 + 32 <= 256  =>  td <= 167
    String longestTd = "a".repeat(167);
    assertTrue(ConfigLoader.load(longestTd, BASE).isValid());
    ConfigResult r = ConfigLoader.load(longestTd + "b", BASE);
    assertEquals(
        List.of(
            "trust domain is too long for KMS alias names (the server id from key_identifier_file"
                + " takes 36 characters): the alias prefix alias/SPIRE_SERVER/<trust domain>/"
                + "<server id>/ takes 225 of the 256 characters KMS allows, leaving less than the"
                + " 32 needed for key ids"),
        r.errors());
  }

  @Test
  void aliasLengthIsNotCheckedAgainstAMalformedTrustDomain() {
    ConfigResult r = ConfigLoader.load("A".repeat(300), BASE);
    assertEquals(1, r.errors().size());
    assertTrue(r.errors().get(0).startsWith("server core configuration trust_domain is malformed"));
  }

  @Test
  void keyTagProblemsAreWrapped() {
    assertEquals(
        List.of(
            "invalid configuration for key tags: tag key \"aws:team\" uses reserved prefix 'aws:'",
            "invalid configuration for key tags: tag key \"spire-x\" uses reserved prefix"
                + " 'spire-'"),
        errors(BASE + "key_tags = {\n  \"aws:team\" = \"a\"\n  \"spire-x\" = \"b\"\n}"));
  }

  @Test
  void keyTagsAcceptNumbersAsValues() {
    assertEquals(
        Map.of("n", "42", "f", "1.5"), valid(BASE + "key_tags { n = 42\n f = 1.5 }").keyTags());
  }

  @Test
  void keyTagsWithWrongTypes() {
    assertEquals(List.of("key_tags must be a map of strings"), errors(BASE + "key_tags = [\"a\"]"));
    assertEquals(
        List.of(
            "key_tags value for key \"a\" must be a string",
            "key_tags value for key \"c\" must be a string"),
        errors(BASE + "key_tags { a = true\n b = \"ok\"\n c = { d = \"e\" } }"));
  }

  @ParameterizedTest
  @MethodSource
  void endpoints(String endpoint, List<String> expectedErrors, int expectedWarnings) {
    ConfigResult r = load(BASE + "endpoint = \"" + endpoint + "\"");
    assertEquals(expectedErrors, r.errors());
    assertEquals(expectedWarnings, r.warnings().size(), r.warnings().toString());
    if (expectedErrors.isEmpty()) {
      assertEquals(Optional.of(URI.create(endpoint)), r.config().orElseThrow().endpoint());
    }
  }

  static Stream<Arguments> endpoints() {
    String bad = "endpoint must be an absolute http or https URL: ";
    return Stream.of(
        Arguments.of("https://kms.us-east-2.amazonaws.com", List.of(), 0),
        Arguments.of("https://vpce-1.kms.us-east-2.vpce.amazonaws.com/", List.of(), 0),
        Arguments.of("HTTPS://KMS.example.com:8443/base", List.of(), 0),
        Arguments.of("http://localhost:4566", List.of(), 0),
        Arguments.of("http://LOCALHOST:4566", List.of(), 0),
        Arguments.of("http://127.0.0.1:8080", List.of(), 0),
        Arguments.of("http://127.1.2.3", List.of(), 0),
        Arguments.of("http://[::1]:8080", List.of(), 0),
        Arguments.of("http://[0:0:0:0:0:0:0:1]:8080", List.of(), 0),
        Arguments.of("http://kms.internal:8080", List.of(), 1),
        Arguments.of("http://[::2]:8080", List.of(), 1),
        Arguments.of("http://10.0.0.1", List.of(), 1),
        Arguments.of(
            "kms.us-east-2.amazonaws.com", List.of(bad + "kms.us-east-2.amazonaws.com"), 0),
        Arguments.of("/relative/path", List.of(bad + "/relative/path"), 0),
        Arguments.of("ftp://kms.example.com", List.of(bad + "ftp://kms.example.com"), 0),
        Arguments.of(
            "https://kms.example.com/?a=b", List.of(bad + "https://kms.example.com/?a=b"), 0),
        Arguments.of("https://kms.example.com/#f", List.of(bad + "https://kms.example.com/#f"), 0),
        Arguments.of("https:opaque", List.of(bad + "https:opaque"), 0),
        Arguments.of("https://", List.of(bad + "https://"), 0),
        Arguments.of("https://kms example.com", List.of(bad + "https://kms example.com"), 0),
        Arguments.of(
            "https://user:pw@kms.example.com",
            List.of("endpoint must not contain user information"),
            0));
  }

  @Test
  void plainHttpWarningNamesTheEndpoint() {
    ConfigResult r = load(BASE + "endpoint = \"http://kms.internal\"");
    assertEquals(
        List.of(
            "endpoint \"http://kms.internal\" uses plain http to a host that is not loopback:"
                + " requests to KMS travel unencrypted"),
        r.warnings());
  }

  @ParameterizedTest
  @MethodSource
  void integerSettings(String key, String literal, Object expected) {
    ConfigResult r = load(BASE + key + " = " + literal);
    if (expected instanceof Integer n) {
      PluginConfig c = r.config().orElseThrow();
      int actual =
          switch (key) {
            case "startup_concurrency" -> c.startupConcurrency();
            case "kms_control_plane_rps" -> c.kmsControlPlaneRps().orElseThrow();
            default -> c.keyDeletionPendingWindowDays();
          };
      assertEquals(n, actual);
    } else {
      assertEquals(List.of(expected), r.errors());
    }
  }

  static Stream<Arguments> integerSettings() {
    String sc = "startup_concurrency";
    String scRange = "startup_concurrency must be between 1 and 64";
    String pw = "key_deletion_pending_window_days";
    String pwRange = "key_deletion_pending_window_days must be between 7 and 30";
    String rps = "kms_control_plane_rps";
    String rpsRange = "kms_control_plane_rps must be between 1 and 10000";
    return Stream.of(
        Arguments.of(sc, "1", 1),
        Arguments.of(sc, "64", 64),
        Arguments.of(sc, "\"16\"", 16),
        Arguments.of(sc, "\"+16\"", 16),
        Arguments.of(sc, "0", scRange),
        Arguments.of(sc, "65", scRange),
        Arguments.of(sc, "-1", scRange),
        Arguments.of(sc, "9223372036854775807", scRange),
        Arguments.of(sc, "-9223372036854775807", scRange),
        Arguments.of(sc, "\"99999999999\"", scRange),
        Arguments.of(sc, "1.5", "startup_concurrency must be an integer"),
        Arguments.of(sc, "8.0", "startup_concurrency must be an integer"),
        Arguments.of(sc, "\"eight\"", "startup_concurrency must be an integer"),
        Arguments.of(sc, "\" 8\"", "startup_concurrency must be an integer"),
        Arguments.of(sc, "\"9999999999999999999\"", "startup_concurrency must be an integer"),
        Arguments.of(sc, "true", "startup_concurrency must be an integer"),
        Arguments.of(sc, "[8]", "startup_concurrency must be an integer"),
        Arguments.of(pw, "7", 7),
        Arguments.of(pw, "30", 30),
        Arguments.of(pw, "\"10\"", 10),
        Arguments.of(pw, "6", pwRange),
        Arguments.of(pw, "31", pwRange),
        Arguments.of(pw, "{}", "key_deletion_pending_window_days must be an integer"),
        Arguments.of(rps, "1", 1),
        Arguments.of(rps, "10000", 10000),
        Arguments.of(rps, "\"50\"", 50),
        Arguments.of(rps, "0", rpsRange),
        Arguments.of(rps, "-5", rpsRange),
        Arguments.of(rps, "10001", rpsRange),
        Arguments.of(rps, "2.5", "kms_control_plane_rps must be an integer"));
  }

  @Test
  void theControlPlaneRateLimitIsOffUnlessSet() {
    PluginConfig c = load(BASE).config().orElseThrow();
    assertEquals(java.util.Optional.empty(), c.kmsControlPlaneRps());
    PluginConfig limited = load(BASE + "kms_control_plane_rps = 20").config().orElseThrow();
    assertEquals(java.util.Optional.of(20), limited.kmsControlPlaneRps());
    assertEquals(limited, limited.toBuilder().build());
    assertNotEquals(c, limited);
    assertTrue(
        limited.toBuilder()
            .kmsControlPlaneRps(20_000)
            .validate()
            .errors()
            .contains("kms_control_plane_rps must be between 1 and 10000"));
  }

  @ParameterizedTest
  @MethodSource
  void staleAliasThreshold(String literal, Object expected) {
    ConfigResult r = load(BASE + "stale_alias_threshold = " + literal);
    if (expected instanceof Duration d) {
      assertEquals(d, r.config().orElseThrow().staleAliasThreshold());
    } else {
      assertEquals(List.of(expected), r.errors());
    }
  }

  static Stream<Arguments> staleAliasThreshold() {
    String tooShort = "stale_alias_threshold must be at least 24h";
    return Stream.of(
        Arguments.of("\"336h\"", Duration.ofDays(14)),
        Arguments.of("\"24h\"", Duration.ofDays(1)),
        Arguments.of("\"1d\"", Duration.ofDays(1)),
        Arguments.of("\"30d\"", Duration.ofDays(30)),
        Arguments.of("\"86400s\"", Duration.ofDays(1)),
        Arguments.of("\"1440m\"", Duration.ofDays(1)),
        Arguments.of("\"23h59m\"", tooShort),
        Arguments.of("\"0\"", tooShort),
        Arguments.of("\"-48h\"", tooShort),
        Arguments.of("\"two weeks\"", "stale_alias_threshold is not a valid duration: two weeks"),
        Arguments.of("336", "stale_alias_threshold is not a valid duration: 336"),
        Arguments.of("true", "stale_alias_threshold must be a string"));
  }

  @Test
  void disposalMode() {
    assertEquals(DisposalMode.REPORT, valid(BASE + "disposal_mode = \"report\"").disposalMode());
    assertEquals(DisposalMode.DELETE, valid(BASE + "disposal_mode = \"delete\"").disposalMode());
    assertEquals(
        List.of("disposal_mode must be \"delete\" or \"report\""),
        errors(BASE + "disposal_mode = \"Delete\""));
    assertEquals(
        List.of("disposal_mode must be \"delete\" or \"report\""),
        errors(BASE + "disposal_mode = 1"));
  }

  @Test
  void stringSettingsAcceptNumbersAndHeredocs() {
    assertEquals("42", valid(BASE.replace("\"us-east-2\"", "42")).region());
    assertEquals("1.5", valid(BASE.replace("\"us-east-2\"", "1.5")).region());
    // A heredoc keeps its final newline, as in Go, so it suits few settings.
    assertEquals(
        "us-east-2\n",
        valid("region = <<-EOF\n  us-east-2\n  EOF\nkey_identifier_file = \"f\"").region());
    assertEquals(
        List.of(BAD_CHARS),
        errors("region = \"r\"\nkey_identifier_value = <<EOF\nserver-a\nEOF\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "[\"us-east-2\"]", "{ a = \"b\" }"})
  void wrongTypeIsReportedOnceNotAlsoAsMissing(String literal) {
    assertEquals(
        List.of("region must be a string"),
        errors("region = " + literal + "\nkey_identifier_file = \"f\""));
    assertEquals(
        List.of("key_identifier_value must be a string"),
        errors("region = \"r\"\nkey_identifier_value = " + literal));
    assertEquals(
        List.of("key_identifier_file must be a string"),
        errors("region = \"r\"\nkey_identifier_file = " + literal));
  }

  @Test
  void unknownKeysAreWarnedAboutAndIgnored() {
    ConfigResult r = load(BASE + "regoin = \"x\"\n\"role_arn\" = \"y\"");
    assertTrue(r.isValid());
    assertEquals(
        List.of(
            "unknown configuration key \"regoin\" is ignored",
            "unknown configuration key \"role_arn\" is ignored"),
        r.warnings());
  }

  @Test
  void keyNamesMatchRegardlessOfCaseWithAWarning() {
    ConfigResult r = load("Region = \"us-east-2\"\n\"KEY_IDENTIFIER_FILE\" = \"f\"");
    assertEquals("us-east-2", r.config().orElseThrow().region());
    assertEquals(
        List.of(
            "configuration key \"Region\" is read as \"region\"",
            "configuration key \"KEY_IDENTIFIER_FILE\" is read as \"key_identifier_file\""),
        r.warnings());
  }

  @Test
  void oneKeyInTwoSpellingsIsAnError() {
    assertEquals(
        List.of("region is set more than once (as \"region\" and as \"REGION\")"),
        errors(BASE + "REGION = \"us-west-1\""));
  }

  @Test
  void removedKeyMetadataFileHasItsOwnWarning() {
    ConfigResult r = load("region = \"r\"\nkey_metadata_file = \"./m\"");
    assertEquals(List.of(MISSING_ID), r.errors());
    assertEquals(
        List.of(
            "key_metadata_file was removed in SPIRE 1.10 and is ignored: key_identifier_file"
                + " replaces it"),
        r.warnings());
  }

  @Test
  void tagBasedKeyDiscovery() {
    ConfigResult off = load(BASE + "enable_tag_based_key_discovery = false");
    assertEquals(List.of(), off.notes());
    assertFalse(off.config().orElseThrow().tagBasedKeyDiscovery());
    assertFalse(off.config().orElseThrow().summary().containsKey("enable_tag_based_key_discovery"));
    ConfigResult on = load(BASE + "enable_tag_based_key_discovery = true");
    assertEquals(List.of(), on.notes());
    PluginConfig config = on.config().orElseThrow();
    assertTrue(config.tagBasedKeyDiscovery());
    assertEquals("true", config.summary().get("enable_tag_based_key_discovery"));
    assertEquals("default", config.summary().get("tagging_endpoint"));
    assertEquals(config, config.toBuilder().build());
    assertNotEquals(config, off.config().orElseThrow());
    assertEquals(
        List.of("enable_tag_based_key_discovery must be a boolean"),
        errors(BASE + "enable_tag_based_key_discovery = \"true\""));
  }

  @Test
  void taggingEndpoint() {
    PluginConfig config =
        load(BASE
                + "enable_tag_based_key_discovery = true\n"
                + "tagging_endpoint = \"http://127.0.0.1:4566\"")
            .config()
            .orElseThrow();
    assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), config.taggingEndpoint());
    assertEquals("http://127.0.0.1:4566", config.summary().get("tagging_endpoint"));
    assertEquals(config, config.toBuilder().build());
    assertEquals(
        Optional.empty(),
        load(BASE + "tagging_endpoint = \"\"").config().orElseThrow().taggingEndpoint());
    assertEquals(
        List.of("tagging_endpoint must be an absolute http or https URL: ftp://x"),
        errors(BASE + "tagging_endpoint = \"ftp://x\""));
    assertEquals(
        List.of(
            "tagging_endpoint \"http://tagging.example\" uses plain http to a host that is not"
                + " loopback: requests to Resource Groups Tagging API travel unencrypted"),
        load(BASE + "tagging_endpoint = \"http://tagging.example\"").warnings());
  }

  @Test
  void everyProblemIsCollectedInOrder() {
    ConfigResult r =
        ConfigLoader.load(
            "Bad.Domain",
            """
            access_key_id = "AKIDEXAMPLE1"
            key_identifier_value = "alias/aws/x"
            key_tags = { "aws:a" = "b" }
            endpoint = "ftp://x"
            startup_concurrency = 0
            key_deletion_pending_window_days = 1
            stale_alias_threshold = "1h"
            disposal_mode = "keep"
            enable_tag_based_key_discovery = true
            mystery = 1
            endpoint_url = "http://x"
            """);
    assertEquals(
        List.of(
            "server core configuration trust_domain is malformed: trust domain characters are"
                + " limited to lowercase letters, numbers, dots, dashes, and underscores",
            "disposal_mode must be \"delete\" or \"report\"",
            "configuration is missing a region",
            "access_key_id and secret_access_key must be set together",
            "key identifier must not start with alias/aws/",
            "invalid configuration for key tags: tag key \"aws:a\" uses reserved prefix 'aws:'",
            "endpoint must be an absolute http or https URL: ftp://x",
            "startup_concurrency must be between 1 and 64",
            "key_deletion_pending_window_days must be between 7 and 30",
            "stale_alias_threshold must be at least 24h"),
        r.errors());
    assertEquals(
        List.of(
            "unknown configuration key \"mystery\" is ignored",
            "unknown configuration key \"endpoint_url\" is ignored"),
        r.warnings());
    List<String> notes = new ArrayList<>(r.errors());
    notes.addAll(r.warnings());
    assertEquals(notes, r.notes());
    InvalidConfigException e = assertThrows(InvalidConfigException.class, r::configOrThrow);
    assertEquals(r.errors().get(0), e.getMessage());
    assertEquals(r.errors(), e.errors());
  }

  @Test
  void messagesStartLowerCaseWithoutTrailingPeriod() {
    ConfigResult r =
        ConfigLoader.load(
            "a_b",
            "access_key_id = \"x\"\nendpoint = \"http://h\"\nfoo = 1\nkey_metadata_file = \"m\"");
    assertFalse(r.notes().isEmpty());
    for (String note : r.notes()) {
      assertTrue(Character.isLowerCase(note.charAt(0)), note);
      assertFalse(note.endsWith("."), note);
    }
  }

  /** Every message produced while the configuration holds credentials: none may quote them. */
  @ParameterizedTest
  @MethodSource
  void secretsNeverAppearInAnyMessage(String trustDomain, String extra) {
    String accessKeyId = "AKIAIOSFODNN7EXAMPLE";
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    String text =
        "access_key_id = \"" + accessKeyId + "\"\nsecret_access_key = \"" + secret + "\"\n" + extra;
    ConfigResult r = ConfigLoader.load(trustDomain, text);
    List<String> messages = new ArrayList<>(r.notes());
    messages.add(r.toString());
    r.config().ifPresent(c -> messages.add(c.toString()));
    r.config().ifPresent(c -> messages.add(c.summary().toString()));
    r.config().ifPresent(c -> messages.add(c.staticCredentials().orElseThrow().toString()));
    if (!r.isValid()) {
      messages.add(assertThrows(InvalidConfigException.class, r::configOrThrow).getMessage());
    }
    assertFalse(messages.isEmpty());
    for (String m : messages) {
      assertFalse(m.contains(secret), m);
      assertFalse(m.contains(accessKeyId), m);
      assertFalse(m.contains("wJalrXUtnFEMI"), m);
    }
  }

  static Stream<Arguments> secretsNeverAppearInAnyMessage() {
    return Stream.of(
        Arguments.of("example.org", BASE),
        Arguments.of("", BASE),
        Arguments.of("a_b", BASE + "endpoint = \"http://kms.internal\"\nunknown = 1"),
        Arguments.of("example.org", ""),
        Arguments.of(
            "example.org",
            "key_identifier_value = \"@\"\n"
                + "endpoint = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\""),
        Arguments.of("example.org", BASE + "stale_alias_threshold = \"AKIAIOSFODNN7EXAMPLE\""),
        Arguments.of("example.org", BASE + "region2 = ^"),
        Arguments.of("example.org", BASE + "key_tags { team = \"$\" }"));
  }

  @Test
  void credentialsUnderAnotherSpellingAreRedactedToo() {
    String secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";
    ConfigResult r =
        load(
            BASE
                + "Access_Key_Id = \"AKIAIOSFODNN7EXAMPLE\"\nSECRET_ACCESS_KEY = \""
                + secret
                + "\"\nendpoint = \"x"
                + secret
                + "\"");
    assertFalse(r.errors().isEmpty());
    for (String note : r.notes()) {
      assertFalse(note.contains(secret), note);
    }
    assertTrue(r.errors().contains("endpoint must be an absolute http or https URL: x[redacted]"));
  }

  @Test
  void halfSetCredentialsAreNotQuotedEither() {
    ConfigResult r = load(BASE + "secret_access_key = \"wJalrXUtnFEMIK7MDENGbPx\"");
    for (String note : r.notes()) {
      assertFalse(note.contains("wJalrXUtnFEMI"), note);
    }
  }

  @Test
  void credentialsOfWrongTypeAreReported() {
    assertEquals(
        List.of("access_key_id must be a string", "secret_access_key must be a string"),
        errors(BASE + "access_key_id = true\nsecret_access_key = [\"x\"]"));
  }
}
