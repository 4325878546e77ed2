package dev.spirekms.bench;

import java.util.Locale;

/** The text of the results table's cells: durations, sizes, ratios and verdicts. */
final class Cells {
  private Cells() {}

  static String ms(double value) {
    return Samples.format(value) + " ms";
  }

  static String verdict(boolean met) {
    return met ? "met" : "**not met**";
  }

  static String mib(long kib) {
    return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
  }

  static String ratio(double a, double b) {
    return String.format(Locale.ROOT, "%.2f×", a / b);
  }
}
