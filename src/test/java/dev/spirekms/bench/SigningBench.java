package dev.spirekms.bench;

import static dev.spirekms.bench.Cells.ms;
import static dev.spirekms.bench.Cells.ratio;
import static dev.spirekms.bench.Cells.verdict;

import dev.spirekms.aws.AwsClients;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * The {@code signing} part: SignData overhead of the plugin over a direct SDK client, sequential
 * latency and the rate of 16 callers, for launcher JVM option variants side by side (the JIT
 * choice, kept-alive connections); then head-of-line blocking on the first of them.
 */
final class SigningBench {
  /** Launcher JVM option variants compared side by side: name, extra options. */
  private static final Map<String, String> VARIANTS =
      Map.of(
          "launcher defaults",
          "",
          "full tiered JIT (C2)",
          "-XX:TieredStopAtLevel=4",
          "32 kept-alive connections",
          "-Dhttp.maxConnections=32");

  private final BenchRun run;

  SigningBench(BenchRun run) {
    this.run = run;
  }

  void run() throws Exception {
    boolean smoke = run.smoke();
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
          BenchPlugin plugin =
              BenchPlugin.start(run.launch(run.firstJdk(), "off").withJavaOpts(opts));
          plugins.put(name, plugin);
          plugin.init();
          plugin.configure(
              BenchPlugin.pluginData(run.temp(), kms.endpoint(), "sign-" + plugins.size(), ""));
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
        ResultTable.progress("warming up " + paths.keySet());
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
        report(latency, rates);
        new HeadOfLineBench(run).run(plugins.get(names.get(0)), client, perBlock, blocks);
        if (System.getenv("BENCH_NMT") != null) {
          // with BENCH_PLUGIN_JAVA_OPTS=-XX:NativeMemoryTracking=summary: where the memory went
          for (BenchPlugin plugin : plugins.values()) {
            new ProcessBuilder(
                    run.javaHome(run.firstJdk()).resolve("bin/jcmd").toString(),
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

  private void report(Map<String, Samples> latency, Map<String, List<Double>> rates) {
    String directName = "direct SDK client";
    Samples direct = latency.get(directName);
    double directRate = Rates.median(rates.get(directName));
    run.row(
        "SignData",
        "sequential p50 / p99, " + directName + " (local KMS, floor 0)",
        ms(direct.medianMillis()) + " / " + ms(direct.percentileMillis(99)),
        direct.spreadMillis() + " ms",
        "reference");
    run.row(
        "SignData",
        "16 callers, " + directName,
        Samples.format(directRate) + " /s",
        Rates.spread(rates.get(directName)),
        "reference");
    String defaults = null;
    for (Map.Entry<String, Samples> path : latency.entrySet()) {
      if (path.getKey().equals(directName)) {
        continue;
      }
      Samples s = path.getValue();
      double addedP50 = s.medianMillis() - direct.medianMillis();
      double addedP99 = s.percentileMillis(99) - direct.percentileMillis(99);
      double rate = Rates.median(rates.get(path.getKey()));
      run.row(
          "SignData",
          "sequential p50 / p99, " + path.getKey(),
          ms(s.medianMillis()) + " / " + ms(s.percentileMillis(99)),
          s.spreadMillis() + " ms",
          "p50 ≤ 0.7 ms: " + verdict(s.medianMillis() <= 0.7));
      run.row(
          "SignData",
          "added latency p50 / p99, " + path.getKey(),
          ms(addedP50) + " / " + ms(addedP99),
          "p50 ratio " + ratio(s.medianMillis(), direct.medianMillis()),
          "≤ 0.5 / ≤ 1.5 ms: " + verdict(addedP50 <= 0.5 && addedP99 <= 1.5));
      run.row(
          "SignData",
          "16 callers, " + path.getKey(),
          Samples.format(rate) + " /s",
          Rates.spread(rates.get(path.getKey())),
          "≥ 4,000 /s: " + verdict(rate >= 4000));
      run.row(
          "SignData",
          "16 callers, ratio " + path.getKey() + " / direct",
          ratio(rate, directRate),
          "",
          "≥ 0.7×: " + verdict(rate / directRate >= 0.7));
      if (defaults == null) {
        defaults = path.getKey();
      } else {
        Samples d = latency.get(defaults);
        run.row(
            "launcher flags",
            path.getKey() + " / " + defaults + ": p50, p99, 16-caller rate",
            ratio(s.medianMillis(), d.medianMillis())
                + ", "
                + ratio(s.percentileMillis(99), d.percentileMillis(99))
                + ", "
                + ratio(rate, Rates.median(rates.get(defaults))),
            "",
            path.getKey().contains("C2")
                ? "decides the launcher's JIT"
                : "whether more idle KMS connections than the JDK's 5 pay");
      }
    }
  }
}
