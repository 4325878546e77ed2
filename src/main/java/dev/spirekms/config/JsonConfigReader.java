package dev.spirekms.config;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads configuration written as JSON (HCL's JSON form) into the same value model as {@link
 * HclParser}: strict RFC 8259 JSON whose top level is an object, numbers as {@link Long} when they
 * are integers and {@link Double} otherwise, keys in text order, a key set twice in one object
 * rejected, and {@code null} rejected.
 */
final class JsonConfigReader {

  // gson reports "<what> at line L column C path P", sometimes followed by a help link.
  private static final Pattern GSON_LOCATION =
      Pattern.compile("^(.*?) at line (\\d+) column (\\d+)(?: path \\S*)?", Pattern.DOTALL);
  private static final Pattern INTEGER = Pattern.compile("-?\\d+");

  private final JsonReader reader;

  private JsonConfigReader(String text) {
    this.reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
  }

  static Map<String, Object> parse(String text) throws ConfigSyntaxException {
    JsonConfigReader json = new JsonConfigReader(text);
    try {
      Map<String, Object> result = json.object();
      json.requireEnd();
      return result;
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw translate(e, "malformed JSON");
    }
  }

  private void requireEnd() throws ConfigSyntaxException {
    try {
      if (reader.peek() == JsonToken.END_DOCUMENT) {
        return;
      }
    } catch (IOException e) {
      throw translate(e, "unexpected text after the top-level object");
    }
    throw error("unexpected text after the top-level object");
  }

  private Map<String, Object> object() throws IOException, ConfigSyntaxException {
    Map<String, Object> values = new LinkedHashMap<>();
    reader.beginObject();
    while (reader.hasNext()) {
      String name = reader.nextName();
      if (values.containsKey(name)) {
        throw error("duplicate key " + GoQuote.quote(name));
      }
      values.put(name, value());
    }
    reader.endObject();
    return Collections.unmodifiableMap(values);
  }

  private Object value() throws IOException, ConfigSyntaxException {
    JsonToken token = reader.peek();
    return switch (token) {
      case BEGIN_OBJECT -> object();
      case BEGIN_ARRAY -> array();
      case STRING -> reader.nextString();
      case BOOLEAN -> reader.nextBoolean();
      case NUMBER -> number(reader.nextString());
      case NULL -> throw error("null is not a valid configuration value");
      default -> throw error("expected a value but found " + token);
    };
  }

  private List<Object> array() throws IOException, ConfigSyntaxException {
    List<Object> values = new ArrayList<>();
    reader.beginArray();
    while (reader.hasNext()) {
      values.add(value());
    }
    reader.endArray();
    return Collections.unmodifiableList(values);
  }

  private Object number(String text) throws ConfigSyntaxException {
    if (INTEGER.matcher(text).matches()) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw error("number out of range");
      }
    }
    double d = Double.parseDouble(text);
    if (Double.isInfinite(d)) {
      throw error("number out of range");
    }
    return d;
  }

  /** An error at the reader's current position (just after the token last read). */
  private ConfigSyntaxException error(String problem) {
    Matcher m = GSON_LOCATION.matcher("x" + reader);
    if (m.find()) {
      return new ConfigSyntaxException(
          Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), problem);
    }
    return new ConfigSyntaxException(1, 1, problem);
  }

  /**
   * Turns a gson failure into a positioned error. gson's own wording is kept where it names the
   * problem ("unterminated object"); its advice to switch to lenient parsing becomes {@code
   * fallback}.
   */
  private static ConfigSyntaxException translate(Exception e, String fallback) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    Matcher m = GSON_LOCATION.matcher(message);
    if (!m.find()) {
      return new ConfigSyntaxException(1, 1, fallback);
    }
    String problem = m.group(1).startsWith("Use JsonReader") ? fallback : lowerFirst(m.group(1));
    return new ConfigSyntaxException(
        Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), problem);
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
