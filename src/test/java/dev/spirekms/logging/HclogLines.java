package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses what the logger wrote, as strictly as SPIRE's reader would need it. */
final class HclogLines {
  private HclogLines() {}

  /** Decodes bytes as UTF-8, failing on any malformed or unmappable sequence. */
  static String decodeStrictly(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return fail("output is not valid UTF-8", e);
    }
  }

  /** Splits output into lines; every line must end in a newline. */
  static List<String> split(byte[] output) {
    String text = decodeStrictly(output);
    List<String> lines = new ArrayList<>();
    if (text.isEmpty()) {
      return lines;
    }
    assertTrue(text.endsWith("\n"), "output must end with a newline");
    int start = 0;
    for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      lines.add(text.substring(start, end));
      start = end + 1;
    }
    return lines;
  }

  /**
   * Parses one line (no newline) as a JSON object whose values are all strings, with strict JSON
   * rules, no duplicate keys, nothing after the object, no raw control characters and no raw
   * U+2028/U+2029; returns its members in order.
   */
  static Map<String, String> parse(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 0x20 || c == '\u2028' || c == '\u2029') {
        fail("raw U+" + Integer.toHexString(c) + " at " + i + " in " + line);
      }
    }
    Map<String, String> members = new LinkedHashMap<>();
    try (JsonReader reader = new JsonReader(new StringReader(line))) {
      reader.setStrictness(Strictness.STRICT);
      reader.beginObject();
      while (reader.hasNext()) {
        String name = reader.nextName();
        assertEquals(JsonToken.STRING, reader.peek(), () -> "value of " + name + " in " + line);
        String value = reader.nextString();
        if (members.put(name, value) != null) {
          fail("duplicate key " + name + " in " + line);
        }
      }
      reader.endObject();
      assertEquals(JsonToken.END_DOCUMENT, reader.peek(), () -> "content after the object");
    } catch (IOException e) {
      fail("not a JSON object: " + line, e);
    }
    return members;
  }
}
