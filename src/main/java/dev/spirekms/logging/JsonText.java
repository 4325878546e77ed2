package dev.spirekms.logging;

/**
 * Escapes text for a JSON string, counting the UTF-8 bytes of the escaped form as it goes.
 *
 * <p>Written for this package rather than taken from a JSON library, so that logging needs no
 * dependency at start-up. The output is always valid UTF-8 when encoded: a lone surrogate becomes
 * U+FFFD. Quote, backslash, U+0000 to U+001F, U+2028 and U+2029 are escaped; everything else is
 * written as is.
 */
final class JsonText {
  /** A byte budget that never runs out. */
  static final int UNLIMITED = Integer.MAX_VALUE;

  private static final char REPLACEMENT = '\uFFFD';
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** Returns how many UTF-8 bytes the escaped form of {@code text} takes, quotes excluded. */
  static int escapedLength(CharSequence text) {
    int bytes = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int codePoint = codePointAt(text, i);
      bytes += cost(codePoint);
      i += Character.charCount(codePoint);
    }
    return bytes;
  }

  /**
   * Appends the escaped form of {@code text}, quotes excluded, stopping before the first code point
   * that would take it past {@code maxBytes} UTF-8 bytes. Never splits an escape or a surrogate
   * pair.
   *
   * @return the UTF-8 bytes appended
   */
  static int appendEscaped(StringBuilder out, CharSequence text, int maxBytes) {
    int bytes = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int codePoint = codePointAt(text, i);
      int cost = cost(codePoint);
      if (cost > maxBytes - bytes) {
        break;
      }
      appendEscaped(out, codePoint);
      bytes += cost;
      i += Character.charCount(codePoint);
    }
    return bytes;
  }

  /** Returns the code point at {@code i}, with a lone surrogate read as U+FFFD (one char wide). */
  private static int codePointAt(CharSequence text, int i) {
    char c = text.charAt(i);
    if (!Character.isSurrogate(c)) {
      return c;
    }
    if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
      char low = text.charAt(i + 1);
      if (Character.isLowSurrogate(low)) {
        return Character.toCodePoint(c, low);
      }
    }
    return REPLACEMENT;
  }

  private static int cost(int codePoint) {
    switch (codePoint) {
      case '"':
      case '\\':
      case '\b':
      case '\f':
      case '\n':
      case '\r':
      case '\t':
        return 2;
      case '\u2028':
      case '\u2029':
        return 6;
      default:
        if (codePoint < 0x20) {
          return 6;
        }
        if (codePoint < 0x80) {
          return 1;
        }
        if (codePoint < 0x800) {
          return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
  }

  private static void appendEscaped(StringBuilder out, int codePoint) {
    switch (codePoint) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (codePoint < 0x20 || codePoint == '\u2028' || codePoint == '\u2029') {
          out.append("\\u")
              .append(HEX[(codePoint >> 12) & 0xF])
              .append(HEX[(codePoint >> 8) & 0xF])
              .append(HEX[(codePoint >> 4) & 0xF])
              .append(HEX[codePoint & 0xF]);
        } else {
          out.appendCodePoint(codePoint);
        }
    }
  }
}
