package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The assume-role, STS endpoint and FIPS settings: {@code assume_role_arn}, {@code
 * assume_role_external_id}, {@code assume_role_session_name}, {@code assume_role_duration}, {@code
 * sts_endpoint} and {@code use_fips_endpoint}.
 */
class AssumeRoleConfigTest {

  private static final String TD = "example.org";
  private static final String BASE =
      "region = \"us-east-2\"\n\nkey_identifier_file = \"./server_id\"\n";
  private static final String A1 = "arn:aws:iam::123456789012:role/spire-kms";
  private static final String A2 = "arn:aws:iam::210987654321:role/team/kms-signer";
  private static final String A3 = "arn:aws:iam::111122223333:role/a";
  private static final String EXTERNAL_ID_RULE =
      " must be 2 to 1224 characters of letters, digits and _+=,.@:/-";
  private static final Duration HOUR = Duration.ofHours(1);

  private static ConfigResult load(String extra) {
    return ConfigLoader.load(TD, BASE + extra);
  }

  private static PluginConfig valid(String extra) {
    ConfigResult r = load(extra);
    assertEquals(List.of(), r.errors(), "errors");
    return r.config().orElseThrow();
  }

  private static List<String> errors(String extra) {
    ConfigResult r = load(extra);
    assertFalse(r.isValid());
    assertTrue(r.config().isEmpty());
    return r.errors();
  }

  private static String hclList(String... values) {
    return Stream.of(values).map(GoQuote::quote).collect(Collectors.joining(", ", "[", "]"));
  }

  private static RoleHop hop(String arn, String externalId, Duration duration) {
    return new RoleHop(arn, Optional.ofNullable(externalId), duration);
  }

  private static PluginConfigBuilder minimal() {
    return PluginConfig.builder()
        .trustDomain(TD)
        .region("us-east-2")
        .keyIdentifierValue("server-a");
  }

  // ---- assume_role_arn ----

  @Test
  void withoutAssumeRoleSettingsThereIsNoChain() {
    ConfigResult r = load("");
    assertEquals(List.of(), r.notes());
    PluginConfig c = r.config().orElseThrow();
    assertEquals(RoleChain.none(), c.roleChain());
    assertTrue(c.roleChain().isEmpty());
    assertEquals(Optional.empty(), c.stsEndpoint());
    assertFalse(c.useFipsEndpoint());
  }

  @Test
  void oneRoleAsAString() {
    PluginConfig c = valid("assume_role_arn = \"" + A1 + "\"");
    assertEquals(new RoleChain(List.of(hop(A1, null, HOUR)), Optional.empty()), c.roleChain());
    assertEquals("spire-server-srv-1", c.roleChain().sessionName("srv-1"));
  }

  @Test
  void aChainAsAListIsAssumedInOrder() {
    PluginConfig c = valid("assume_role_arn = " + hclList(A1, A2, A3));
    assertEquals(List.of(A1, A2, A3), c.roleChain().hops().stream().map(RoleHop::roleArn).toList());
  }

  @Test
  void hclListFormsAndJsonGiveTheSameChain() {
    RoleChain expected =
        new RoleChain(
            List.of(
                hop(A1, "ext-id-1", Duration.ofMinutes(30)), hop(A2, null, Duration.ofMinutes(30))),
            Optional.of("ops-session"));
    String hcl =
        "assume_role_arn = [\n  \""
            + A1
            + "\",\n  \""
            + A2
            + "\",\n]\n\nassume_role_external_id = [\"ext-id-1\", \"\"]\n\n"
            + "assume_role_session_name = \"ops-session\"\n\nassume_role_duration = \"30m\"\n";
    String json =
        """
        {
          "region": "us-east-2",
          "key_identifier_file": "./server_id",
          "assume_role_arn": ["%s", "%s"],
          "assume_role_external_id": ["ext-id-1", ""],
          "assume_role_session_name": "ops-session",
          "assume_role_duration": "30m"
        }
        """
            .formatted(A1, A2);
    PluginConfig fromHcl = valid(hcl);
    assertEquals(expected, fromHcl.roleChain());
    ConfigResult fromJson = ConfigLoader.load(TD, json);
    assertEquals(List.of(), fromJson.notes());
    assertEquals(fromHcl, fromJson.config().orElseThrow());
  }

