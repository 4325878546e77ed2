package dev.spirekms.bench;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The report of {@code src/bench/soak.sh}: what a {@link Soak.Result} measured, line by line. */
final class SoakReport {
  private SoakReport() {}

  static void print(Soak.Result r, PrintStream out) {
    out.println();
    out.println("requests (SignData): " + r.requests());
    out.println("SignData by code:    " + r.codes());
    out.printf(
        "SignData latency:    p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        r.p50Millis(), r.p99Millis(), r.maxMillis());
    out.println("rotations:           " + r.rotations() + " " + r.rotationCodes());
    out.println("faults injected:     " + r.faultsInjected().size() + " " + countsOf(r));
    out.println("process over time (seconds: RSS KiB / threads / fds):");
    for (Soak.Sample s : r.samples()) {
      out.printf("  %5d: %7d / %3d / %3d%n", s.atSeconds(), s.rssKib(), s.threads(), s.fds());
    }
    out.println("open fds at the end: " + r.fdsAtEnd());
    out.println("keys by state:       " + r.keysByState());
    out.println("SPIRE aliases:       " + r.aliases());
    out.println("leaked keys:         " + r.leaked());
    out.println("key ids lost:        " + r.lostAliases());
    out.println("unexpected codes:    " + r.unexpectedCodes());
  }

  private static Map<String, Long> countsOf(Soak.Result r) {
    return r.faultsInjected().stream()
        .collect(Collectors.groupingBy(f -> f, TreeMap::new, Collectors.counting()));
  }
}
