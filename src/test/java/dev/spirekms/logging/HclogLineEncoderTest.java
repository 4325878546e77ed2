package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.Level;

class HclogLineEncoderTest {
  private static final int LIMIT = HclogLineEncoder.MAX_LINE_BYTES;
  private static final String MODULE = "dev.spirekms.keys.KmsKeyStore";

  private final HclogLineEncoder encoder = new HclogLineEncoder();

  /** Encodes, checks the size limit, the newline and the JSON, and returns the parsed line. */
  private static Map<String, String> encodeAndParse(
      HclogLineEncoder encoder, int limit, String message, Map<String, String> fields) {
    byte[] line = encoder.encode(CapturedLines.NOW, Level.ERROR, MODULE, message, fields);
    assertTrue(line.length <= limit, () -> "line has " + line.length + " bytes");
    assertEquals('\n', line[line.length - 1]);
    List<String> lines = HclogLines.split(line);
    assertEquals(1, lines.size());
    return HclogLines.parse(lines.get(0));
  }

  private Map<String, String> encodeAndParse(String message, Map<String, String> fields) {
    return encodeAndParse(encoder, LIMIT, message, fields);
  }

  private static void assertCutFrom(String original, String written) {
    assertTrue(written.endsWith("..."), () -> "ends with ...: " + tail(written));
    String kept = written.substring(0, written.length() - 3);
    assertTrue(original.startsWith(kept), "a prefix of the original");
    assertTrue(kept.length() < original.length());
  }

  private static String tail(String text) {
    return text.substring(Math.max(0, text.length() - 20));
  }

  @Test
  void theLimitKeepsLinesBelow64KibSoGoPluginReadsThemWhole() {
    assertEquals(65535, LIMIT);
  }

  @Test
  void aShortLineIsWrittenWhole() {
    Map<String, String> entry = encodeAndParse("Short", Map.of("truncated", "no"));
    assertEquals("Short", entry.get("@message"));
    assertEquals("no", entry.get("truncated"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "é", "€", "\uD83D\uDE00", "\u0001", "\n", "a\u2028", "\uD800"})
  void aLongMessageIsCutWithoutBreakingACharacterOrAnEscape(String unit) {
    String message = unit.repeat(200_000 / unit.length());
    Map<String, String> entry = encodeAndParse(message, Map.of("key_arn", "arn"));
    assertEquals("true", entry.get(HclogLineEncoder.TRUNCATED));
    assertEquals("arn", entry.get("key_arn"));
    assertEquals("error", entry.get("@level"));
    assertEquals(CapturedLines.NOW_TEXT, entry.get("@timestamp"));
    assertEquals(MODULE, entry.get("@module"));
    String expected = unit.equals("\uD800") ? "\uFFFD".repeat(200_000) : message;
    assertCutFrom(expected, entry.get("@message"));
    assertTrue(entry.get("@message").length() > 5_000, "most of the room goes to the message");
  }

  @Test
  void aLineOfExactlyTheLimitIsNotCutAndOneMoreByteIs() {
    int empty = encoder.encode(CapturedLines.NOW, Level.ERROR, MODULE, "", Map.of()).length;
    String fits = "m".repeat(LIMIT - empty);
    byte[] line = encoder.encode(CapturedLines.NOW, Level.ERROR, MODULE, fits, Map.of());
    assertEquals(LIMIT, line.length);
    assertEquals(fits, HclogLines.parse(HclogLines.split(line).get(0)).get("@message"));

    Map<String, String> entry = encodeAndParse(fits + "m", Map.of());
    assertEquals("true", entry.get(HclogLineEncoder.TRUNCATED));
    assertCutFrom(fits + "m", entry.get("@message"));
  }

  @Test
  void aHugeStackIsCutAndTheMessageAndSmallFieldsStayWhole() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("error", "java.lang.StackOverflowError");
    fields.put("stack", "\tat a.b.C.recurse(C.java:10)\n".repeat(5_000));
    fields.put("key_arn", "arn:aws:kms:eu-west-1:111122223333:key/k");
    Map<String, String> entry = encodeAndParse("Failed to sign", fields);
    assertEquals("Failed to sign", entry.get("@message"));
    assertEquals("java.lang.StackOverflowError", entry.get("error"));
    assertEquals(fields.get("key_arn"), entry.get("key_arn"));
    assertCutFrom(fields.get("stack"), entry.get("stack"));
    assertEquals(
        List.of(
            "@level",
            "@message",
            "@module",
            "@timestamp",
            "error",
            "stack",
            "key_arn",
            "truncated"),
        List.copyOf(entry.keySet()));
  }

