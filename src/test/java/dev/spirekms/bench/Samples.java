package dev.spirekms.bench;

import java.util.Arrays;
import java.util.Locale;

/** Durations in nanoseconds, and the order statistics the benchmark reports. */
final class Samples {
  private long[] values = new long[64];
  private int size;

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  void addAll(Samples other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  int size() {
    return size;
  }

  /** The {@code p}-th percentile (0 to 100), nearest rank, in milliseconds. */
  double percentileMillis(double p) {
    if (size == 0) {
      throw new IllegalStateException("no samples");
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
  }

  double medianMillis() {
    return percentileMillis(50);
  }

  /** "min–max" in milliseconds. */
  String spreadMillis() {
    return format(percentileMillis(0)) + "–" + format(percentileMillis(100));
  }

  static String format(double value) {
    if (value >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (value >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
