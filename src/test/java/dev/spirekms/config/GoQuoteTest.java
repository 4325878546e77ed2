package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoQuoteTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "plain|`\"plain\"`",
        "`a\"b`|`\"a\\\"b\"`",
        "`a\\b`|`\"a\\\\b\"`",
        "`caf\u00e9 \uD83D\uDE00`|`\"caf\u00e9 \uD83D\uDE00\"`",
      })
  void quotesLikeGo(String in, String expected) {
    assertEquals(expected, GoQuote.quote(in));
  }

  @org.junit.jupiter.api.Test
  void escapesControlAndInvisibleCharacters() {
    assertEquals("\"\\n\\t\\r\\a\\b\\f\\v\"", GoQuote.quote("\n\t\r\u0007\b\f\u000B"));
    assertEquals("\"\\x00\\x1f\\x7f\"", GoQuote.quote("\u0000\u001f\u007f"));
    assertEquals("\"\\u0085\\u200b\\ufeff\"", GoQuote.quote("\u0085\u200b\ufeff"));
    assertEquals("\"\\U000e0001\"", GoQuote.quote(new String(Character.toChars(0xE0001))));
    assertEquals("\"\\ud800\"", GoQuote.quote("\uD800"));
    assertEquals("\"\\u0378\"", GoQuote.quote("\u0378"));
  }
}
