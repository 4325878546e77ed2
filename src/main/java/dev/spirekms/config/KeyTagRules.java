package dev.spirekms.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * AWS's limits on resource tags, as upstream {@code aws_kms} checks {@code key_tags} (SPIRE {@code
 * validateTags}; AWS "Tagging AWS resources", tag naming limits). Messages are upstream's. Lengths
 * count Unicode characters, as AWS does.
 */
final class KeyTagRules {

  static final int MAX_TAGS = 50;
  static final int MAX_KEY_LENGTH = 128;
  static final int MAX_VALUE_LENGTH = 256;

  // Go's RE2 \s is ASCII [\t\n\f\r ], so it is spelled out rather than Java's \s (which adds \x0B).
  private static final Pattern KEY = Pattern.compile("^[\\p{L}\\p{N}\\t\\n\\f\\r +\\-=._:/@]+$");
  private static final Pattern VALUE = Pattern.compile("^[\\p{L}\\p{N}\\t\\n\\f\\r +\\-=._:/@]*$");

  private KeyTagRules() {}

  /** Every problem with {@code tags}, each a complete note. */
  static List<String> problems(Map<String, String> tags) {
    List<String> problems = new ArrayList<>();
    if (tags.size() > MAX_TAGS) {
      problems.add(wrap(String.format(ConfigMessages.TOO_MANY_TAGS, tags.size(), MAX_TAGS)));
    }
    tags.forEach(
        (key, value) -> {
          keyProblem(key).ifPresent(p -> problems.add(wrap(p)));
          valueProblem(key, value).ifPresent(p -> problems.add(wrap(p)));
        });
    return problems;
  }

  private static String wrap(String problem) {
    return String.format(ConfigMessages.KEY_TAGS_INVALID, problem);
  }

  private static Optional<String> keyProblem(String key) {
    String quoted = GoQuote.quote(key);
    if (key.isEmpty()) {
      return Optional.of(ConfigMessages.TAG_KEY_EMPTY);
    }
    if (key.codePointCount(0, key.length()) > MAX_KEY_LENGTH) {
      return Optional.of(String.format(ConfigMessages.TAG_KEY_TOO_LONG, quoted, MAX_KEY_LENGTH));
    }
    String lower = key.toLowerCase(Locale.ROOT);
    if (lower.startsWith("aws:")) {
      return Optional.of(String.format(ConfigMessages.TAG_KEY_AWS_PREFIX, quoted));
    }
    if (lower.startsWith("spire-")) {
      return Optional.of(String.format(ConfigMessages.TAG_KEY_SPIRE_PREFIX, quoted));
    }
    if (!KEY.matcher(key).matches()) {
      return Optional.of(String.format(ConfigMessages.TAG_KEY_CHARACTERS, quoted));
    }
    return Optional.empty();
  }

  private static Optional<String> valueProblem(String key, String value) {
    String quoted = GoQuote.quote(key);
    if (value.codePointCount(0, value.length()) > MAX_VALUE_LENGTH) {
      return Optional.of(
          String.format(ConfigMessages.TAG_VALUE_TOO_LONG, quoted, MAX_VALUE_LENGTH));
    }
    if (!VALUE.matcher(value).matches()) {
      return Optional.of(String.format(ConfigMessages.TAG_VALUE_CHARACTERS, quoted));
    }
    return Optional.empty();
  }
}
