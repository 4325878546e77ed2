package dev.spirekms.lifecycle;

import java.time.Duration;
import java.time.Instant;

/** Ages for log lines, such as {@code 15d3h} or {@code 2m5s}. */
public final class Ages {
  private Ages() {}

  public static Duration between(Instant then, Instant now) {
    return then == null ? Duration.ZERO : Duration.between(then, now);
  }

  /** The two largest units, rounded down; negative ages (clock skew) show as 0s. */
  public static String format(Duration age) {
    long seconds = Math.max(0, age.getSeconds());
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3_600;
    long minutes = seconds % 3_600 / 60;
    long secs = seconds % 60;
    if (days > 0) {
      return days + "d" + hours + "h";
    }
    if (hours > 0) {
      return hours + "h" + minutes + "m";
    }
    if (minutes > 0) {
      return minutes + "m" + secs + "s";
    }
    return secs + "s";
  }
}
