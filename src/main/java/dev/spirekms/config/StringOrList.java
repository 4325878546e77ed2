package dev.spirekms.config;

import java.util.List;

/**
 * A setting written as one string or as a list of strings. Kept apart because the two forms mean
 * different things ({@code assume_role_external_id} as a string applies to every hop) and messages
 * name a list's entries by position.
 *
 * @param values the strings; one for the single form, and empty when not set
 * @param single whether the setting was one string rather than a list
 */
record StringOrList(List<String> values, boolean single) {

  static final StringOrList NONE = new StringOrList(List.of(), false);

  StringOrList {
    values = List.copyOf(values);
    if (single && values.size() != 1) {
      throw new IllegalArgumentException("a single value holds exactly one string");
    }
  }

  /** One string; the empty string counts as not set. */
  static StringOrList one(String value) {
    return value == null || value.isEmpty() ? NONE : new StringOrList(List.of(value), true);
  }

  /** A list; {@code null} and the empty list count as not set. */
  static StringOrList of(List<String> values) {
    return values == null || values.isEmpty() ? NONE : new StringOrList(values, false);
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  int size() {
    return values.size();
  }

  /** How messages name entry {@code index}: {@code key[index]} in a list, {@code key} alone. */
  String label(String key, int index) {
    return single ? key : key + "[" + index + "]";
  }
}
