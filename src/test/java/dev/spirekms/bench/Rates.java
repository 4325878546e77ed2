package dev.spirekms.bench;

import java.util.ArrayList;
import java.util.List;

/** Rates (calls per second) of repeated rounds: their median and their spread. */
final class Rates {
  private Rates() {}

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** "min–max /s". */
  static String spread(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return Samples.format(sorted.get(0))
        + "–"
        + Samples.format(sorted.get(sorted.size() - 1))
        + " /s";
  }
}