  @Test
  void twoHugeValuesShareTheRoom() {
    String big = "b".repeat(100_000);
    Map<String, String> entry = encodeAndParse(big, Map.of("stack", big));
    assertCutFrom(big, entry.get("@message"));
    assertCutFrom(big, entry.get("stack"));
    int difference = entry.get("@message").length() - entry.get("stack").length();
    assertTrue(Math.abs(difference) <= 1, "even shares, difference " + difference);
    assertTrue(entry.get("stack").length() > 30_000);
  }

  @Test
  void fieldsWhoseKeysDoNotFitAreDroppedFromTheEnd() {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < 10_000; i++) {
      fields.put(String.format("field_with_a_long_name_%05d", i), "v");
    }
    Map<String, String> entry = encodeAndParse("Many fields", fields);
    assertEquals("Many fields", entry.get("@message"));
    assertEquals("true", entry.get(HclogLineEncoder.TRUNCATED));
    assertEquals("v", entry.get("field_with_a_long_name_00000"));
    assertFalse(entry.containsKey("field_with_a_long_name_09999"));
    List<String> keys = List.copyOf(entry.keySet());
    assertEquals("truncated", keys.get(keys.size() - 1));
    assertTrue(keys.size() > 1_000, "keeps what fits: " + keys.size());
  }

  @Test
  void aHugeKeyIsDropped() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("small", "kept");
    fields.put("k".repeat(70_000), "v");
    Map<String, String> entry = encodeAndParse("Huge key", fields);
    assertEquals("kept", entry.get("small"));
    assertEquals(
        List.of("@level", "@message", "@module", "@timestamp", "small", "truncated"),
        List.copyOf(entry.keySet()));
  }

  @Test
  void aFieldNamedTruncatedIsReplacedByTheMarkerOnACutLine() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("truncated", "no");
    fields.put("after", "a");
    Map<String, String> entry = encodeAndParse("x".repeat(70_000), fields);
    assertEquals(
        List.of("@level", "@message", "@module", "@timestamp", "after", "truncated"),
        List.copyOf(entry.keySet()));
    assertEquals("true", entry.get("truncated"));
  }

  @Test
  void randomLinesAlwaysFitAndParse() {
    Random random = new Random(11);
    for (int round = 0; round < 3_000; round++) {
      int limit = 300 + random.nextInt(3_000);
      HclogLineEncoder small = new HclogLineEncoder(limit);
      Map<String, String> fields = new LinkedHashMap<>();
      int count = random.nextInt(40);
      for (int i = 0; i < count; i++) {
        // lone surrogates would make distinct keys equal once replaced, so keys have none
        String key = randomText(random, 1 + random.nextInt(30)).replace('\uD800', 's');
        fields.put(key.replace('\uDFFF', 's'), randomText(random, random.nextInt(400)));
      }
      String message = randomText(random, random.nextInt(3_000));
      Map<String, String> entry = encodeAndParse(small, limit, message, fields);
      byte[] whole =
          new HclogLineEncoder(Integer.MAX_VALUE)
              .encode(CapturedLines.NOW, Level.ERROR, MODULE, message, fields);
      if (whole.length <= limit) {
        assertEquals(HclogLines.parse(HclogLines.split(whole).get(0)), entry);
        assertFalse(entry.containsKey(HclogLineEncoder.TRUNCATED));
      } else {
        assertEquals("true", entry.get(HclogLineEncoder.TRUNCATED));
      }
      assertEquals("error", entry.get("@level"));
      assertEquals(CapturedLines.NOW_TEXT, entry.get("@timestamp"));
    }
  }

  /** Text drawn from ASCII, escapes, two- to four-byte characters and lone surrogates. */
  private static String randomText(Random random, int length) {
    String[] pool = {
      "a",
      "Z",
      " ",
      "\"",
      "\\",
      "\n",
      "\u0000",
      "\u001f",
      "é",
      "€",
      "\u2028",
      "\uD83D\uDE00",
      "\uD800",
      "\uDFFF"
    };
    StringBuilder text = new StringBuilder();
    while (text.length() < length) {
      text.append(pool[random.nextInt(pool.length)]);
    }
    return text.toString();
  }

  @Test
  void linesAreUtf8() {
    byte[] line = encoder.encode(Instant.EPOCH, Level.INFO, "m", "é\uD83D\uDE00", Map.of());
    String text = new String(line, StandardCharsets.UTF_8);
    assertTrue(text.contains("\"@message\":\"é\uD83D\uDE00\""), text);
  }
}
