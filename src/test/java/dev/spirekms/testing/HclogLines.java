package dev.spirekms.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks stderr lines against what go-plugin accepts as hclog JSON (go-plugin log_entry.go). */
public final class HclogLines {
  /** go-plugin parses @timestamp with layout 2006-01-02T15:04:05.000000Z07:00. */
  static final Pattern TIMESTAMP =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}(Z|[+-]\\d{2}:\\d{2})");

  static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");

  private HclogLines() {}

  /**
   * Fails unless every line is a JSON object with string {@code @level} (an hclog level), string
   * {@code @message} and string {@code @timestamp} in go-plugin's layout. Lists every bad line.
   */
  public static void assertHclogLines(List<String> lines) {
    List<String> problems = new ArrayList<>();
    for (String line : lines) {
      String problem = problem(line);
      if (problem != null) {
        problems.add(problem + ": " + line);
      }
    }
    if (!problems.isEmpty()) {
      fail(
          problems.size()
              + " of "
              + lines.size()
              + " stderr lines are not hclog JSON:\n"
              + String.join("\n", problems));
    }
  }

  /** Why {@code line} is not an hclog JSON line, or null if it is one. */
  static String problem(String line) {
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(line);
    } catch (JsonParseException e) {
      return "not JSON";
    }
    if (!parsed.isJsonObject()) {
      return "not a JSON object";
    }
    JsonObject entry = parsed.getAsJsonObject();
    for (String key : List.of("@level", "@message", "@timestamp")) {
      JsonElement value = entry.get(key);
      if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
        return key + " is missing or not a string";
      }
    }
    if (!LEVELS.contains(entry.get("@level").getAsString())) {
      return "@level is not one of " + LEVELS;
    }
    if (!TIMESTAMP.matcher(entry.get("@timestamp").getAsString()).matches()) {
      return "@timestamp is not in go-plugin's layout";
    }
    return null;
  }
}
