package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The cases of upstream's TestValidateTags, with our collect-everything reporting. */
class KeyTagRulesTest {

  private static final String WRAP = "invalid configuration for key tags: ";
  private static final String ALLOWED = "(allowed: letters, numbers, spaces, + - = . _ : / @)";

  private static Map<String, String> tags(int count) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      m.put("key" + i, "value" + i);
    }
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void validTags(String name, Map<String, String> tags) {
    assertEquals(List.of(), KeyTagRules.problems(tags));
  }

  static Stream<Arguments> validTags() {
    return Stream.of(
        Arguments.of("valid", Map.of("Environment", "production", "Team", "platform")),
        Arguments.of("empty map", Map.of()),
        Arguments.of(
            "special characters", Map.of("key+-=._:/@ with spaces", "value+-=._:/@ with spaces")),
        Arguments.of("empty value", Map.of("Environment", "")),
        Arguments.of("french unicode in key and value", Map.of("Équipe-clé", "déploiement été")),
        Arguments.of("digits in other scripts", Map.of("٣٤", "四五")),
        Arguments.of("leading and trailing whitespace", Map.of(" key ", " value\t")),
        Arguments.of("exactly 50 tags", tags(50)),
        Arguments.of("key of exactly 128 characters", Map.of("k".repeat(128), "v")),
        Arguments.of("key of 128 non-ASCII characters", Map.of("é".repeat(128), "v")),
        Arguments.of("value of exactly 256 characters", Map.of("k", "v".repeat(256))));
  }

  @Test
  void emptyKey() {
    assertEquals(List.of(WRAP + "tag key cannot be empty"), KeyTagRules.problems(Map.of("", "v")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"aws:env", "AWS:env", "AwS:env", "aWs:env"})
  void awsPrefixIsReservedInAnyCase(String key) {
    assertEquals(
        List.of(WRAP + "tag key \"" + key + "\" uses reserved prefix 'aws:'"),
        KeyTagRules.problems(Map.of(key, "v")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"spire-env", "SPIRE-env", "Spire-env", "sPiRe-env"})
  void spirePrefixIsReservedInAnyCase(String key) {
    assertEquals(
        List.of(WRAP + "tag key \"" + key + "\" uses reserved prefix 'spire-'"),
        KeyTagRules.problems(Map.of(key, "v")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"aws", "awsx:env", "spire", "spire_env", "my-aws:env"})
  void namesThatOnlyResembleReservedPrefixesAreValid(String key) {
    assertEquals(List.of(), KeyTagRules.problems(Map.of(key, "v")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"key#1", "key$", "key!", "key*", "a,b", "k\u000Bv", "key\uD83D\uDE00"})
  void invalidCharactersInKey(String key) {
    assertEquals(
        List.of(WRAP + "tag key " + GoQuote.quote(key) + " contains invalid characters " + ALLOWED),
        KeyTagRules.problems(Map.of(key, "v")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"value$", "val#ue", "emoji \uD83D\uDE80", "a;b"})
  void invalidCharactersInValue(String value) {
    assertEquals(
        List.of(WRAP + "tag value for key \"k\" contains invalid characters " + ALLOWED),
        KeyTagRules.problems(Map.of("k", value)));
  }

  @Test
  void tooManyTags() {
    assertEquals(
        List.of(WRAP + "too many tags: 51 tags exceed AWS limit of 50"),
        KeyTagRules.problems(tags(51)));
  }

  @Test
  void keyTooLong() {
    String key = "k".repeat(129);
    assertEquals(
        List.of(WRAP + "tag key \"" + key + "\" exceeds maximum length of 128 characters"),
        KeyTagRules.problems(Map.of(key, "v")));
  }

  @Test
  void valueTooLong() {
    assertEquals(
        List.of(WRAP + "tag value for key \"k\" exceeds maximum length of 256 characters"),
        KeyTagRules.problems(Map.of("k", "v".repeat(257))));
  }

  @Test
  void everyProblemIsReportedInOrder() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("aws:x", "ok");
    m.put("good", "bad$");
    m.put("bad#", "v".repeat(300));
    assertEquals(
        List.of(
            WRAP + "tag key \"aws:x\" uses reserved prefix 'aws:'",
            WRAP + "tag value for key \"good\" contains invalid characters " + ALLOWED,
            WRAP + "tag key \"bad#\" contains invalid characters " + ALLOWED,
            WRAP + "tag value for key \"bad#\" exceeds maximum length of 256 characters"),
        KeyTagRules.problems(m));
  }
}
