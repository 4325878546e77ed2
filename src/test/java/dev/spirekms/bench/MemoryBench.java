package dev.spirekms.bench;

import static dev.spirekms.bench.Cells.mib;
import static dev.spirekms.bench.Cells.ratio;
import static dev.spirekms.bench.Cells.verdict;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code memory} part: resident memory of plugins with 10 keys, side by side: after Configure,
 * then the peak after the 16-way SignData load (with each one's rate, so that a saving that costs
 * speed shows).
 */
final class MemoryBench {
  /** Launcher JVM option variants whose memory is compared: name, extra options. */
  private static final Map<String, String> VARIANTS = variants();

  private final BenchRun run;

  MemoryBench(BenchRun run) {
    this.run = run;
  }

  private static Map<String, String> variants() {
    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("launcher defaults", "");
    String extra = System.getenv("BENCH_MEMORY_VARIANTS");
    if (extra != null) {
      // name=options;name=options, for experiments
      for (String variant : extra.split(";")) {
        String[] named = variant.split("=", 2);
        variants.put(named[0], named[1]);
      }
    } else {
      variants.put("initial heap 128 MiB (as before)", "-Xms128m");
      variants.put("G1 instead of Serial GC", "-XX:-UseSerialGC -XX:+UseG1GC");
    }
    return variants;
  }

  void run() throws Exception {
    long loadMillis = run.smoke() ? 300 : 4000;
    KmsModel model = KmsModel.create();
    try (LocalKmsServer kms = LocalKmsServer.start(model, 0, Duration.ZERO)) {
      String data = BenchPlugin.pluginData(run.temp(), kms.endpoint(), "memory-id", "");
      try (BenchPlugin seed = BenchPlugin.start(run.launch(run.firstJdk(), "off"))) {
        seed.init();
        seed.configure(data);
        for (int i = 0; i < 10; i++) {
          seed.generate("mem-" + i);
        }
      }
      Map<String, BenchPlugin> plugins = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, String> v : VARIANTS.entrySet()) {
          BenchPlugin plugin =
              BenchPlugin.start(run.launch(run.firstJdk(), "off").withJavaOpts(v.getValue()));
          plugins.put(v.getKey(), plugin);
          plugin.init();
          plugin.configure(data);
        }
        Thread.sleep(1000);
        Map<String, Long> rss = new LinkedHashMap<>();
        for (Map.Entry<String, BenchPlugin> p : plugins.entrySet()) {
          rss.put(p.getKey(), p.getValue().statusKib("VmRSS"));
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        for (Map.Entry<String, BenchPlugin> p : plugins.entrySet()) {
          BenchPlugin plugin = p.getValue();
          rates.put(p.getKey(), SignLoad.throughput(() -> plugin.sign("mem-0"), 16, loadMillis));
        }
        long baseRss = rss.get("launcher defaults");
        long basePeak = plugins.get("launcher defaults").statusKib("VmHWM");
        for (Map.Entry<String, BenchPlugin> p : plugins.entrySet()) {
          String name = p.getKey();
          long peak = p.getValue().statusKib("VmHWM");
          boolean defaults = name.equals("launcher defaults");
          run.row(
              "memory",
              "RSS after Configure with 10 keys, " + name,
              mib(rss.get(name)),
              defaults ? "one process" : "ratio to defaults " + ratio(rss.get(name), baseRss),
              defaults ? "≤ 80 MiB: " + verdict(rss.get(name) <= 80 * 1024) : "");
          run.row(
              "memory",
              "peak RSS (VmHWM) after 16-way SignData on that plugin, " + name,
              mib(peak) + " at " + Samples.format(rates.get(name)) + " /s",
              defaults ? "one process" : "ratio to defaults " + ratio(peak, basePeak),
              defaults ? "≤ 100 MiB: " + verdict(peak <= 100 * 1024) : "");
        }
      } finally {
        plugins.values().forEach(BenchPlugin::close);
      }
    }
  }
}
