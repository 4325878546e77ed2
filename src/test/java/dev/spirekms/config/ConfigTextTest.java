package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The text forms SPIRE sends, in HCL1 and JSON, and how malformed text is reported. */
class ConfigTextTest {

  private static Map<String, Object> decode(String text) throws ConfigSyntaxException {
    return ConfigText.decode(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   \n\t\r\n  ",
        "# only a comment",
        "// only a comment\n",
        "/* a block\n comment */",
        "# one\n// two\n/* three */\n\n"
      })
  void emptyTextAndCommentsDecodeToAnEmptyMap(String text) throws Exception {
    assertEquals(Map.of(), decode(text));
  }

  @Test
  void nullTextDecodesToAnEmptyMap() throws Exception {
    assertEquals(Map.of(), decode(null));
  }

  @Test
  void hclPrinterOutputWithBlankLinesBetweenItems() throws Exception {
    Map<String, Object> m = decode("region = \"us-east-2\"\n\nkey_identifier_file = \"./x\"");
    assertEquals(Map.of("region", "us-east-2", "key_identifier_file", "./x"), m);
    assertEquals(List.of("region", "key_identifier_file"), List.copyOf(m.keySet()));
  }

  @Test
  void itemsOnOneLineNeedNoSeparator() throws Exception {
    assertEquals(Map.of("a", 1L, "b", 2L), decode("a = 1 b = 2"));
  }

  @Test
  void quotedKeysAsPrintedFromJsonServerConfig() throws Exception {
    assertEquals(
        Map.of("region", "us-east-2", "key_identifier_value", "a"),
        decode("\"region\" = \"us-east-2\"\n\n\"key_identifier_value\" = \"a\""));
  }

  @Test
  void nestedMapWithAssignment() throws Exception {
    Map<String, Object> m =
        decode("key_tags = {\n  team = \"platform\"\n  \"cost-center\" = \"42\"\n}");
    assertEquals(Map.of("key_tags", Map.of("team", "platform", "cost-center", "42")), m);
  }

