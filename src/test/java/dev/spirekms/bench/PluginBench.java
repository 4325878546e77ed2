package dev.spirekms.bench;

import dev.spirekms.aws.AwsClients;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * The benchmarks of {@code docs/performance.md}, for {@code src/bench/run-all.sh}: the packaged
 * launcher started as SPIRE starts it, against local KMS servers in this JVM. Writes one Markdown
 * table row per figure to the output file. Not a unit test: it runs only when the script starts it.
 *
 * <p>Usage: {@code PluginBench --dist DIR --out FILE --jdk NAME=JAVA_HOME... [--smoke] [--parts
 * signing,startup,many-keys,memory]}
 */
public final class PluginBench {
  private final Path dist;
  private final Map<String, Path> jdks;
  private final boolean smoke;
  private final Path temp;
  private final List<String> rows = new ArrayList<>();

  private PluginBench(Path dist, Map<String, Path> jdks, boolean smoke, Path temp) {
    this.dist = dist;
    this.jdks = jdks;
    this.smoke = smoke;
    this.temp = temp;
  }

  public static void main(String[] args) throws Exception {
    Path dist = null;
    Path out = null;
    boolean smoke = false;
    Map<String, Path> jdks = new LinkedHashMap<>();
    Set<String> parts = new HashSet<>(List.of("signing", "startup", "many-keys", "memory"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dist" -> dist = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--smoke" -> smoke = true;
        case "--parts" -> parts = new HashSet<>(List.of(args[++i].split(",")));
        case "--jdk" -> {
          String[] named = args[++i].split("=", 2);
          jdks.put(named[0], Path.of(named[1]));
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dist == null || out == null || jdks.isEmpty()) {
      System.err.println("usage: PluginBench --dist DIR --out FILE --jdk NAME=HOME... [--smoke]");
      System.exit(2);
    }
    Path temp = Files.createTempDirectory("plugin-bench");
    PluginBench bench = new PluginBench(dist, jdks, smoke, temp);
    if (parts.contains("signing")) {
      bench.signing();
    }
    if (parts.contains("startup")) {
      bench.startup();
    }
    if (parts.contains("many-keys")) {
      bench.manyKeys();
    }
    if (parts.contains("memory")) {
      bench.memory();
    }
    Files.write(out, bench.rows);
    System.exit(0);
  }

  private static void progress(String text) {
    System.err.println("[bench] " + text);
  }

  private void row(String part, String figure, String median, String spread, String target) {
    rows.add(
        "| " + part + " | " + figure + " | " + median + " | " + spread + " | " + target + " |");
    progress(part + ": " + figure + " = " + median + " (" + spread + "), target " + target);
  }

  private static String ms(double value) {
    return Samples.format(value) + " ms";
  }

  private static String verdict(boolean met) {
    return met ? "met" : "**not met**";
  }

  private BenchPlugin.Launch launch(String jdk, String cacheDir) {
    return new BenchPlugin.Launch(dist, jdks.get(jdk), cacheDir, "", temp);
  }

  private String firstJdk() {
    return jdks.keySet().iterator().next();
  }

  // --- SignData overhead, JIT choice, head-of-line blocking, peak memory -------------------------

  /** Launcher JVM option variants compared side by side: name, extra options. */
  private static final Map<String, String> VARIANTS =
      Map.of(
          "launcher defaults",
          "",
          "full tiered JIT (C2)",
          "-XX:TieredStopAtLevel=4",
          "32 kept-alive connections",
          "-Dhttp.maxConnections=32");

  private void signing() throws Exception {
    int warm = smoke ? 50 : 2000;
    int perBlock = smoke ? 20 : 200;
    int blocks = smoke ? 2 : 6;
    long concurrentMillis = smoke ? 300 : 3000;
    int rounds = smoke ? 1 : 3;
    KmsModel model = KmsModel.create();
    try (LocalKmsServer kms = LocalKmsServer.start(model, 0, Duration.ZERO);
        AwsClients direct =
            AwsClients.create(
                new AwsSettings(
                    "us-east-2",
                    Optional.of(kms.endpoint()),
                    Optional.of(new AwsSettings.StaticCredentials("AKIDBENCH", "bench-secret")),
                    "spire-aws-kms-keymanager/bench"))) {
      Map<String, BenchPlugin> plugins = new LinkedHashMap<>();
      List<String> names =
          List.of("launcher defaults", "full tiered JIT (C2)", "32 kept-alive connections");
      String keyArn = null;
      try {
        for (String name : names) {
          // BENCH_PLUGIN_JAVA_OPTS (e.g. a flight recording) goes to every plugin measured
          String opts =
              (VARIANTS.get(name)
                      + " "
                      + System.getenv().getOrDefault("BENCH_PLUGIN_JAVA_OPTS", ""))
                  .strip();
          BenchPlugin plugin = BenchPlugin.start(launch(firstJdk(), "off").withJavaOpts(opts));
          plugins.put(name, plugin);
          plugin.init();
          plugin.configure(
              BenchPlugin.pluginData(temp, kms.endpoint(), "sign-" + plugins.size(), ""));
          Set<String> before = arns(model);
          plugin.generate("bench-A");
          plugin.generate("bench-B");
          plugin.generate("bench-rotated");
          if (keyArn == null) {
            Set<String> created = arns(model);
            created.removeAll(before);
            // the first of the three keys made: bench-A of the first plugin
            keyArn =
                model.keys().stream()
                    .filter(k -> created.contains(k.arn()))
                    .sorted((a, b) -> a.creationDate().compareTo(b.creationDate()))
                    .findFirst()
                    .orElseThrow()
                    .arn();
          }
        }
        KmsClient client = direct.kms();
        String arn = keyArn;
        Map<String, SignLoad.Signer> paths = new LinkedHashMap<>();
        paths.put("direct SDK client", () -> directSign(client, arn));
        for (String name : names) {
          BenchPlugin plugin = plugins.get(name);
          paths.put("plugin, " + name, () -> plugin.sign("bench-A"));
        }
        progress("warming up " + paths.keySet());
        for (SignLoad.Signer signer : paths.values()) {
          SignLoad.sequential(signer, warm);
          SignLoad.throughput(signer, 16, concurrentMillis / 3);
        }
        Map<String, Samples> latency = new LinkedHashMap<>();
        paths.keySet().forEach(p -> latency.put(p, new Samples()));
        for (int b = 0; b < blocks; b++) {
          for (Map.Entry<String, SignLoad.Signer> path : paths.entrySet()) {
            latency.get(path.getKey()).addAll(SignLoad.sequential(path.getValue(), perBlock));
          }
        }
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        paths.keySet().forEach(p -> rates.put(p, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
          for (Map.Entry<String, SignLoad.Signer> path : paths.entrySet()) {
            rates
                .get(path.getKey())
                .add(SignLoad.throughput(path.getValue(), 16, concurrentMillis));
          }
        }
        reportSigning(latency, rates);
        headOfLine(plugins.get(names.get(0)), client, perBlock, blocks);
        if (System.getenv("BENCH_NMT") != null) {
          // with BENCH_PLUGIN_JAVA_OPTS=-XX:NativeMemoryTracking=summary: where the memory went
          for (BenchPlugin plugin : plugins.values()) {
            new ProcessBuilder(
                    jdks.get(firstJdk()).resolve("bin/jcmd").toString(),
                    Long.toString(plugin.pid()),
                    "VM.native_memory",
                    "summary")
                .inheritIO()
                .start()
                .waitFor();
          }
        }
      } finally {
        plugins.values().forEach(BenchPlugin::close);
      }
    }
  }

  private static Set<String> arns(KmsModel model) {
    Set<String> arns = new HashSet<>();
    for (KeyMetadata key : model.keys()) {
      arns.add(key.arn());
    }
    return arns;
  }

  private static void directSign(KmsClient client, String arn) {
    SdkBytes signature =
        client
            .sign(
                b ->
                    b.keyId(arn)
                        .message(SdkBytes.fromByteArrayUnsafe(BenchPlugin.DIGEST))
                        .messageType(MessageType.DIGEST)
                        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
            .signature();
    if (signature.asByteArray().length == 0) {
      throw new IllegalStateException("Sign answered without a signature");
    }
  }

  private void reportSigning(Map<String, Samples> latency, Map<String, List<Double>> rates) {
    String directName = "direct SDK client";
    Samples direct = latency.get(directName);
    double directRate = median(rates.get(directName));
    row(
        "SignData",
        "sequential p50 / p99, " + directName + " (local KMS, floor 0)",
        ms(direct.medianMillis()) + " / " + ms(direct.percentileMillis(99)),
        direct.spreadMillis() + " ms",
        "reference");
    row(
        "SignData",
        "16 callers, " + directName,
        Samples.format(directRate) + " /s",
        spread(rates.get(directName)),
        "reference");
    String defaults = null;
    for (Map.Entry<String, Samples> path : latency.entrySet()) {
      if (path.getKey().equals(directName)) {
        continue;
      }
      Samples s = path.getValue();
      double addedP50 = s.medianMillis() - direct.medianMillis();
      double addedP99 = s.percentileMillis(99) - direct.percentileMillis(99);
      double rate = median(rates.get(path.getKey()));
      row(
          "SignData",
          "sequential p50 / p99, " + path.getKey(),
          ms(s.medianMillis()) + " / " + ms(s.percentileMillis(99)),
          s.spreadMillis() + " ms",
          "p50 ≤ 0.7 ms: " + verdict(s.medianMillis() <= 0.7));
      row(
          "SignData",
          "added latency p50 / p99, " + path.getKey(),
          ms(addedP50) + " / " + ms(addedP99),
          "p50 ratio " + ratio(s.medianMillis(), direct.medianMillis()),
          "≤ 0.5 / ≤ 1.5 ms: " + verdict(addedP50 <= 0.5 && addedP99 <= 1.5));
      row(
          "SignData",
          "16 callers, " + path.getKey(),
          Samples.format(rate) + " /s",
          spread(rates.get(path.getKey())),
          "≥ 4,000 /s: " + verdict(rate >= 4000));
      row(
          "SignData",
          "16 callers, ratio " + path.getKey() + " / direct",
          ratio(rate, directRate),
          "",
          "≥ 0.7×: " + verdict(rate / directRate >= 0.7));
      if (defaults == null) {
        defaults = path.getKey();
      } else {
        Samples d = latency.get(defaults);
        row(
            "launcher flags",
            path.getKey() + " / " + defaults + ": p50, p99, 16-caller rate",
            ratio(s.medianMillis(), d.medianMillis())
                + ", "
                + ratio(s.percentileMillis(99), d.percentileMillis(99))
                + ", "
                + ratio(rate, median(rates.get(defaults))),
            "",
            path.getKey().contains("C2")
                ? "decides the launcher's JIT"
                : "whether more idle KMS connections than the JDK's 5 pay");
      }
    }
  }

  /**
   * SignData on key B while key A is rotated back to back through the plugin, against SignData with
   * no rotation, and against SignData while the same KMS does the rotation's heaviest work
   * (CreateKey, GetPublicKey) for a direct client: on a small machine the rotation competes for the
   * CPU, and the control tells that apart from signing waiting on the rotation.
   */
  private void headOfLine(BenchPlugin plugin, KmsClient direct, int perBlock, int blocks)
      throws Exception {
    Samples quiet = new Samples();
    Samples rotating = new Samples();
    Samples control = new Samples();
    int rotations = 0;
    SignLoad.Signer signB = () -> plugin.sign("bench-B");
    for (int b = 0; b < blocks; b++) {
      quiet.addAll(SignLoad.sequential(signB, perBlock));
      rotations += whileLooping(() -> plugin.generate("bench-rotated"), signB, perBlock, rotating);
      whileLooping(
          () -> {
            String keyId =
                direct
                    .createKey(
                        k -> k.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                    .keyMetadata()
                    .keyId();
            direct.getPublicKey(k -> k.keyId(keyId));
          },
          signB,
          perBlock,
          control);
    }
    double ratio = rotating.percentileMillis(99) / quiet.percentileMillis(99);
    double controlRatio = control.percentileMillis(99) / quiet.percentileMillis(99);
    row(
        "head-of-line",
        "SignData p99 on key B, without / with key A rotated in a loop ("
            + rotations
            + " rotations)",
        ms(quiet.percentileMillis(99)) + " / " + ms(rotating.percentileMillis(99)),
        "ratio " + String.format(Locale.ROOT, "%.2f×", ratio),
        "≤ 1.1×: " + verdict(ratio <= 1.1));
    row(
        "head-of-line",
        "control: SignData p99 on key B while a direct client makes keys in the same KMS",
        ms(control.percentileMillis(99)),
        "ratio to without " + String.format(Locale.ROOT, "%.2f×", controlRatio),
        "CPU contention alone");
  }

  /** Signs {@code count} times into {@code into} while {@code loop} runs back to back. */
  private static int whileLooping(
      SignLoad.Signer loop, SignLoad.Signer signer, int count, Samples into) throws Exception {
    Rotator rotator = new Rotator(loop);
    rotator.start();
    try {
      into.addAll(SignLoad.sequential(signer, count));
    } finally {
      rotator.stop = true;
    }
    return rotator.finish();
  }

  /** Runs one action back to back until told to stop. */
  private static final class Rotator extends Thread {
    private final SignLoad.Signer action;
    volatile boolean stop;
    private volatile Exception failure;
    private int count;

    Rotator(SignLoad.Signer action) {
      super("bench-rotator");
      setDaemon(true);
      this.action = action;
    }

    @Override
    public void run() {
      try {
        while (!stop) {
          action.sign();
          count++;
        }
      } catch (Exception e) {
        failure = e;
      }
    }

    int finish() throws Exception {
      stop = true;
      join();
      if (failure != null) {
        throw failure;
      }
      return count;
    }
  }

  // --- start-up to ready
  // ---------------------------------------------------------------------------

  private void startup() throws Exception {
    int runs = smoke ? 2 : 10;
    KmsModel model = KmsModel.create();
    try (LocalKmsServer kms = LocalKmsServer.start(model, 0, Duration.ZERO)) {
      String data = BenchPlugin.pluginData(temp, kms.endpoint(), "startup-id", "");
      try (BenchPlugin seed = BenchPlugin.start(launch(firstJdk(), "off"))) {
        seed.init();
        seed.configure(data);
        for (String key : List.of("x509-CA-A", "x509-CA-B", "JWT-Signer-A", "JWT-Signer-B")) {
          seed.generate(key);
        }
      }
      Map<String, BenchPlugin.Launch> cases = new LinkedHashMap<>();
      for (String jdk : jdks.keySet()) {
        Path cache = temp.resolve("cache-" + jdk.replaceAll("[^A-Za-z0-9]", ""));
        cases.put(jdk + ", archive trained", launch(jdk, cache.toString()));
        cases.put(jdk + ", no archive", launch(jdk, "off"));
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
        boolean primary = r.getKey().equals(firstJdk() + ", archive trained");
        if (reference == null) {
          reference = s[1];
        }
        String vsRef =
            "ratio to "
                + results.keySet().iterator().next()
                + " "
                + ratio(s[1].medianMillis(), reference.medianMillis());
        row(
            "start-up",
            "start → handshake line, " + r.getKey(),
            ms(s[0].medianMillis()),
            s[0].spreadMillis() + " ms",
            primary ? "≤ 120 ms: " + verdict(s[0].medianMillis() <= 120) : "");
        row(
            "start-up",
            "start → Init answered, " + r.getKey(),
            ms(s[1].medianMillis()),
            s[1].spreadMillis() + " ms; " + vsRef,
            primary ? "≤ 180 ms: " + verdict(s[1].medianMillis() <= 180) : "");
        row(
            "start-up",
            "start → first Configure answered (4 keys), " + r.getKey(),
            ms(s[2].medianMillis()),
            s[2].spreadMillis() + " ms",
            "");
        row(
            "start-up",
            "Configure RPC alone, 4 keys, " + r.getKey(),
            ms(s[3].medianMillis()),
            s[3].spreadMillis() + " ms",
            primary ? "≤ 120 ms: " + verdict(s[3].medianMillis() <= 120) : "");
      }
    }
  }

  private long lastConfigureNanos;

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

  // --- Configure with many keys
  // --------------------------------------------------------------------

  private void manyKeys() throws Exception {
    int keys = smoke ? 20 : 200;
    int runs = smoke ? 1 : 3;
    KmsModel model = KmsModel.create();
    try (LocalKmsServer fast = LocalKmsServer.start(model, 0, Duration.ZERO);
        LocalKmsServer slow = LocalKmsServer.start(model, 0, Duration.ofMillis(20))) {
      try (BenchPlugin seed = BenchPlugin.start(launch(firstJdk(), "off"))) {
        seed.init();
        seed.configure(BenchPlugin.pluginData(temp, fast.endpoint(), "many-id", ""));
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
          try (BenchPlugin plugin = BenchPlugin.start(launch(firstJdk(), "off"))) {
            plugin.init();
            model.clearCalls();
            long start = System.nanoTime();
            plugin.configure(
                BenchPlugin.pluginData(temp, slow.endpoint(), "many-id", v.getValue()));
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
        row(
            "many keys",
            "Configure, " + keys + " keys, 20 ms per KMS call, " + v,
            ms(t.medianMillis()),
            t.spreadMillis() + " ms",
            limited
                ? "calls beyond the first second's " + (keys / 4) + " paced"
                : "≤ 1 s: " + verdict(t.medianMillis() <= 1000));
        row(
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

  // --- memory
  // --------------------------------------------------------------------------------------

  /** Launcher JVM option variants whose memory is compared: name, extra options. */
  private static final Map<String, String> MEMORY_VARIANTS = memoryVariants();

  private static Map<String, String> memoryVariants() {
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

  /**
   * Resident memory of plugins with 10 keys, side by side: after Configure, then the peak after the
   * 16-way SignData load (with each one's rate, so that a saving that costs speed shows).
   */
  private void memory() throws Exception {
    long loadMillis = smoke ? 300 : 4000;
    KmsModel model = KmsModel.create();
    try (LocalKmsServer kms = LocalKmsServer.start(model, 0, Duration.ZERO)) {
      String data = BenchPlugin.pluginData(temp, kms.endpoint(), "memory-id", "");
      try (BenchPlugin seed = BenchPlugin.start(launch(firstJdk(), "off"))) {
        seed.init();
        seed.configure(data);
        for (int i = 0; i < 10; i++) {
          seed.generate("mem-" + i);
        }
      }
      Map<String, BenchPlugin> plugins = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, String> v : MEMORY_VARIANTS.entrySet()) {
          BenchPlugin plugin =
              BenchPlugin.start(launch(firstJdk(), "off").withJavaOpts(v.getValue()));
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
          row(
              "memory",
              "RSS after Configure with 10 keys, " + name,
              mib(rss.get(name)),
              defaults ? "one process" : "ratio to defaults " + ratio(rss.get(name), baseRss),
              defaults ? "≤ 80 MiB: " + verdict(rss.get(name) <= 80 * 1024) : "");
          row(
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

  // --- formatting
  // ----------------------------------------------------------------------------------

  private static String mib(long kib) {
    return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
  }

  private static String ratio(double a, double b) {
    return String.format(Locale.ROOT, "%.2f×", a / b);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String spread(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return Samples.format(sorted.get(0))
        + "–"
        + Samples.format(sorted.get(sorted.size() - 1))
        + " /s";
  }
}
