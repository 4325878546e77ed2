package dev.spirekms.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * SPIRE server with our plugin and with its built-in {@code aws_kms}, side by side on one local
 * KMS, for {@code src/bench/run-all.sh}: the time from {@code spire-server run} to a passing {@code
 * healthcheck}, and X509-SVIDs minted per second with {@code spire-server x509 mint} (each one
 * signed by the CA key through the KeyManager). Appends Markdown table rows to the output file. Not
 * a test: it runs only when the script starts it.
 *
 * <p>Usage: {@code SpireSideBySide --dist DIR --out FILE [--smoke]}
 */
public final class SpireSideBySide {
  private static final String SVID = "spiffe://example.org/bench/workload";
  private static final int MINT_CALLERS = 4;

  private SpireSideBySide() {}

  public static void main(String[] args) throws Exception {
    // SpireServer runs the binaries from each server's own directory: the path must be absolute
    System.setProperty(
        "spire.dir",
        Path.of(System.getProperty("spire.dir", "target-spire")).toAbsolutePath().toString());
    Path out = null;
    boolean smoke = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dist" ->
            System.setProperty("dist.dir", Path.of(args[++i]).toAbsolutePath().toString());
        case "--out" -> out = Path.of(args[++i]);
        case "--smoke" -> smoke = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null || System.getProperty("dist.dir") == null) {
      System.err.println("usage: SpireSideBySide --dist DIR --out FILE [--smoke]");
      System.exit(2);
    }
    List<String> rows = new ArrayList<>();
    if (!Files.isExecutable(SpireBinaries.DIR.resolve("bin/spire-server"))) {
      rows.add(
          "| SPIRE | side by side with the built-in aws_kms | not measured | | SPIRE binaries not"
              + " built (src/it/spire/build.sh) |");
    } else {
      rows.addAll(measure(smoke));
    }
    Files.write(out, rows, java.nio.file.StandardOpenOption.APPEND);
    System.exit(0);
  }

  private static List<String> measure(boolean smoke) throws Exception {
    int runs = smoke ? 1 : 5;
    long mintMillis = smoke ? 1500 : 10_000;
    Path dir = Files.createTempDirectory("spire-bench");
    Map<String, double[]> healthy = new LinkedHashMap<>();
    Map<String, double[]> mints = new LinkedHashMap<>();
    try (SpireTestBed bed = new SpireTestBed(dir)) {
      Files.writeString(
          dir.resolve("key-policy.json"), "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
      Map<String, SpireServer> servers = new LinkedHashMap<>();
      SpireServer ours = new SpireServer(bed.spire, dir.resolve("ours"), bed.env());
      ours.configure(
          bed.ourKeyManager(
              """
              region = "%s"
              key_identifier_file = "%s"
              key_policy_file = "%s"
              endpoint = "%s"
              """
                  .formatted(
                      SpireTestBed.REGION,
                      dir.resolve("ours-server-id"),
                      dir.resolve("key-policy.json"),
                      bed.kms.endpoint())));
      SpireServer builtIn = new SpireServer(bed.spire, dir.resolve("built-in"), bed.env());
      builtIn.configure(
          """
          KeyManager "aws_kms" {
            plugin_data {
              region = "%s"
              key_identifier_file = "%s"
              key_policy_file = "%s"
            }
          }
          """
              .formatted(
                  SpireTestBed.REGION,
                  dir.resolve("built-in-server-id"),
                  dir.resolve("key-policy.json")));
      servers.put("ours", ours);
      servers.put("built-in aws_kms", builtIn);
      for (Map.Entry<String, SpireServer> s : servers.entrySet()) {
        progress("first start (keys made) with " + s.getKey());
        s.getValue().start();
        s.getValue().stop();
        healthy.put(s.getKey(), new double[runs]);
        mints.put(s.getKey(), new double[runs]);
      }
      for (int r = 0; r < runs; r++) {
        for (Map.Entry<String, SpireServer> s : servers.entrySet()) {
          SpireServer server = s.getValue();
          long start = System.nanoTime();
          server.launch();
          awaitHealthy(server);
          healthy.get(s.getKey())[r] = (System.nanoTime() - start) / 1e6;
          mints.get(s.getKey())[r] = mintRate(server, dir, mintMillis);
          server.stop();
        }
      }
      int keys = bed.model().keys().size();
      progress("keys in the local KMS: " + keys);
    }
    List<String> rows = new ArrayList<>();
    double oursHealthy = median(healthy.get("ours"));
    double builtInHealthy = median(healthy.get("built-in aws_kms"));
    double oursMints = median(mints.get("ours"));
    double builtInMints = median(mints.get("built-in aws_kms"));
    for (String name : healthy.keySet()) {
      rows.add(
          row(
              "`spire-server run` → healthcheck passes, " + name + " (local KMS floor 3 ms)",
              format(median(healthy.get(name))) + " ms",
              spread(healthy.get(name)) + " ms",
              name.equals("ours") ? "" : "reference"));
      rows.add(
          row(
              "X509-SVIDs minted per second, " + MINT_CALLERS + " `x509 mint` callers, " + name,
              format(median(mints.get(name))) + " /s",
              spread(mints.get(name)) + " /s",
              name.equals("ours") ? "" : "reference"));
    }
    double healthyRatio = oursHealthy / builtInHealthy;
    double mintRatio = oursMints / builtInMints;
    rows.add(
        row(
            "time to healthy, ours / built-in",
            String.format(Locale.ROOT, "%.2f×", healthyRatio),
            "",
            "≤ 1.2×: " + (healthyRatio <= 1.2 ? "met" : "**not met**")));
    rows.add(
        row(
            "minting rate, ours / built-in",
            String.format(Locale.ROOT, "%.2f×", mintRatio),
            "",
            "≥ 0.9×: " + (mintRatio >= 0.9 ? "met" : "**not met**")));
    return rows;
  }

  private static void awaitHealthy(SpireServer server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (server.cli("healthcheck").exitCode() == 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IOException("spire-server was not healthy within 90 s; see " + server.log());
  }

  /** X509-SVIDs per second from {@value #MINT_CALLERS} callers minting back to back. */
  private static double mintRate(SpireServer server, Path dir, long millis) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(MINT_CALLERS);
    try {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      long start = System.nanoTime();
      List<Future<Integer>> callers = new ArrayList<>();
      for (int i = 0; i < MINT_CALLERS; i++) {
        callers.add(
            pool.submit(
                () -> {
                  int minted = 0;
                  while (System.nanoTime() < end) {
                    server.cli("x509 mint", "-spiffeID", SVID).requireSuccess();
                    minted++;
                  }
                  return minted;
                }));
      }
      int total = 0;
      for (Future<Integer> caller : callers) {
        total += caller.get();
      }
      return total * 1e9 / (System.nanoTime() - start);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void progress(String text) {
    System.err.println("[bench] SPIRE: " + text);
  }

  private static String row(String figure, String median, String spread, String target) {
    String line = "| SPIRE | " + figure + " | " + median + " | " + spread + " | " + target + " |";
    progress(line);
    return line;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String spread(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return format(sorted[0]) + "–" + format(sorted[sorted.length - 1]);
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
  }
}
