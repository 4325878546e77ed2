package dev.spirekms.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Go's {@code time.ParseDuration} reads them ({@code 336h}, {@code 90m},
 * {@code 1h30m}, {@code 1.5h}, {@code 3600s}, {@code 250ms}, {@code 0}), plus a whole-days form
 * ({@code 14d}) that Go lacks.
 */
final class GoDuration {

  private static final Pattern WHOLE_DAYS = Pattern.compile("(\\d{1,9})d");
  private static final Pattern PART =
      Pattern.compile("(\\d*)(?:\\.(\\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L,
          "\u03bcs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);
  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  private GoDuration() {}

  /** The duration {@code text} stands for, or empty when it is not a valid duration. */
  static Optional<Duration> parse(String text) {
    Matcher days = WHOLE_DAYS.matcher(text);
    if (days.matches()) {
      return Optional.of(Duration.ofDays(Long.parseLong(days.group(1))));
    }
    String rest = text;
    boolean negative = false;
    if (rest.startsWith("-") || rest.startsWith("+")) {
      negative = rest.charAt(0) == '-';
      rest = rest.substring(1);
    }
    if (rest.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher part = PART.matcher(rest);
    int at = 0;
    while (at < rest.length()) {
      if (!part.find(at) || part.start() != at) {
        return Optional.empty();
      }
      String whole = part.group(1);
      String fraction = part.group(2) == null ? "" : part.group(2);
      if (whole.isEmpty() && fraction.isEmpty()) {
        return Optional.empty();
      }
      BigDecimal amount = new BigDecimal((whole.isEmpty() ? "0" : whole) + "." + fraction + "0");
      nanos = nanos.add(amount.multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(part.group(3)))));
      at = part.end();
    }
    BigInteger total = nanos.toBigInteger();
    if (total.compareTo(MAX_NANOS) > 0) {
      return Optional.empty();
    }
    long n = total.longValueExact();
    return Optional.of(Duration.ofNanos(negative ? -n : n));
  }

  /**
   * Writes a duration in Go's style without zero parts: {@code 336h}, {@code 1h30m}, {@code 90s}.
   */
  static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    Duration rest = d;
    if (rest.isNegative()) {
      out.append('-');
      rest = rest.negated();
    }
    long hours = rest.toHours();
    int minutes = rest.toMinutesPart();
    int seconds = rest.toSecondsPart();
    int nanos = rest.toNanosPart();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (seconds > 0 || nanos > 0) {
      out.append(seconds);
      if (nanos > 0) {
        out.append('.').append(String.format("%09d", nanos).replaceAll("0+$", ""));
      }
      out.append('s');
    }
    return out.toString();
  }
}
