package dev.spirekms.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of the results table, one Markdown table row per figure, each also told on stderr as it
 * is measured; written to the output file at the end.
 */
final class ResultTable {
  private final List<String> rows = new ArrayList<>();

  /** A line of progress on stderr. */
  static void progress(String text) {
    System.err.println("[bench] " + text);
  }

  void row(String part, String figure, String median, String spread, String target) {
    rows.add(
        "| " + part + " | " + figure + " | " + median + " | " + spread + " | " + target + " |");
    progress(part + ": " + figure + " = " + median + " (" + spread + "), target " + target);
  }

  void write(Path out) throws IOException {
    Files.write(out, rows);
  }
}