  @Test
  void jsonStringForms() {
    String json =
        """
        {"region": "us-east-2", "key_identifier_file": "f",
         "assume_role_arn": "%s", "assume_role_external_id": "ext-id-1"}
        """
            .formatted(A1);
    ConfigResult r = ConfigLoader.load(TD, json);
    assertEquals(
        new RoleChain(List.of(hop(A1, "ext-id-1", HOUR)), Optional.empty()),
        r.config().orElseThrow().roleChain());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:iam::123456789012:role/a",
        "arn:aws:iam::123456789012:role/service-role/x",
        "arn:aws:iam::123456789012:role/a/b/c/Name_With+=,.@-chars",
        "arn:aws:iam::000000000000:role/ROLE",
      })
  void acceptedRoleArns(String arn) {
    assertEquals(
        arn, valid("assume_role_arn = \"" + arn + "\"").roleChain().hops().get(0).roleArn());
  }

  @Test
  void roleNameMayHave64Characters() {
    String arn = "arn:aws:iam::123456789012:role/" + "n".repeat(64);
    valid("assume_role_arn = \"" + arn + "\"");
    // A path longer than 64 characters is fine: only the name is limited.
    valid("assume_role_arn = \"arn:aws:iam::123456789012:role/" + "p".repeat(100) + "/n\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "spire-kms",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role/path/",
        "arn:aws:iam::123456789012:user/spire",
        "arn:aws:iam::12345678901:role/spire",
        "arn:aws:iam::1234567890123:role/spire",
        "arn:aws:iam:us-east-2:123456789012:role/spire",
        "arn:aws:sts::123456789012:assumed-role/spire/session",
        "arn:aws-iso:iam::123456789012:role/spire",
        "arn:AWS:iam::123456789012:role/spire",
        "ARN:aws:iam::123456789012:role/spire",
        "arn:aws:iam::123456789012:role/a b",
        "arn:aws:iam::123456789012:role/a:b",
        "arn:aws:iam::123456789012:role/caf\u00e9",
        " arn:aws:iam::123456789012:role/spire",
        "arn:aws:iam::123456789012:role/spire\n",
      })
  void rejectedRoleArns(String arn) {
    assertEquals(
        List.of("assume_role_arn is not an IAM role ARN: " + GoQuote.quote(arn)),
        errors("assume_role_arn = " + GoQuote.quote(arn)));
  }

  @Test
  void roleNameOf65CharactersIsRejected() {
    String arn = "arn:aws:iam::123456789012:role/" + "n".repeat(65);
    assertEquals(
        List.of("assume_role_arn is not an IAM role ARN: \"" + arn + "\""),
        errors("assume_role_arn = \"" + arn + "\""));
  }

  @Test
  void listMessagesNameThePosition() {
    assertEquals(
        List.of(
            "assume_role_arn[1] is not an IAM role ARN: \"spire\"",
            "assume_role_arn[2] is not an IAM role ARN: \"\""),
        errors("assume_role_arn = " + hclList(A1, "spire", "")));
  }

  @Test
  void emptyStringOrListCountsAsNotSet() {
    for (String literal : List.of("\"\"", "[]")) {
      ConfigResult r = load("assume_role_arn = " + literal);
      assertEquals(List.of(), r.notes(), literal);
      assertEquals(RoleChain.none(), r.config().orElseThrow().roleChain());
    }
    ConfigResult json =
        ConfigLoader.load(
            TD, "{\"region\": \"r\", \"key_identifier_file\": \"f\", \"assume_role_arn\": []}");
    assertEquals(RoleChain.none(), json.config().orElseThrow().roleChain());
  }

  @ParameterizedTest
  @MethodSource
  void partitionMustMatchTheRegion(String region, String arn, List<String> expected) {
    ConfigResult r =
        ConfigLoader.load(
            TD,
            "region = \""
                + region
                + "\"\nkey_identifier_file = \"f\"\nassume_role_arn = [\""
                + arn
                + "\"]");
    assertEquals(expected, r.errors());
  }

  static Stream<Arguments> partitionMustMatchTheRegion() {
    String cn = "arn:aws-cn:iam::123456789012:role/spire";
    String gov = "arn:aws-us-gov:iam::123456789012:role/spire";
    return Stream.of(
        Arguments.of("us-east-2", A1, List.of()),
        Arguments.of("eu-west-1", A1, List.of()),
        Arguments.of("cn-north-1", cn, List.of()),
        Arguments.of("cn-northwest-1", cn, List.of()),
        Arguments.of("us-gov-west-1", gov, List.of()),
        Arguments.of(
            "us-east-2",
            cn,
            List.of(
                "assume_role_arn[0] is in partition \"aws-cn\" but region \"us-east-2\" is in"
                    + " partition \"aws\"")),
        Arguments.of(
            "cn-north-1",
            A1,
            List.of(
                "assume_role_arn[0] is in partition \"aws\" but region \"cn-north-1\" is in"
                    + " partition \"aws-cn\"")),
        Arguments.of(
            "us-gov-east-1",
            cn,
            List.of(
                "assume_role_arn[0] is in partition \"aws-cn\" but region \"us-gov-east-1\" is in"
                    + " partition \"aws-us-gov\"")),
        // Only the prefix "us-gov-" marks GovCloud.
        Arguments.of(
            "us-govx-1",
            gov,
            List.of(
                "assume_role_arn[0] is in partition \"aws-us-gov\" but region \"us-govx-1\" is in"
                    + " partition \"aws\"")));
  }

  @Test
  void partitionMessageForOneRoleHasNoPosition() {
    assertEquals(
        List.of(
            "assume_role_arn is in partition \"aws-us-gov\" but region \"us-east-2\" is in"
                + " partition \"aws\""),
        errors("assume_role_arn = \"arn:aws-us-gov:iam::123456789012:role/spire\""));
  }

  @Test
  void partitionIsNotCheckedWithoutARegion() {
    ConfigResult r =
        ConfigLoader.load(
            TD,
            "key_identifier_file = \"f\"\n"
                + "assume_role_arn = \"arn:aws-cn:iam::123456789012:role/x\"");
    assertEquals(List.of("configuration is missing a region"), r.errors());
  }

  @Test
  void atMostTenRoles() {
    List<String> ten = IntStream.range(0, 10).mapToObj(i -> A1 + i).toList();
    assertEquals(
        10,
        valid("assume_role_arn = " + hclList(ten.toArray(String[]::new)))
            .roleChain()
            .hops()
            .size());
    List<String> eleven = new ArrayList<>(ten);
    eleven.add(A2);
    assertEquals(
        List.of("assume_role_arn has 11 roles but at most 10 can be chained"),
        errors("assume_role_arn = " + hclList(eleven.toArray(String[]::new))));
  }

  @Test
  void roleArnOfTheWrongType() {
    String wrong = "assume_role_arn must be a string or a list of strings";
    assertEquals(List.of(wrong), errors("assume_role_arn = true"));
    assertEquals(List.of(wrong), errors("assume_role_arn = { a = \"b\" }"));
    assertEquals(
        List.of("assume_role_arn[1] must be a string", "assume_role_arn[2] must be a string"),
        errors("assume_role_arn = [\"" + A1 + "\", true, [\"x\"]]"));
    // Set, though unusable: the settings that need it are not reported as missing it.
    assertEquals(
        List.of(wrong),
        errors(
            "assume_role_arn = false\nassume_role_duration = \"2h\"\n"
                + "assume_role_session_name = \"s1\"\nassume_role_external_id = \"id-1\""));
  }

  @Test
  void numbersInTheListAreReadAsTheirText() {
    assertEquals(
        List.of("assume_role_arn[1] is not an IAM role ARN: \"42\""),
        errors("assume_role_arn = [\"" + A1 + "\", 42]"));
  }

  // ---- assume_role_external_id ----

  @Test
  void oneExternalIdAppliesToEveryHop() {
    PluginConfig c =
        valid("assume_role_arn = " + hclList(A1, A2) + "\nassume_role_external_id = \"ext-id-1\"");
    assertEquals(
        List.of(hop(A1, "ext-id-1", HOUR), hop(A2, "ext-id-1", HOUR)), c.roleChain().hops());
  }

  @Test
  void aListGivesEachHopItsOwnExternalId() {
    PluginConfig c =
        valid(
            "assume_role_arn = "
                + hclList(A1, A2, A3)
                + "\nassume_role_external_id = "
                + hclList("", "ext-two", "ext:3/x"));
    assertEquals(
        List.of(hop(A1, null, HOUR), hop(A2, "ext-two", HOUR), hop(A3, "ext:3/x", HOUR)),
        c.roleChain().hops());
  }

  @Test
  void aSingleArnWithAOneEntryList() {
    PluginConfig c =
        valid("assume_role_arn = \"" + A1 + "\"\nassume_role_external_id = [\"ext-id-1\"]");
    assertEquals(List.of(hop(A1, "ext-id-1", HOUR)), c.roleChain().hops());
  }

  @Test
  void externalIdListMustHaveOneEntryPerHop() {
    assertEquals(
        List.of("assume_role_external_id has 3 entries but assume_role_arn has 2"),
        errors(
            "assume_role_arn = "
                + hclList(A1, A2)
                + "\nassume_role_external_id = "
                + hclList("id-1", "id-2", "id-3")));
    assertEquals(
        List.of("assume_role_external_id has 1 entry but assume_role_arn has 2"),
        errors("assume_role_arn = " + hclList(A1, A2) + "\nassume_role_external_id = [\"id-1\"]"));
    assertEquals(
        List.of("assume_role_external_id has 2 entries but assume_role_arn has 1"),
        errors("assume_role_arn = \"" + A1 + "\"\nassume_role_external_id = [\"\", \"\"]"));
  }

  @Test
  void emptyExternalIdCountsAsNotSet() {
    PluginConfig c = valid("assume_role_arn = \"" + A1 + "\"\nassume_role_external_id = \"\"");
    assertEquals(List.of(hop(A1, null, HOUR)), c.roleChain().hops());
    assertEquals(List.of(), load("assume_role_external_id = \"\"").notes());
    assertEquals(List.of(), load("assume_role_external_id = []").notes());
  }

  @Test
  void externalIdRequiresARole() {
    assertEquals(
        List.of("assume_role_external_id requires assume_role_arn"),
        errors("assume_role_external_id = \"ext-id-1\""));
    assertEquals(
        List.of("assume_role_external_id requires assume_role_arn"),
        errors("assume_role_external_id = [\"\"]"));
  }

  @Test
  void externalIdLengthAndCharacters() {
    String arn = "assume_role_arn = \"" + A1 + "\"\n";
    valid(arn + "assume_role_external_id = \"ab\"");
    valid(arn + "assume_role_external_id = \"" + "x".repeat(1224) + "\"");
    valid(arn + "assume_role_external_id = \"A_z0+=,.@:/-\"");
    for (String bad :
        List.of("a", "x".repeat(1225), "has space", "semi;colon", "caf\u00e9", "q\"uote")) {
      List<String> errs = errors(arn + "assume_role_external_id = " + GoQuote.quote(bad));
      assertEquals(List.of("assume_role_external_id" + EXTERNAL_ID_RULE), errs, bad);
    }
  }

  @Test
  void externalIdMessagesNameThePositionButNeverTheValue() {
    List<String> errs =
        errors(
            "assume_role_arn = "
                + hclList(A1, A2, A3)
                + "\nassume_role_external_id = "
                + hclList("ok-id", "bad id!", "x"));
    assertEquals(
        List.of(
            "assume_role_external_id[1]" + EXTERNAL_ID_RULE,
            "assume_role_external_id[2]" + EXTERNAL_ID_RULE),
        errs);
  }

  @Test
  void externalIdOfTheWrongType() {
    String arn = "assume_role_arn = \"" + A1 + "\"\n";
    assertEquals(
        List.of("assume_role_external_id must be a string or a list of strings"),
        errors(arn + "assume_role_external_id = { a = \"b\" }"));
    assertEquals(
        List.of("assume_role_external_id[0] must be a string"),
        errors(arn + "assume_role_external_id = [false]"));
  }

  // ---- redaction of external ids ----

  @Test
  void externalIdInAnotherBadValueIsRedacted() {
    String id = "Ext3rnalSecret";
    List<String> errs =
        errors(
            "assume_role_arn = \"arn:aws:iam::123456789012:user/"
                + id
                + "\"\nassume_role_external_id = \""
                + id
                + "\"\nsts_endpoint = \"ftp://"
                + id
                + "\"");
    assertEquals(
        List.of(
            "assume_role_arn is not an IAM role ARN: \"arn:aws:iam::123456789012:user/[redacted]\"",
            "sts_endpoint must be an absolute http or https URL: ftp://[redacted]"),
        errs);
  }

  @Test
  void everyExternalIdOfAListIsRedacted() {
    ConfigResult r =
        load(
            "assume_role_arn = "
                + hclList(A1, A2)
                + "\nassume_role_external_id = [\"\", \"second-secret\"]\n"
                + "endpoint = \"http://second-secret.internal\"\n"
                + "assume_role_session_name = \"second-secret x\"");
    assertEquals(
        List.of(
            "assume_role_session_name must be 2 to 64 characters of letters, digits and _+=,.@-:"
                + " \"[redacted] x\""),
        r.errors());
    assertEquals(
        List.of(
            "endpoint \"http://[redacted].internal\" uses plain http to a host that is not"
                + " loopback: requests to KMS travel unencrypted"),
        r.warnings());
  }

  @Test
  void aSecretContainingAnExternalIdIsRedactedWhole() {
    // The external id comes first and is a prefix of the secret key: were it replaced first, the
    // rest of the secret would be left in the message.
    String secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";
    List<String> errs =
        errors(
            "assume_role_arn = \""
                + A1
                + "\"\nassume_role_external_id = \"wJalrXUt\"\naccess_key_id = \"AKIDEXAMPLE1\"\n"
                + "secret_access_key = \""
                + secret
                + "\"\nendpoint = \"x"
                + secret
                + "\"");
    assertEquals(List.of("endpoint must be an absolute http or https URL: x[redacted]"), errs);
  }

  @Test
  void externalIdUnderAnotherSpellingIsRedactedToo() {
    List<String> errs =
        errors(
            "assume_role_arn = \""
                + A1
                + "\"\nAssume_Role_External_Id = \"id-under-caps\"\nendpoint = \"id-under-caps\"");
    assertEquals(List.of("endpoint must be an absolute http or https URL: [redacted]"), errs);
  }

  /** Every message and rendering made while the configuration holds an external id. */
  @ParameterizedTest
  @MethodSource
  void externalIdsNeverAppearInAnyMessage(String text) {
    String id = "TopSecretExternalId";
    ConfigResult r = ConfigLoader.load("a_b", text.replace("ID", id));
    List<String> messages = new ArrayList<>(r.notes());
    messages.add(r.toString());
    r.config()
        .ifPresent(
            c -> {
              messages.add(c.toString());
              messages.add(c.summary().toString());
              messages.add(c.roleChain().toString());
              c.roleChain().hops().forEach(h -> messages.add(h.toString()));
              // The value is kept for the STS call, only hidden from text.
              assertEquals(Optional.of(id), c.roleChain().hops().get(0).externalId());
            });
    assertFalse(messages.isEmpty());
    for (String m : messages) {
      assertFalse(m.contains(id), m);
      assertFalse(m.contains("TopSecret"), m);
    }
  }

  static Stream<String> externalIdsNeverAppearInAnyMessage() {
    String arns = "assume_role_arn = " + hclList(A1, A2) + "\n";
    return Stream.of(
        BASE + arns + "assume_role_external_id = \"ID\"",
        BASE + arns + "assume_role_external_id = [\"ID\", \"\"]",
        BASE + arns + "assume_role_external_id = [\"ID\", \"ID\", \"ID\"]",
        BASE + arns + "assume_role_external_id = [\"ID\", \"bad id\"]\nendpoint = \"ID\"",
        BASE + "assume_role_external_id = \"ID\"\nsts_endpoint = \"http://ID\"",
        BASE + arns + "assume_role_external_id = \"ID\"\nassume_role_duration = \"ID\"",
        BASE + arns + "assume_role_external_id = \"ID\"\nassume_role_session_name = \"ID!\"",
        BASE + arns + "assume_role_external_id = \"ID\"\nassume_role_duration = \"3h\"",
        "{\"region\": \"us-east-2\", \"key_identifier_file\": \"f\", \"assume_role_arn\": \""
            + A1
            + "\", \"assume_role_external_id\": [\"ID\"], \"ID\": 1}");
  }

  // ---- assume_role_session_name ----

  @Test
  void sessionName() {
    PluginConfig c =
        valid("assume_role_arn = \"" + A1 + "\"\nassume_role_session_name = \"ops_42+=,.@-\"");
    assertEquals(Optional.of("ops_42+=,.@-"), c.roleChain().sessionName());
    assertEquals("ops_42+=,.@-", c.roleChain().sessionName("srv-1"));
  }

  @Test
  void sessionNameLengthAndCharacters() {
    String arn = "assume_role_arn = \"" + A1 + "\"\n";
    valid(arn + "assume_role_session_name = \"ab\"");
    valid(arn + "assume_role_session_name = \"" + "s".repeat(64) + "\"");
    String rule =
        "assume_role_session_name must be 2 to 64 characters of letters, digits and _+=,.@-: ";
    for (String bad : List.of("a", "s".repeat(65), "a b", "a:b", "a/b", "caf\u00e9")) {
      assertEquals(
          List.of(rule + GoQuote.quote(bad)),
          errors(arn + "assume_role_session_name = " + GoQuote.quote(bad)),
          bad);
    }
  }

  @Test
  void emptySessionNameMeansDerived() {
    PluginConfig c = valid("assume_role_arn = \"" + A1 + "\"\nassume_role_session_name = \"\"");
    assertEquals(Optional.empty(), c.roleChain().sessionName());
    assertEquals(List.of(), load("assume_role_session_name = \"\"").notes());
  }

  @Test
  void sessionNameRequiresARole() {
    assertEquals(
        List.of("assume_role_session_name requires assume_role_arn"),
        errors("assume_role_session_name = \"ops\""));
    assertEquals(
        List.of("assume_role_session_name must be a string"),
        errors("assume_role_arn = \"" + A1 + "\"\nassume_role_session_name = [\"ops\"]"));
  }

  // ---- assume_role_duration ----

  @Test
  void durationDefaultsToOneHour() {
    assertEquals(
        HOUR, valid("assume_role_arn = \"" + A1 + "\"").roleChain().hops().get(0).duration());
    assertEquals(Duration.ofHours(1), RoleChainRules.DEFAULT_DURATION);
  }

  @ParameterizedTest
  @MethodSource
  void duration(String literal, Object expected) {
    ConfigResult r = load("assume_role_arn = \"" + A1 + "\"\nassume_role_duration = " + literal);
    if (expected instanceof Duration d) {
      assertEquals(List.of(), r.notes());
      assertEquals(d, r.config().orElseThrow().roleChain().hops().get(0).duration());
    } else {
      assertEquals(List.of(expected), r.errors());
    }
  }

  static Stream<Arguments> duration() {
    String range = "assume_role_duration must be between 15m and 12h";
    return Stream.of(
        Arguments.of("\"15m\"", Duration.ofMinutes(15)),
        Arguments.of("\"900s\"", Duration.ofMinutes(15)),
        Arguments.of("\"12h\"", Duration.ofHours(12)),
        Arguments.of("\"1h30m\"", Duration.ofMinutes(90)),
        Arguments.of("\"14m59s\"", range),
        Arguments.of("\"12h0m1s\"", range),
        Arguments.of("\"1d\"", range),
        Arguments.of("\"0\"", range),
        Arguments.of("\"-1h\"", range),
        Arguments.of("\"soon\"", "assume_role_duration is not a valid duration: soon"),
        Arguments.of("3600", "assume_role_duration is not a valid duration: 3600"),
        Arguments.of("true", "assume_role_duration must be a string"));
  }

  @Test
  void durationRequiresARole() {
    assertEquals(
        List.of("assume_role_duration requires assume_role_arn"),
        errors("assume_role_duration = \"2h\""));
    assertEquals(
        List.of(
            "assume_role_duration requires assume_role_arn",
            "assume_role_duration must be between 15m and 12h"),
        errors("assume_role_duration = \"13h\""));
  }

  @Test
  void laterHopsAreCappedAtOneHourWithAWarning() {
    ConfigResult r =
        load("assume_role_arn = " + hclList(A1, A2, A3) + "\nassume_role_duration = \"2h30m\"");
    assertEquals(
        List.of(
            "assume_role_duration is 2h30m but AWS caps a role-chained session at 1h: hops after"
                + " the first are capped at 1h"),
        r.warnings());
    assertEquals(List.of(), r.errors());
    assertEquals(
        List.of(Duration.ofMinutes(150), HOUR, HOUR),
        r.config().orElseThrow().roleChain().hops().stream().map(RoleHop::duration).toList());
  }

  @Test
  void noCapWarningForOneHopOrAnHourOrLess() {
    PluginConfig one = valid("assume_role_arn = \"" + A1 + "\"\nassume_role_duration = \"12h\"");
    assertEquals(List.of(Duration.ofHours(12)), durations(one));
    ConfigResult hour =
        load("assume_role_arn = " + hclList(A1, A2) + "\nassume_role_duration = \"1h\"");
    assertEquals(List.of(), hour.notes());
    assertEquals(List.of(HOUR, HOUR), durations(hour.config().orElseThrow()));
    ConfigResult shorter =
        load("assume_role_arn = " + hclList(A1, A2) + "\nassume_role_duration = \"45m\"");
    assertEquals(List.of(), shorter.notes());
    assertEquals(
        List.of(Duration.ofMinutes(45), Duration.ofMinutes(45)),
        durations(shorter.config().orElseThrow()));
    ConfigResult justOver =
        load("assume_role_arn = " + hclList(A1, A2) + "\nassume_role_duration = \"3601s\"");
    assertEquals(1, justOver.warnings().size());
    assertEquals(
        List.of(Duration.ofSeconds(3601), HOUR), durations(justOver.config().orElseThrow()));
  }

  private static List<Duration> durations(PluginConfig c) {
    return c.roleChain().hops().stream().map(RoleHop::duration).toList();
  }

  // ---- sts_endpoint ----

  @ParameterizedTest
  @MethodSource
  void stsEndpoints(String endpoint, List<String> expectedErrors) {
    ConfigResult r = load("sts_endpoint = \"" + endpoint + "\"");
    assertEquals(expectedErrors, r.errors());
    if (expectedErrors.isEmpty()) {
      assertEquals(Optional.of(URI.create(endpoint)), r.config().orElseThrow().stsEndpoint());
      assertEquals(List.of(), r.warnings());
    }
  }

  static Stream<Arguments> stsEndpoints() {
    String bad = "sts_endpoint must be an absolute http or https URL: ";
    return Stream.of(
        Arguments.of("https://sts.us-east-2.amazonaws.com", List.of()),
        Arguments.of("https://vpce-1.sts.us-east-2.vpce.amazonaws.com/", List.of()),
        Arguments.of("http://localhost:4566", List.of()),
        Arguments.of("sts.us-east-2.amazonaws.com", List.of(bad + "sts.us-east-2.amazonaws.com")),
        Arguments.of("ftp://sts.example.com", List.of(bad + "ftp://sts.example.com")),
        Arguments.of("https://sts.example.com/?a=b", List.of(bad + "https://sts.example.com/?a=b")),
        Arguments.of("https://sts example.com", List.of(bad + "https://sts example.com")),
        Arguments.of(
            "https://user:pw@sts.example.com",
            List.of("sts_endpoint must not contain user information")));
  }

  @Test
  void plainHttpStsEndpointIsAWarningNamingSts() {
    ConfigResult r = load("sts_endpoint = \"http://sts.internal\"");
    assertTrue(r.isValid());
    assertEquals(
        List.of(
            "sts_endpoint \"http://sts.internal\" uses plain http to a host that is not loopback:"
                + " requests to STS travel unencrypted"),
        r.warnings());
  }

  @Test
  void stsEndpointOfTheWrongType() {
    assertEquals(List.of("sts_endpoint must be a string"), errors("sts_endpoint = [\"x\"]"));
  }

  // ---- use_fips_endpoint ----

  @Test
  void useFipsEndpoint() {
    assertTrue(valid("use_fips_endpoint = true").useFipsEndpoint());
    assertFalse(valid("use_fips_endpoint = false").useFipsEndpoint());
    assertEquals(
        List.of("use_fips_endpoint must be a boolean"), errors("use_fips_endpoint = \"true\""));
  }

  @Test
  void fipsCannotBeCombinedWithAnExplicitEndpoint() {
    String kms =
        "endpoint and use_fips_endpoint cannot be set together: the endpoint given is used as it"
            + " is";
    String sts =
        "sts_endpoint and use_fips_endpoint cannot be set together: the endpoint given is used as"
            + " it is";
    assertEquals(
        List.of(kms),
        errors(
            "use_fips_endpoint = true\nendpoint = \"https://kms-fips.us-east-2.amazonaws.com\""));
    assertEquals(
        List.of(sts),
        errors("use_fips_endpoint = true\nsts_endpoint = \"https://sts.us-east-2.amazonaws.com\""));
    assertEquals(
        List.of(kms, sts),
        errors(
            "use_fips_endpoint = true\n"
                + "endpoint = \"https://a.b\"\n"
                + "sts_endpoint = \"https://c.d\""));
    // Both errors even when the endpoint itself is bad: it was set.
    assertEquals(
        List.of("endpoint must be an absolute http or https URL: x", kms),
        errors("use_fips_endpoint = true\nendpoint = \"x\""));
    PluginConfig withoutFips =
        valid(
            "use_fips_endpoint = false\n"
                + "endpoint = \"https://a.b\"\n"
                + "sts_endpoint = \"https://c.d\"");
    assertEquals(Optional.of(URI.create("https://c.d")), withoutFips.stsEndpoint());
  }

  // ---- every new setting at once ----

  @Test
  void everyNewSettingIsReadFromHclAndJson() {
    String hcl =
        """
        region = "us-gov-west-1"

        key_identifier_value = "server-a"

        assume_role_arn = ["arn:aws-us-gov:iam::123456789012:role/base", "arn:aws-us-gov:iam::123456789012:role/kms"]

        assume_role_external_id = "shared-ext-id"

        assume_role_session_name = "spire-ops"

        assume_role_duration = "45m"

        sts_endpoint = "https://sts.us-gov-west-1.amazonaws.com"

        use_fips_endpoint = false
        """;
    String json =
        """
        {
          "region": "us-gov-west-1",
          "key_identifier_value": "server-a",
          "assume_role_arn": ["arn:aws-us-gov:iam::123456789012:role/base", "arn:aws-us-gov:iam::123456789012:role/kms"],
          "assume_role_external_id": "shared-ext-id",
          "assume_role_session_name": "spire-ops",
          "assume_role_duration": "45m",
          "sts_endpoint": "https://sts.us-gov-west-1.amazonaws.com",
          "use_fips_endpoint": false
        }
        """;
    ConfigResult r = ConfigLoader.load(TD, hcl);
    assertEquals(List.of(ConfigMessages.NO_DELETION_JOURNAL), r.notes());
    PluginConfig c = r.config().orElseThrow();
    Duration d = Duration.ofMinutes(45);
    assertEquals(
        new RoleChain(
            List.of(
                hop("arn:aws-us-gov:iam::123456789012:role/base", "shared-ext-id", d),
                hop("arn:aws-us-gov:iam::123456789012:role/kms", "shared-ext-id", d)),
            Optional.of("spire-ops")),
        c.roleChain());
    assertEquals(
        Optional.of(URI.create("https://sts.us-gov-west-1.amazonaws.com")), c.stsEndpoint());
    assertFalse(c.useFipsEndpoint());
    assertEquals(c, ConfigLoader.load(TD, json).config().orElseThrow());
  }

  @Test
  void newMessagesStartLowerCaseWithoutTrailingPeriod() {
    ConfigResult r =
        load(
            "assume_role_arn = "
                + hclList("x", "arn:aws-cn:iam::123456789012:role/r", A1)
                + "\nassume_role_external_id = [\"a\"]\nassume_role_session_name = \"a\"\n"
                + "assume_role_duration = \"1m\"\nsts_endpoint = \"http://s\"\n"
                + "use_fips_endpoint = true\nendpoint = \"https://k\"");
    assertEquals(8, r.errors().size(), r.errors().toString());
    for (String note : r.notes()) {
      assertTrue(Character.isLowerCase(note.charAt(0)), note);
      assertFalse(note.endsWith("."), note);
    }
    assertEquals(
        "endpoint and use_fips_endpoint cannot be set together: the endpoint given is used as it"
            + " is",
        r.errors().get(6));
  }

  // ---- builder, toBuilder, equality, summary ----

  private static PluginConfig chained() {
    return minimal()
        .assumeRoleArns(List.of(A1, A2))
        .assumeRoleExternalIds(List.of("ext-id-1", ""))
        .assumeRoleSessionName("ops-session")
        .assumeRoleDuration(Duration.ofHours(2))
        .stsEndpoint("https://sts.us-east-2.amazonaws.com")
        .build();
  }

  @Test
  void builderGivesTheChainWithCappedLaterHops() {
    ConfigResult r =
        minimal()
            .assumeRoleArns(List.of(A1, A2))
            .assumeRoleExternalIds(List.of("ext-id-1", ""))
            .assumeRoleSessionName("ops-session")
            .assumeRoleDuration(Duration.ofHours(2))
            .validate();
    assertEquals(2, r.warnings().size());
    assertEquals(
        new RoleChain(
            List.of(hop(A1, "ext-id-1", Duration.ofHours(2)), hop(A2, null, HOUR)),
            Optional.of("ops-session")),
        r.config().orElseThrow().roleChain());
  }

  @Test
  void builderSingleExternalIdAppliesToEveryHop() {
    PluginConfig c =
        minimal().assumeRoleArns(List.of(A1, A2)).assumeRoleExternalId("shared-1").build();
    assertEquals(
        List.of(Optional.of("shared-1"), Optional.of("shared-1")),
        c.roleChain().hops().stream().map(RoleHop::externalId).toList());
    // The later call wins; an empty string clears it, so it no longer needs a role.
    assertEquals(
        List.of(),
        minimal().assumeRoleExternalId("x-1").assumeRoleExternalId("").validate().errors());
    assertEquals(
        List.of("assume_role_external_id requires assume_role_arn"),
        minimal().assumeRoleExternalIds(List.of("x-1")).validate().errors());
  }

  @Test
  void builderListMessagesNameThePosition() {
    assertEquals(
        List.of("assume_role_arn[0] is not an IAM role ARN: \"bad\""),
        minimal().assumeRoleArns(List.of("bad")).validate().errors());
    assertEquals(
        List.of("assume_role_external_id[0]" + EXTERNAL_ID_RULE),
        minimal()
            .assumeRoleArns(List.of(A1))
            .assumeRoleExternalIds(List.of("!"))
            .validate()
            .errors());
  }

  @Test
  void builderNullAndEmptyMeanNotSet() {
    PluginConfig c =
        minimal()
            .assumeRoleArns(null)
            .assumeRoleArns(List.of())
            .assumeRoleExternalIds(null)
            .assumeRoleExternalIds(List.of())
            .assumeRoleExternalId(null)
            .assumeRoleSessionName("")
            .assumeRoleDuration(null)
            .stsEndpoint("")
            .build();
    assertEquals(RoleChain.none(), c.roleChain());
    assertEquals(Optional.empty(), c.stsEndpoint());
    assertEquals(minimal().build(), c);
  }

  @Test
  void toBuilderRoundTripsTheNewSettings() {
    PluginConfig c = chained();
    PluginConfig copy = c.toBuilder().build();
    assertEquals(c, copy);
    assertEquals(c.hashCode(), copy.hashCode());
    // The first hop keeps the configured duration, so the copy caps its later hops the same way.
    assertEquals(List.of(Duration.ofHours(2), HOUR), durations(copy));
    PluginConfig fips = minimal().useFipsEndpoint(true).build();
    assertEquals(fips, fips.toBuilder().build());
    PluginConfig shared =
        minimal().assumeRoleArns(List.of(A1, A2)).assumeRoleExternalId("s-1").build();
    assertEquals(shared, shared.toBuilder().build());
    PluginConfig plain = minimal().assumeRoleArns(List.of(A1)).build();
    assertEquals(plain, plain.toBuilder().build());
    assertEquals(minimal().build(), minimal().build().toBuilder().build());
  }

  @Test
  void changedNewSettingsMakeADifferentValue() {
    PluginConfig c = chained();
    assertNotEquals(c, c.toBuilder().assumeRoleArns(List.of(A2, A1)).build());
    assertNotEquals(
        c, c.toBuilder().assumeRoleArns(List.of(A1)).assumeRoleExternalIds(null).build());
    assertNotEquals(c, c.toBuilder().assumeRoleExternalIds(List.of("ext-id-2", "")).build());
    assertNotEquals(c, c.toBuilder().assumeRoleExternalId("ext-id-1").build());
    assertNotEquals(c, c.toBuilder().assumeRoleSessionName(null).build());
    assertNotEquals(c, c.toBuilder().assumeRoleDuration(Duration.ofHours(3)).build());
    assertNotEquals(c, c.toBuilder().stsEndpoint(null).build());
    assertNotEquals(minimal().build(), minimal().useFipsEndpoint(true).build());
    assertNotEquals(c.hashCode(), c.toBuilder().assumeRoleDuration(HOUR).build().hashCode());
  }

  @Test
  void summaryShowsTheNewSettingsWithoutTheExternalId() {
    PluginConfig c = chained();
    Map<String, String> tail = new LinkedHashMap<>();
    tail.put("assume_role_arn", A1 + "," + A2);
    tail.put("assume_role_session_name", "ops-session");
    tail.put("assume_role_external_id", "set");
    tail.put("assume_role_duration", "2h");
    tail.put("sts_endpoint", "https://sts.us-east-2.amazonaws.com");
    tail.put("use_fips_endpoint", "false");
    Map<String, String> s = c.summary();
    List<String> keys = List.copyOf(s.keySet());
    assertEquals(List.copyOf(tail.keySet()), keys.subList(keys.size() - tail.size(), keys.size()));
    tail.forEach((k, v) -> assertEquals(v, s.get(k), k));
    assertFalse(s.toString().contains("ext-id-1"), s.toString());
    assertFalse(c.toString().contains("ext-id-1"), c.toString());
    assertTrue(c.toString().endsWith(", use_fips_endpoint=false}"), c.toString());
  }

  @Test
  void summaryOfAChainWithDefaults() {
    Map<String, String> s = minimal().assumeRoleArns(List.of(A1)).build().summary();
    assertEquals(A1, s.get("assume_role_arn"));
    assertEquals("derived from server id", s.get("assume_role_session_name"));
    assertEquals("none", s.get("assume_role_external_id"));
    assertEquals("1h", s.get("assume_role_duration"));
    assertEquals("default", s.get("sts_endpoint"));
    assertEquals("false", s.get("use_fips_endpoint"));
  }

  @Test
  void summaryWithOnlyFipsShowsNoRole() {
    Map<String, String> s = minimal().useFipsEndpoint(true).build().summary();
    assertEquals("none", s.get("assume_role_arn"));
    assertEquals("none", s.get("assume_role_external_id"));
    assertEquals("default", s.get("sts_endpoint"));
    assertEquals("true", s.get("use_fips_endpoint"));
  }

  @Test
  void summaryWithoutAnyNewSettingIsUnchanged() {
    Map<String, String> s = minimal().build().summary();
    for (String key :
        List.of(
            "assume_role_arn",
            "assume_role_session_name",
            "assume_role_external_id",
            "assume_role_duration",
            "sts_endpoint",
            "use_fips_endpoint")) {
      assertFalse(s.containsKey(key), key);
    }
    assertEquals(12, s.size());
  }

  @Test
  void firstErrorIsTheOneConfigureReports() {
    ConfigResult r = load("assume_role_duration = \"2h\"\nassume_role_session_name = \"s1\"");
    assertEquals(Optional.of("assume_role_session_name requires assume_role_arn"), r.firstError());
    assertEquals(
        List.of(
            "assume_role_session_name requires assume_role_arn",
            "assume_role_duration requires assume_role_arn"),
        r.errors());
  }
}
