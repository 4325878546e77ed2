package dev.spirekms.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The entries of docs/troubleshooting.md and the rule that matches a catalogued message to one.
 *
 * <p>An entry is a {@code ###} heading, the first cell of a table row, or the first line of a list
 * item; its messages are the code spans (backticked text) in it. In a code span {@code <name>}
 * stands for a value (written {@code "<name>"} for a value filled in with its quotes, as Go's
 * {@code %q} quotes it), and a trailing {@code ...} for the rest of a longer message.
 *
 * <p>A message template ({@code %s} and {@code %d} for values) is covered by a code span when:
 *
 * <ol>
 *   <li>the span contains the message's <em>key text</em>: the message up to its first value; when
 *       that has fewer than {@value #MIN_KEY_TEXT} characters (say {@code key "%s" not found}), the
 *       key text runs on over the value to the next one, and so on, with each value matching a
 *       {@code <name>} or a word of the span; or
 *   <li>the span ends with {@code ...}, and what comes before it, at least {@value #MIN_KEY_TEXT}
 *       characters, is the start of the message, each {@code <name>} standing for one value.
 * </ol>
 *
 * Whitespace runs count as one space on both sides.
 */
final class TroubleshootingEntries {
  static final int MIN_KEY_TEXT = 12;
  static final Path FILE = Path.of("docs/troubleshooting.md");

  private static final Pattern PLACEHOLDER = Pattern.compile("%[sd]");
  // a value, with the quotes of a value that is filled in quoted
  private static final Pattern DOC_VALUE = Pattern.compile("\"?<[^<>]+>\"?");
  private static final String DOC_VALUE_REGEX = "(?:\"?<[^<>]+>\"?|[^\\s<>]+)";
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
  private static final Pattern LIST_ITEM = Pattern.compile("^(\\s*)[-*] (.*)$");

  private final List<String> spans;

  private TroubleshootingEntries(List<String> spans) {
    this.spans = spans;
  }

  static TroubleshootingEntries read() throws IOException {
    return parse(Files.readString(FILE));
  }

  static TroubleshootingEntries parse(String markdown) {
    List<String> spans = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    boolean fenced = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      if (line.startsWith("### ")) {
        addSpans(line, line.length(), spans);
      } else if (line.startsWith("|") && !line.matches("\\|[-| :]+\\|?")) {
        addSpans(firstCell(line), Integer.MAX_VALUE, spans);
      } else {
        Matcher item = LIST_ITEM.matcher(line);
        if (item.matches()) {
          // the item's first line, and its continuation for a code span that starts on it
          StringBuilder text = new StringBuilder(item.group(2));
          int firstLine = text.length();
          String indent = item.group(1) + "  ";
          for (int j = i + 1; j < lines.length; j++) {
            String next = lines[j];
            if (next.isBlank() || !next.startsWith(indent) || LIST_ITEM.matcher(next).matches()) {
              break;
            }
            text.append(' ').append(next.strip());
          }
          addSpans(text.toString(), firstLine, spans);
        }
      }
    }
    return new TroubleshootingEntries(spans);
  }

  private static String firstCell(String row) {
    // a cell ends at the first '|' outside a code span
    boolean code = false;
    for (int i = 1; i < row.length(); i++) {
      char c = row.charAt(i);
      if (c == '`') {
        code = !code;
      } else if (c == '|' && !code) {
        return row.substring(1, i);
      }
    }
    return row.substring(1);
  }

  private static void addSpans(String text, int startsBefore, List<String> spans) {
    Matcher m = CODE_SPAN.matcher(text);
    while (m.find()) {
      if (m.start() < startsBefore) {
        spans.add(normalise(m.group(1)));
      }
    }
  }

  private static String normalise(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  /** The code span that covers the message, if one does. */
  Optional<String> entryFor(String template) {
    String message = normalise(template);
    Pattern key = keyText(message);
    for (String span : spans) {
      if (key.matcher(span).find() || abbreviates(span, message)) {
        return Optional.of(span);
      }
    }
    return Optional.empty();
  }

  /** Rule 1: the message up to its first value, or on to later ones while it is short. */
  static Pattern keyText(String message) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    Matcher values = PLACEHOLDER.matcher(message);
    int at = 0;
    while (true) {
      boolean more = values.find();
      String part = message.substring(at, more ? values.start() : message.length());
      literal.append(part);
      if (!more || literal.toString().strip().length() >= MIN_KEY_TEXT) {
        regex.append(Pattern.quote(part.stripTrailing()));
        break;
      }
      regex.append(Pattern.quote(part)).append(DOC_VALUE_REGEX);
      at = values.end();
    }
    return Pattern.compile(regex.toString());
  }

  /** Rule 2: a span {@code <start of the message> ...}. */
  static boolean abbreviates(String span, String message) {
    if (!span.endsWith("...")) {
      return false;
    }
    String start = span.substring(0, span.length() - 3).strip();
    if (DOC_VALUE.matcher(start).replaceAll("").strip().length() < MIN_KEY_TEXT) {
      return false;
    }
    StringBuilder regex = new StringBuilder();
    Matcher values = DOC_VALUE.matcher(start);
    int at = 0;
    while (values.find()) {
      regex.append(Pattern.quote(start.substring(at, values.start()))).append("\"?%[sd]\"?");
      at = values.end();
    }
    regex.append(Pattern.quote(start.substring(at)));
    return Pattern.compile(regex.toString()).matcher(message).lookingAt();
  }
}
