package dev.spirekms.config;

/**
 * Quotes a string the way Go's {@code %q} verb does for the strings found in configuration: double
 * quotes, backslash escapes for quotes, backslashes and control characters, printable Unicode kept
 * as it is. Upstream's messages use {@code %q}, so ours quote the same way.
 */
final class GoQuote {

  private GoQuote() {}

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    s.codePoints()
        .forEach(
            cp -> {
              switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case 0x0B -> out.append("\\v");
                default -> appendOther(out, cp);
              }
            });
    return out.append('"').toString();
  }

  private static void appendOther(StringBuilder out, int cp) {
    if (cp < 0x20 || cp == 0x7F) {
      out.append(String.format("\\x%02x", cp));
    } else if (Character.isISOControl(cp)
        || !Character.isDefined(cp)
        || Character.getType(cp) == Character.FORMAT
        || Character.getType(cp) == Character.SURROGATE) {
      out.append(cp > 0xFFFF ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
    } else {
      out.appendCodePoint(cp);
    }
  }
}
