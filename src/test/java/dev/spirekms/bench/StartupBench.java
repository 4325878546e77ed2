package dev.spirekms.bench;

import static dev.spirekms.bench.Cells.ms;
import static dev.spirekms.bench.Cells.ratio;
import static dev.spirekms.bench.Cells.verdict;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code startup} part: start to ready (handshake line, Init, first Configure with 4 keys, and
 * the Configure RPC alone), on every JDK given, with a trained class-data archive and without.
 */
final class StartupBench {
  private final BenchRun run;
  private long lastConfigureNanos;

  StartupBench(BenchRun run) {
    this.run = run;
  }

  void run() throws Exception {
    int runs = run.smoke() ? 2 : 10;
    KmsModel model = KmsModel.create();
    try (LocalKmsServer kms = LocalKmsServer.start(model, 0, Duration.ZERO)) {
      String data = BenchPlugin.pluginData(run.temp(), kms.endpoint(), "startup-id", "");
      try (BenchPlugin seed = BenchPlugin.start(run.launch(run.firstJdk(), "off"))) {
        seed.init();
        seed.configure(data);
        for (String key : List.of("x509-CA-A", "x509-CA-B", "JWT-Signer-A", "JWT-Signer-B")) {
          seed.generate(key);
        }
      }
      Map<String, BenchPlugin.Launch> cases = new LinkedHashMap<>();
      for (String jdk : run.jdkNames()) {
        Path cache = run.temp().resolve("cache-" + jdk.replaceAll("[^A-Za-z0-9]", ""));
        cases.put(jdk + ", archive trained", run.launch(jdk, cache.toString()));
        cases.put(jdk + ", no archive", run.launch(jdk, "off"));
      }
      for (Map.Entry<String, BenchPlugin.Launch> c : cases.entrySet()) {
        // the first start with a cache directory trains the archive in the background
        startOnce(c.getValue(), data, null, null, null);
        if (!"off".equals(c.getValue().cacheDir())) {
          awaitArchive(Path.of(c.getValue().cacheDir()));
        }
        startOnce(c.getValue(), data, null, null, null);
      }
      Map<String, Samples[]> results = new LinkedHashMap<>();
      cases
          .keySet()
          .forEach(
              k ->
                  results.put(
                      k,
                      new Samples[] {new Samples(), new Samples(), new Samples(), new Samples()}));
      for (int i = 0; i < runs; i++) {
        for (Map.Entry<String, BenchPlugin.Launch> c : cases.entrySet()) {
          Samples[] s = results.get(c.getKey());
          startOnce(c.getValue(), data, s[0], s[1], s[2]);
          s[3].add(lastConfigureNanos);
        }
      }
      Samples reference = null;
      for (Map.Entry<String, Samples[]> r : results.entrySet()) {
        Samples[] s = r.getValue();
        boolean primary = r.getKey().equals(run.firstJdk() + ", archive trained");
        if (reference == null) {
          reference = s[1];
        }
        String vsRef =
            "ratio to "
                + results.keySet().iterator().next()
                + " "
                + ratio(s[1].medianMillis(), reference.medianMillis());
        run.row(
            "start-up",
            "start → handshake line, " + r.getKey(),
            ms(s[0].medianMillis()),
            s[0].spreadMillis() + " ms",
            primary ? "≤ 120 ms: " + verdict(s[0].medianMillis() <= 120) : "");
        run.row(
            "start-up",
            "start → Init answered, " + r.getKey(),
            ms(s[1].medianMillis()),
            s[1].spreadMillis() + " ms; " + vsRef,
            primary ? "≤ 180 ms: " + verdict(s[1].medianMillis() <= 180) : "");
        run.row(
            "start-up",
            "start → first Configure answered (4 keys), " + r.getKey(),
            ms(s[2].medianMillis()),
            s[2].spreadMillis() + " ms",
            "");
        run.row(
            "start-up",
            "Configure RPC alone, 4 keys, " + r.getKey(),
            ms(s[3].medianMillis()),
            s[3].spreadMillis() + " ms",
            primary ? "≤ 120 ms: " + verdict(s[3].medianMillis() <= 120) : "");
      }
    }
  }

  private void startOnce(
      BenchPlugin.Launch launch, String data, Samples handshake, Samples init, Samples configured)
      throws IOException {
    try (BenchPlugin plugin = BenchPlugin.start(launch)) {
      plugin.init();
      long initDone = System.nanoTime();
      plugin.configure(data);
      long configureDone = System.nanoTime();
      lastConfigureNanos = configureDone - initDone;
      if (handshake != null) {
        handshake.add(plugin.handshakeNanos - plugin.startNanos);
        init.add(initDone - plugin.startNanos);
        configured.add(configureDone - plugin.startNanos);
      }
    }
  }

  private static void awaitArchive(Path cache) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(cache)) {
        try (var files = Files.list(cache)) {
          if (files.anyMatch(f -> f.toString().endsWith(".jsa") || f.toString().endsWith(".aot"))) {
            return;
          }
        }
      }
      Thread.sleep(200);
    }
    throw new IOException("no class-data archive was trained in " + cache);
  }
}
