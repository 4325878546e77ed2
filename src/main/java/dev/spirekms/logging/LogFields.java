package dev.spirekms.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one log line, in the order first added. Adding a key again replaces its value (the
 * last value wins, the key keeps its place). Keys that hclog reserves are written with a {@code _}
 * in front, so a field can never replace the level, message, module or timestamp.
 */
final class LogFields {
  private static final Set<String> RESERVED = Set.of("@level", "@message", "@module", "@timestamp");

  private final Map<String, String> fields = new LinkedHashMap<>();

  /** Adds {@code String.valueOf(key)} = {@code String.valueOf(value)}. */
  void put(Object key, Object value) {
    String name = text(key);
    fields.put(RESERVED.contains(name) ? "_" + name : name, text(value));
  }

  Map<String, String> asMap() {
    return fields;
  }

  /** {@code String.valueOf(value)}, or a note naming the exception when {@code toString} throws. */
  private static String text(Object value) {
    try {
      return String.valueOf(value);
    } catch (RuntimeException e) {
      return "[toString failed: " + e.getClass().getName() + "]";
    }
  }
}
