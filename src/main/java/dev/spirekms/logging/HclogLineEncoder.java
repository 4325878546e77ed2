package dev.spirekms.logging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * Encodes one log entry as one hclog JSON line: {@code @level}, {@code @message}, {@code @module}
 * (when the logger is named) and {@code @timestamp}, then every field, all values JSON strings,
 * ending in {@code \n}, in UTF-8.
 *
 * <p>A line that would be longer than the limit is cut to fit: every value gets a fair share of the
 * room left after the keys (short values stay whole, long ones end in {@code ...}), fields are
 * dropped from the end only when there are too many to give each value a few bytes, and {@code
 * "truncated":"true"} is added.
 */
final class HclogLineEncoder {
  /** The longest line written, newline included. */
  // go-plugin client.go logStderr reads with a 64 KiB bufio.Reader; longer lines arrive split.
  static final int MAX_LINE_BYTES = 64 * 1024 - 1;

  static final String TRUNCATED = "truncated";
  private static final String ELLIPSIS = "...";
  // A value this short is never cut, so the level, the timestamp and the marker stay whole;
  // a longer one is cut to no less than this.
  private static final int MIN_SHARE = 32;
  // Per entry: four quotes, a colon and a comma; per line: braces and newline, less one comma.
  private static final int ENTRY_OVERHEAD = 6;
  private static final int LINE_OVERHEAD = 2;

  private final int maxLineBytes;

  HclogLineEncoder() {
    this(MAX_LINE_BYTES);
  }

  HclogLineEncoder(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  byte[] encode(
      Instant timestamp, Level level, String module, String message, Map<String, String> fields) {
    // go-plugin log_entry.go parseJSON type-asserts @level, @message and @timestamp as strings,
    // and a failed assertion panics the host; every value here is a string.
    List<String> keys = new ArrayList<>(fields.size() + 5);
    List<String> values = new ArrayList<>(fields.size() + 5);
    keys.add("@level");
    values.add(LogLevels.hclogName(level));
    keys.add("@message");
    values.add(message);
    if (module != null && !module.isEmpty()) {
      keys.add("@module");
      values.add(module);
    }
    keys.add("@timestamp");
    values.add(HclogTimestamp.format(timestamp));
    int reserved = keys.size();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      keys.add(field.getKey());
      values.add(field.getValue());
    }

    StringBuilder out = new StringBuilder(256);
    if (write(out, keys, values, null) <= maxLineBytes) {
      return toUtf8(out);
    }
    int marker = keys.indexOf(TRUNCATED);
    if (marker >= 0) {
      keys.remove(marker);
      values.remove(marker);
    }
    keys.add(TRUNCATED);
    values.add("true");
    int[] limits = shareRoom(keys, values, reserved);
    out.setLength(0);
    write(out, keys, values, limits);
    return toUtf8(out);
  }

  /**
   * Returns a byte limit for every value such that the line fits. Fields just before the marker are
   * dropped while the keys, plus each value's first {@link #MIN_SHARE} bytes, do not fit.
   */
  private int[] shareRoom(List<String> keys, List<String> values, int reserved) {
    int[] valueBytes = new int[keys.size()];
    int overhead = LINE_OVERHEAD;
    int minimum = 0;
    for (int i = 0; i < keys.size(); i++) {
      valueBytes[i] = JsonText.escapedLength(values.get(i));
      overhead += JsonText.escapedLength(keys.get(i)) + ENTRY_OVERHEAD;
      minimum += Math.min(valueBytes[i], MIN_SHARE);
    }
    while (overhead + minimum > maxLineBytes && keys.size() - 1 > reserved) {
      int dropped = keys.size() - 2;
      overhead -= JsonText.escapedLength(keys.remove(dropped)) + ENTRY_OVERHEAD;
      minimum -= Math.min(valueBytes[dropped], MIN_SHARE);
      values.remove(dropped);
      valueBytes[dropped] = valueBytes[dropped + 1];
    }

    // Smallest values first, each taking at most an even share of what is left, so short values
    // stay whole and the long ones split the rest evenly; every cut value keeps MIN_SHARE bytes.
    int count = keys.size();
    Integer[] smallestFirst = new Integer[count];
    for (int i = 0; i < count; i++) {
      smallestFirst[i] = i;
    }
    Arrays.sort(smallestFirst, Comparator.comparingInt(i -> valueBytes[i]));
    int[] limits = new int[count];
    int room = maxLineBytes - overhead;
    for (int rank = 0; rank < count; rank++) {
      int i = smallestFirst[rank];
      limits[i] = Math.min(valueBytes[i], room / (count - rank));
      room -= limits[i];
    }
    return limits;
  }

  /** Writes the line; returns its length in UTF-8 bytes, newline included. */
  private static int write(
      StringBuilder out, List<String> keys, List<String> values, int[] limits) {
    int bytes = LINE_OVERHEAD;
    out.append('{');
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append('"');
      bytes += JsonText.appendEscaped(out, keys.get(i), JsonText.UNLIMITED);
      out.append("\":\"");
      int limit = limits == null ? JsonText.UNLIMITED : limits[i];
      bytes += appendValue(out, values.get(i), limit);
      out.append('"');
      bytes += ENTRY_OVERHEAD;
    }
    out.append("}\n");
    return bytes;
  }

  private static int appendValue(StringBuilder out, String value, int limit) {
    if (limit == JsonText.UNLIMITED || JsonText.escapedLength(value) <= limit) {
      return JsonText.appendEscaped(out, value, JsonText.UNLIMITED);
    }
    int bytes = JsonText.appendEscaped(out, value, limit - ELLIPSIS.length());
    out.append(ELLIPSIS);
    return bytes + ELLIPSIS.length();
  }

  // Lone surrogates are already replaced, so this encoding is exact.
  private static byte[] toUtf8(StringBuilder out) {
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
