package dev.spirekms.logging;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Formats instants the way hclog writes {@code @timestamp}. */
final class HclogTimestamp {
  private HclogTimestamp() {}

  /**
   * Appends {@code instant} in UTC with exactly six fractional digits, e.g. {@code
   * 2026-11-23T02:10:43.123456Z}; finer digits are dropped.
   */
  // go-plugin log_entry.go parseJSON reads @timestamp with layout
  // 2006-01-02T15:04:05.000000Z07:00; any other digit count turns the line into plain text.
  static void append(StringBuilder out, Instant instant) {
    LocalDateTime utc = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    appendPadded(out, utc.getYear(), 4);
    out.append('-');
    appendPadded(out, utc.getMonthValue(), 2);
    out.append('-');
    appendPadded(out, utc.getDayOfMonth(), 2);
    out.append('T');
    appendPadded(out, utc.getHour(), 2);
    out.append(':');
    appendPadded(out, utc.getMinute(), 2);
    out.append(':');
    appendPadded(out, utc.getSecond(), 2);
    out.append('.');
    appendPadded(out, instant.getNano() / 1000, 6);
    out.append('Z');
  }

  static String format(Instant instant) {
    StringBuilder out = new StringBuilder(27);
    append(out, instant);
    return out.toString();
  }

  private static void appendPadded(StringBuilder out, int value, int digits) {
    String text = Integer.toString(value);
    for (int i = text.length(); i < digits; i++) {
      out.append('0');
    }
    out.append(text);
  }
}
