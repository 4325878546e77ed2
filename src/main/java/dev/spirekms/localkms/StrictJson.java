package dev.spirekms.localkms;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;

/** Parses one complete, strictly valid JSON document (RFC 8259), nothing before or after it. */
final class StrictJson {
  private StrictJson() {}

  /** The parsed document; {@link IllegalArgumentException} if the text is not strict JSON. */
  static JsonElement parse(String text) {
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      JsonElement element = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("text after the JSON document");
      }
      return element;
    } catch (JsonParseException | IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