  @Test
  void nestedMapKeepsInsertionOrder() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> tags =
        (Map<String, Object>)
            decode("key_tags = {\n z = \"1\"\n a = \"2\"\n m = \"3\"\n}").get("key_tags");
    assertEquals(List.of("z", "a", "m"), List.copyOf(tags.keySet()));
  }

  @Test
  void blockForm() throws Exception {
    assertEquals(
        Map.of("key_tags", Map.of("team", "platform")),
        decode("key_tags {\n  team = \"platform\"\n}"));
  }

  @Test
  void blockFormWithQuotedKeys() throws Exception {
    assertEquals(
        Map.of("key_tags", Map.of("team", "platform")),
        decode("\"key_tags\" {\n  \"team\" = \"platform\"\n}"));
  }

  @Test
  void blockWithLabelsNestsMaps() throws Exception {
    assertEquals(
        Map.of("a", Map.of("b", Map.of("c", Map.of("x", 1L)))), decode("a \"b\" c {\n x = 1\n}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "key_tags = { a = \"1\", b = \"2\" }",
        "key_tags = { a = \"1\", b = \"2\", }",
        "key_tags = {\n a = \"1\",\n b = \"2\"\n}",
        "key_tags = {\n a = \"1\"\n b = \"2\"\n}",
        "key_tags { a = \"1\" b = \"2\" }"
      })
  void commasBetweenObjectItemsAreOptional(String text) throws Exception {
    assertEquals(Map.of("key_tags", Map.of("a", "1", "b", "2")), decode(text));
  }

  @Test
  void emptyObject() throws Exception {
    assertEquals(Map.of("key_tags", Map.of()), decode("key_tags = {}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "l = [\"a\", \"b\"]",
        "l = [\"a\", \"b\",]",
        "l = [\n  \"a\",\n  \"b\",\n]",
        "l = [ # first\n \"a\", // second\n \"b\" /* end */ ]"
      })
  void lists(String text) throws Exception {
    assertEquals(Map.of("l", List.of("a", "b")), decode(text));
  }

  @Test
  void listsOfMixedValues() throws Exception {
    assertEquals(
        Map.of("l", List.of(1L, true, List.of(), Map.of("k", "v"))),
        decode("l = [1, true, [], { k = \"v\" }]"));
    assertEquals(Map.of("l", List.of()), decode("l = []"));
  }

  @Test
  void heredocKeepsLinesAndTheirNewlines() throws Exception {
    assertEquals(
        Map.of("policy", "{\n  \"a\": 1\n}\n"), decode("policy = <<EOF\n{\n  \"a\": 1\n}\nEOF\n"));
  }

  @Test
  void heredocTerminatorMayBeIndentedAndMayEndTheText() throws Exception {
    assertEquals(Map.of("a", "x\n", "b", 1L), decode("a = <<EOT\nx\n   EOT\nb = 1"));
    assertEquals(Map.of("a", "x\n"), decode("a = <<EOT\nx\nEOT"));
  }

  @Test
  void heredocWithCrlfLineEndings() throws Exception {
    assertEquals(Map.of("a", "x\ny\n"), decode("a = <<EOF\r\nx\r\ny\r\nEOF\r\n"));
  }

  @Test
  void heredocLineThatOnlyContainsTheMarkerAmongOtherTextDoesNotEndIt() throws Exception {
    assertEquals(Map.of("a", "EOF x\nxEOF\n"), decode("a = <<EOF\nEOF x\nxEOF\nEOF\n"));
  }

  @Test
  void indentedHeredocRemovesTheClosingLinesIndentation() throws Exception {
    assertEquals(Map.of("a", "one\n  two\n"), decode("a = <<-EOF\n    one\n      two\n    EOF\n"));
  }

  @Test
  void indentedHeredocIsKeptAsItIsWhenALineIsLessIndented() throws Exception {
    assertEquals(Map.of("a", "    one\n  two\n"), decode("a = <<-EOF\n    one\n  two\n    EOF\n"));
  }

  @Test
  void emptyHeredoc() throws Exception {
    assertEquals(Map.of("a", ""), decode("a = <<EOF\nEOF\n"));
  }

  @Test
  void comments() throws Exception {
    assertEquals(
        Map.of("region", "x", "other", 1L),
        decode("# a\nregion = \"x\" // b\n/* c\n d */\nother /* inline */ = 1 # e\n"));
  }

  @Test
  void commentMarkersInsideStringsAreText() throws Exception {
    assertEquals(Map.of("a", "# // /* */"), decode("a = \"# // /* */\""));
  }

  @ParameterizedTest
  @MethodSource
  void numbersAndBooleans(String literal, Object expected) throws Exception {
    assertEquals(Map.of("v", expected), decode("v = " + literal));
  }

  static Stream<Arguments> numbersAndBooleans() {
    return Stream.of(
        Arguments.of("8", 8L),
        Arguments.of("0", 0L),
        Arguments.of("-3", -3L),
        Arguments.of("9007199254740993", 9007199254740993L),
        Arguments.of("1.5", 1.5d),
        Arguments.of("-2.25", -2.25d),
        Arguments.of("1e3", 1000.0d),
        Arguments.of("1.5E-2", 0.015d),
        Arguments.of("2e+2", 200.0d),
        Arguments.of("0x1F", 31L),
        Arguments.of("-0x10", -16L),
        Arguments.of("true", true),
        Arguments.of("false", false));
  }

  @ParameterizedTest
  @MethodSource
  void stringEscapes(String literal, String expected) throws Exception {
    assertEquals(Map.of("v", expected), decode("v = " + literal));
  }

  static Stream<Arguments> stringEscapes() {
    return Stream.of(
        Arguments.of("\"a\\\"b\"", "a\"b"),
        Arguments.of("\"a\\\\b\"", "a\\b"),
        Arguments.of("\"a\\nb\"", "a\nb"),
        Arguments.of("\"a\\tb\"", "a\tb"),
        Arguments.of("\"a\\rb\"", "a\rb"),
        Arguments.of("\"\\u00e9t\\u00E9\"", "été"),
        Arguments.of("\"\\U0001F600\"", "\uD83D\uDE00"),
        Arguments.of("\"\\a\\b\\f\\v\\/\"", "\u0007\b\f\u000B/"),
        Arguments.of("\"\"", ""),
        Arguments.of("\"caf\u00e9 \uD83D\uDE00\"", "caf\u00e9 \uD83D\uDE00"));
  }

  @Test
  void identifiersMayHoldDashesDotsAndUnicodeLetters() throws Exception {
    assertEquals(Map.of("a-b.c_d", 1L, "été", 2L), decode("a-b.c_d = 1\nété = 2"));
  }

  @Test
  void byteOrderMarkIsSkipped() throws Exception {
    assertEquals(Map.of("a", 1L), decode("\uFEFFa = 1"));
    assertEquals(Map.of("a", 1L), decode("\uFEFF{\"a\": 1}"));
  }

  @Test
  void emptyJsonObject() throws Exception {
    assertEquals(Map.of(), decode(" {} "));
  }

  @Test
  void rawJson() throws Exception {
    Map<String, Object> m = decode("{\"region\":\"us-east-2\",\"key_tags\":{\"a\":\"b\"}}");
    assertEquals(Map.of("region", "us-east-2", "key_tags", Map.of("a", "b")), m);
  }

  @Test
  void rawJsonAfterWhitespaceWithAllValueKinds() throws Exception {
    Map<String, Object> m =
        decode(
            "  \n {\"s\": \"x\\u00e9\", \"i\": 8, \"n\": -3, \"f\": 1.5, \"e\": 1e3,"
                + " \"b\": true, \"l\": [1, \"a\"], \"o\": {}}\n");
    assertEquals("xé", m.get("s"));
    assertEquals(8L, m.get("i"));
    assertEquals(-3L, m.get("n"));
    assertEquals(1.5d, m.get("f"));
    assertEquals(1000.0d, m.get("e"));
    assertEquals(true, m.get("b"));
    assertEquals(List.of(1L, "a"), m.get("l"));
    assertEquals(Map.of(), m.get("o"));
    assertEquals(List.of("s", "i", "n", "f", "e", "b", "l", "o"), List.copyOf(m.keySet()));
  }

  @Test
  void jsonDetectionLooksAtTheFirstNonBlankCharacter() {
    assertTrue(ConfigText.looksLikeJson(" \n\t{"));
    assertFalse(ConfigText.looksLikeJson("# {\n"));
    assertFalse(ConfigText.looksLikeJson("a = {}"));
    assertFalse(ConfigText.looksLikeJson("   "));
  }

  @Test
  void repeatedTopLevelKeyIsAnError() {
    ConfigSyntaxException e =
        assertThrows(ConfigSyntaxException.class, () -> decode("region = \"a\"\n\nregion = \"b\""));
    assertEquals("3:1: duplicate key \"region\" (first set at 1:1)", e.getMessage());
  }

  @Test
  void repeatedKeyInsideAMapIsAnError() {
    ConfigSyntaxException e =
        assertThrows(
            ConfigSyntaxException.class, () -> decode("key_tags {\n a = \"1\"\n \"a\" = \"2\"\n}"));
    assertEquals("3:2: duplicate key \"a\" (first set at 2:2)", e.getMessage());
  }

  @Test
  void repeatedKeyInJsonIsAnError() {
    ConfigSyntaxException e =
        assertThrows(ConfigSyntaxException.class, () -> decode("{\"a\": 1,\n \"a\": 2}"));
    assertEquals("duplicate key \"a\"", e.problem());
    assertEquals(2, e.line());
  }

  @ParameterizedTest
  @MethodSource
  void syntaxErrorsNameTheirPosition(String text, String expected) {
    ConfigSyntaxException e = assertThrows(ConfigSyntaxException.class, () -> decode(text));
    assertEquals(expected, e.getMessage());
  }

  static Stream<Arguments> syntaxErrorsNameTheirPosition() {
    return Stream.of(
        Arguments.of("region = ^", "1:10: illegal char '^'"),
        Arguments.of("region = \"a\"\n  ^^", "2:3: illegal char '^'"),
        Arguments.of("region = 'a'", "1:10: illegal char '''"),
        Arguments.of("a = \"x\u0000\"\nb = \u00a0", "2:5: illegal char U+00A0"),
        Arguments.of("region = ", "1:10: expected a value but found end of input"),
        Arguments.of("region", "1:7: expected '=' or '{' after key but found end of input"),
        Arguments.of("region \"us\"", "1:12: expected '=' or '{' after key but found end of input"),
        Arguments.of("region = \"abc", "1:10: literal not terminated"),
        Arguments.of("region = \"abc\ndef\"", "1:10: literal not terminated"),
        Arguments.of("a = \"\\q\"", "1:6: unknown escape sequence"),
        Arguments.of("a = \"\\u12\"", "1:6: escape sequence needs 4 hex digits"),
        Arguments.of("a = \"\\uD800\"", "1:6: escape sequence is not a valid Unicode code point"),
        Arguments.of(
            "a = \"\\U00110000\"", "1:6: escape sequence is not a valid Unicode code point"),
        Arguments.of("key_tags = {\n a = \"b\"\n", "3:1: expected '}' but found end of input"),
        Arguments.of("region = \"a\" }", "1:14: expected a key but found '}'"),
        Arguments.of("a = 1,\nb = 2", "1:6: expected a key but found ','"),
        Arguments.of(
            "region = us-east-2",
            "1:10: expected a value but found an identifier (strings need double quotes)"),
        Arguments.of("a = [\"a\" \"b\"]", "1:10: expected ',' or ']' in list but found a string"),
        Arguments.of("a = [\"a\",", "1:10: expected a value but found end of input"),
        Arguments.of("a = ]", "1:5: expected a value but found ']'"),
        Arguments.of("a b = 1", "1:5: expected '{' after a run of keys but found '='"),
        Arguments.of("= 1", "1:1: expected a key but found '='"),
        Arguments.of("a = 1 /* open", "1:7: comment not terminated"),
        Arguments.of("a = 1 / 2", "1:7: expected '/' or '*' after '/' to start a comment"),
        Arguments.of("a = <<EOF\nx\n", "1:5: heredoc not terminated"),
        Arguments.of("a = <<EOF\nx\nEOFX\n", "1:5: heredoc not terminated"),
        Arguments.of("a = <<EOF", "1:5: heredoc not terminated"),
        Arguments.of("a = <<EOF x\nx\nEOF\n", "1:10: invalid characters in heredoc anchor"),
        Arguments.of("a = <<\nx\n\n", "1:5: zero-length heredoc anchor"),
        Arguments.of("a = <<-\nx\n-\n", "1:5: zero-length heredoc anchor"),
        Arguments.of("a = 14d", "1:5: malformed number"),
        Arguments.of("a = 1.2.3", "1:5: malformed number"),
        Arguments.of("a = 0x", "1:5: malformed number"),
        Arguments.of("a = 99999999999999999999", "1:5: number out of range"),
        Arguments.of("a = 0x1FFFFFFFFFFFFFFFF", "1:5: number out of range"),
        Arguments.of("a = 1e999", "1:5: number out of range"),
        Arguments.of("a = -", "1:5: illegal char '-'"),
        Arguments.of("{\"region\": ", "1:12: end of input"),
        Arguments.of("{\"region\": \"a\"} x", "1:18: unexpected text after the top-level object"),
        Arguments.of("{\"region\": null}", "1:16: null is not a valid configuration value"),
        Arguments.of("{\"a\": 99999999999999999999}", "1:27: number out of range"),
        Arguments.of("{\"a\": 1e999}", "1:12: number out of range"),
        Arguments.of("{region: \"a\"}", "1:3: malformed JSON"),
        Arguments.of("{\"a\": \"x\" \"b\": 1}", "1:12: unterminated object"));
  }

  @Test
  void syntaxErrorsNeverQuoteLiteralValues() {
    String secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";
    for (String text :
        List.of(
            "secret_access_key = " + secret,
            "secret_access_key = \"" + secret,
            "secret_access_key = \"" + secret + "\\q\"",
            "secret_access_key = 12" + secret,
            "{\"secret_access_key\": " + secret + "}",
            "{\"secret_access_key\": \"" + secret + "\" x}",
            "{\"secret_access_key\": \"" + secret)) {
      ConfigSyntaxException e = assertThrows(ConfigSyntaxException.class, () -> decode(text));
      assertFalse(e.getMessage().contains(secret.substring(0, 8)), e.getMessage());
    }
  }
}
