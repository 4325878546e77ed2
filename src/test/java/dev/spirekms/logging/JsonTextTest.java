package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTextTest {
  private static final String REPLACEMENT = "\uFFFD";

  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    int bytes = JsonText.appendEscaped(out, text, JsonText.UNLIMITED);
    String escaped = out.toString();
    assertEquals(escaped.getBytes(StandardCharsets.UTF_8).length, bytes, "bytes reported");
    assertEquals(bytes, JsonText.escapedLength(text), "escapedLength");
    return escaped;
  }

  /** Wraps escaped text in an object, parses it strictly and returns the value read back. */
  private static String roundTrip(String text) {
    String line = "{\"v\":\"" + escape(text) + "\"}";
    HclogLines.decodeStrictly(line.getBytes(StandardCharsets.UTF_8));
    Map<String, String> parsed = HclogLines.parse(line);
    return parsed.get("v");
  }

  @Test
  void everyCharRoundTripsThroughAStrictParser() {
    for (int c = 0; c <= 0xFFFF; c++) {
      String text = "a" + (char) c + "b";
      String expected = Character.isSurrogate((char) c) ? "a" + REPLACEMENT + "b" : text;
      int code = c;
      assertEquals(expected, roundTrip(text), () -> "U+" + Integer.toHexString(code));
    }
  }

  @Test
  void allCharsInOneStringRoundTrip() {
    StringBuilder all = new StringBuilder();
    for (int c = 0; c <= 0xFFFF; c++) {
      all.append((char) c);
    }
    // U+DBFF U+DC00, where the two surrogate blocks meet, is the only pair; the rest stand alone
    String expected =
        all.substring(0, 0xD800)
            + "\uFFFD".repeat(0xDBFF - 0xD800)
            + "\uDBFF\uDC00"
            + "\uFFFD".repeat(0xDFFF - 0xDC00)
            + all.substring(0xE000);
    assertEquals(expected, roundTrip(all.toString()));
  }

  @Test
  void supplementaryCharactersRoundTripAsFourUtf8Bytes() {
    for (int codePoint : new int[] {0x10000, 0x1F600, 0x1F9D1, 0x10FFFF}) {
      String text = new String(Character.toChars(codePoint));
      assertEquals(text, roundTrip(text));
      assertEquals(4, JsonText.escapedLength(text));
      assertEquals(text, escape(text), "written as is");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\\uD800|\uFFFD",
        "\\uDBFF\\uDBFF|\uFFFD\uFFFD",
        "\\uDC00|\uFFFD",
        "\\uDC00\\uD83D|\uFFFD\uFFFD",
        "x\\uD83Dy|x\uFFFDy",
        "\\uD83D\\uD83D\\uDE00|\uFFFD\uD83D\uDE00",
        "\\uD83D\\uDE00\\uDE00|\uD83D\uDE00\uFFFD",
      })
  void loneSurrogatesBecomeReplacementCharacters(String escapedInput, String expected) {
    String input = unescapeJava(escapedInput);
    assertEquals(expected, roundTrip(input));
    assertEquals(expected, escape(input));
  }

  @Test
  void shortEscapesAndUnicodeEscapesAreExact() {
    assertEquals("\\\"", escape("\""));
    assertEquals("\\\\", escape("\\"));
    assertEquals("\\b\\f\\n\\r\\t", escape("\b\f\n\r\t"));
    assertEquals("\\u0000\\u0001\\u000b\\u001f", escape("\u0000\u0001\u000b\u001f"));
    assertEquals("\\u2028\\u2029", escape("\u2028\u2029"));
    assertEquals(" ~\u007f\u0080é€/<>&'", escape(" ~\u007f\u0080é€/<>&'"));
  }

  @Test
  void escapedLengthCountsUtf8BytesOfTheEscapedForm() {
    assertEquals(0, JsonText.escapedLength(""));
    assertEquals(1, JsonText.escapedLength("a"));
    assertEquals(2, JsonText.escapedLength("\n"));
    assertEquals(6, JsonText.escapedLength("\u0001"));
    assertEquals(2, JsonText.escapedLength("é"));
    assertEquals(3, JsonText.escapedLength("€"));
    assertEquals(6, JsonText.escapedLength("\u2028"));
    assertEquals(3, JsonText.escapedLength("\uD800"));
    assertEquals(4, JsonText.escapedLength("\uD83D\uDE00"));
  }

  @Test
  void aBudgetNeverSplitsAnEscapeOrASurrogatePair() {
    String text = "a\uD83D\uDE00\n\u0001é";
    int[] expectedBytes = {0, 1, 1, 1, 1, 5, 5, 7, 7, 7, 7, 7, 7, 13, 13, 15};
    String[] expectedText = {
      "", "a", "a", "a", "a", "a\uD83D\uDE00", "a\uD83D\uDE00", "a\uD83D\uDE00\\n",
    };
    for (int budget = 0; budget < expectedBytes.length; budget++) {
      StringBuilder out = new StringBuilder();
      int bytes = JsonText.appendEscaped(out, text, budget);
      assertEquals(expectedBytes[budget], bytes, "bytes at budget " + budget);
      assertEquals(out.toString().getBytes(StandardCharsets.UTF_8).length, bytes);
      if (budget < expectedText.length) {
        assertEquals(expectedText[budget], out.toString(), "text at budget " + budget);
      }
    }
  }

  private static String unescapeJava(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      if (text.startsWith("\\u", i)) {
        out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        out.append(text.charAt(i));
      }
    }
    return out.toString();
  }
}
