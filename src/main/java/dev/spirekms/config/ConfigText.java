package dev.spirekms.config;

import java.util.Map;

/**
 * Decodes the {@code hcl_configuration} string SPIRE sends: JSON when the first character that is
 * not whitespace is {@code {} (the test Go's {@code hcl.Decode} uses), HCL1 otherwise. Empty text,
 * or text holding only whitespace and comments, decodes to an empty map.
 */
final class ConfigText {

  private ConfigText() {}

  static Map<String, Object> decode(String text) throws ConfigSyntaxException {
    if (text == null) {
      return Map.of();
    }
    if (!looksLikeJson(text)) {
      return HclParser.parse(text);
    }
    // A byte order mark is whitespace to the detection above but not to a strict JSON reader.
    return JsonConfigReader.parse(text.startsWith("\uFEFF") ? text.substring(1) : text);
  }

  static boolean looksLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c) && c != '\uFEFF') {
        return c == '{';
      }
    }
    return false;
  }
}
