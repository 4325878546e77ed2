package dev.spirekms.bench;

import static dev.spirekms.bench.Cells.ms;
import static dev.spirekms.bench.Cells.verdict;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code many-keys} part: Configure of a server with many keys against a KMS that takes 20 ms
 * per call, without a rate limit and with one its calls exceed, and the KMS calls it made.
 */
final class ManyKeysBench {
  private final BenchRun run;

  ManyKeysBench(BenchRun run) {
    this.run = run;
  }

  void run() throws Exception {
    int keys = run.smoke() ? 20 : 200;
    int runs = run.smoke() ? 1 : 3;
    KmsModel model = KmsModel.create();
    try (LocalKmsServer fast = LocalKmsServer.start(model, 0, Duration.ZERO);
        LocalKmsServer slow = LocalKmsServer.start(model, 0, Duration.ofMillis(20))) {
      try (BenchPlugin seed = BenchPlugin.start(run.launch(run.firstJdk(), "off"))) {
        seed.init();
        seed.configure(BenchPlugin.pluginData(run.temp(), fast.endpoint(), "many-id", ""));
        for (int i = 0; i < keys; i++) {
          seed.generate(String.format(Locale.ROOT, "key-%03d", i));
        }
      }
      Map<String, String> variants = new LinkedHashMap<>();
      variants.put("no rate limit", "");
      // a limit the calls of this Configure exceed (one second's worth goes at once)
      int rps = keys / 4;
      String limitSetting = "kms_control_plane_rps = " + rps;
      variants.put(limitSetting, limitSetting + "\n");
      Map<String, Samples> times = new LinkedHashMap<>();
      Map<String, Integer> calls = new LinkedHashMap<>();
      Map<String, Integer> pages = new LinkedHashMap<>();
      variants.keySet().forEach(v -> times.put(v, new Samples()));
      for (int r = 0; r < runs; r++) {
        for (Map.Entry<String, String> v : variants.entrySet()) {
          try (BenchPlugin plugin = BenchPlugin.start(run.launch(run.firstJdk(), "off"))) {
            plugin.init();
            model.clearCalls();
            long start = System.nanoTime();
            plugin.configure(
                BenchPlugin.pluginData(run.temp(), slow.endpoint(), "many-id", v.getValue()));
            times.get(v.getKey()).add(System.nanoTime() - start);
            calls.put(v.getKey(), model.calls().size());
            pages.put(v.getKey(), model.callCount("ListAliases"));
          }
        }
      }
      for (String v : variants.keySet()) {
        Samples t = times.get(v);
        int allowed = pages.get(v) + keys;
        double seconds = t.medianMillis() / 1000;
        boolean limited = !v.equals("no rate limit");
        run.row(
            "many keys",
            "Configure, " + keys + " keys, 20 ms per KMS call, " + v,
            ms(t.medianMillis()),
            t.spreadMillis() + " ms",
            limited
                ? "calls beyond the first second's " + (keys / 4) + " paced"
                : "≤ 1 s: " + verdict(t.medianMillis() <= 1000));
        run.row(
            "many keys",
            "KMS calls during that Configure (ListAliases pages), " + v,
            calls.get(v)
                + " ("
                + pages.get(v)
                + "), "
                + Samples.format(calls.get(v) / seconds)
                + " calls/s",
            "last run",
            "≤ pages + " + keys + " = " + allowed + ": " + verdict(calls.get(v) <= allowed));
      }
    }
  }
}
