package dev.spirekms.bench;

import com.google.protobuf.ByteString;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.localkms.WireFault;
import dev.spirekms.localkms.WireFaultRule;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.testing.GoPluginHost;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The soak run behind {@code src/bench/soak.sh} and {@code SoakEndToEndTest}: the packaged plugin,
 * started as SPIRE starts it (go-plugin handshake), signs at a steady rate for a set time against a
 * local KMS, rotates its keys now and then, and meets a wire or KMS fault every few seconds. It
 * reports requests, errors by gRPC code, latency, the plugin's RSS, threads and file descriptors
 * over time (from /proc), and the key inventory at the end.
 *
 * <p>Usage: {@code Soak <dist-dir> <seconds> [signs-per-second]}. Not a unit test: it runs only
 * when the script or the end-to-end test starts it.
 */
public final class Soak {
  /** The codes a SignData or GenerateKey may end with while a fault is on. */
  public static final Set<Status.Code> ALLOWED = Set.of(Status.Code.OK, Status.Code.UNAVAILABLE);

  private static final List<String> KEY_IDS = List.of("x509-CA-A", "jwt-key-A");
  private static final Duration ROTATION_EVERY = Duration.ofSeconds(9);
  private static final Duration FAULT_EVERY = Duration.ofSeconds(3);
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
  private static final Duration SETTLE = Duration.ofSeconds(30);

  /** One /proc sample of the plugin process. */
  public record Sample(long atSeconds, long rssKib, int threads, int fds) {}

  /** What a run measured. */
  public record Result(
      long requests,
      Map<String, Long> codes,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      int rotations,
      Map<String, Long> rotationCodes,
      List<String> faultsInjected,
      List<Sample> samples,
      int fdsAtEnd,
      Map<String, Long> keysByState,
      int aliases,
      List<String> leaked,
      List<String> lostAliases) {

    /** Codes seen that are not in {@link #ALLOWED}. */
    public Map<String, Long> unexpectedCodes() {
      Map<String, Long> out = new TreeMap<>();
      codes.forEach((c, n) -> addIfUnexpected(out, c, n));
      rotationCodes.forEach((c, n) -> addIfUnexpected(out, c, n));
      return out;
    }

    private static void addIfUnexpected(Map<String, Long> out, String code, long n) {
      if (!ALLOWED.contains(Status.Code.valueOf(code))) {
        out.merge(code, n, Long::sum);
      }
    }
  }

  private Soak() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: Soak <dist-dir> <seconds> [signs-per-second]");
      System.exit(2);
    }
    int rate = args.length == 3 ? Integer.parseInt(args[2]) : 20;
    Result result =
        run(Path.of(args[0]), Duration.ofSeconds(Long.parseLong(args[1])), rate, System.out);
    print(result, System.out);
    boolean clean =
        result.unexpectedCodes().isEmpty()
            && result.leaked().isEmpty()
            && result.lostAliases().isEmpty();
    System.exit(clean ? 0 : 1);
  }

  /** Runs the soak; progress lines go to {@code progress}. */
  public static Result run(Path dist, Duration length, int signsPerSecond, PrintStream progress)
      throws Exception {
    Path temp = Files.createTempDirectory("soak");
    KmsModel model = KmsModel.create();
    try (LocalKmsServer kms = LocalKmsServer.startWithConnectionFaults(model, 0)) {
      Path policy = temp.resolve("key-policy.json");
      Files.writeString(policy, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
      Path sockets = Files.createDirectories(temp.resolve("s"));
      String pluginData =
          "region = \"us-east-2\"\n\nkey_identifier_file = \""
              + temp.resolve("server_id")
              + "\"\n\nendpoint = \""
              + kms.endpoint()
              + "\"\n\nkey_policy_file = \""
              + policy
              + "\"\n";
      try (GoPluginHost host =
          GoPluginHost.builder(
                  List.of(dist.resolve("bin").resolve("spire-aws-kms-keymanager").toString()))
              .env("JAVA_HOME", System.getProperty("java.home"))
              .env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", "off")
              .env("PLUGIN_UNIX_SOCKET_DIR", sockets.toString())
              .env("AWS_ACCESS_KEY_ID", "AKIDSOAK")
              .env("AWS_SECRET_ACCESS_KEY", "soak-secret")
              .env("AWS_EC2_METADATA_DISABLED", "true")
              .handshakeTimeout(Duration.ofSeconds(60))
              .start()) {
        InitGrpc.newBlockingStub(host.channel()).init(InitRequest.getDefaultInstance());
        ConfigGrpc.newBlockingStub(host.channel())
            .configure(
                ConfigureRequest.newBuilder()
                    .setCoreConfiguration(
                        CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                    .setHclConfiguration(pluginData)
                    .build());
        KeyManagerGrpc.KeyManagerBlockingStub keys = KeyManagerGrpc.newBlockingStub(host.channel());
        for (String id : KEY_IDS) {
          generate(keys, id);
        }
        return load(host, kms, keys, length, signsPerSecond, progress);
      }
    } finally {
      try (var paths = Files.walk(temp)) {
        paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Result load(
      GoPluginHost host,
      LocalKmsServer kms,
      KeyManagerGrpc.KeyManagerBlockingStub keys,
      Duration length,
      int signsPerSecond,
      PrintStream progress)
      throws Exception {
    long pid = host.process().pid();
    Map<String, LongAdder> codes = new ConcurrentHashMap<>();
    Map<String, LongAdder> rotationCodes = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    List<String> faults = Collections.synchronizedList(new ArrayList<>());
    AtomicLong requests = new AtomicLong();
    AtomicInteger rotations = new AtomicInteger();
    long start = System.nanoTime();
    ExecutorService signers = Executors.newFixedThreadPool(8);
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(3);
    AtomicInteger next = new AtomicInteger();
    long periodMicros = 1_000_000L / Math.max(1, signsPerSecond);
    clock.scheduleAtFixedRate(
        () ->
            signers.execute(
                () -> {
                  String id = KEY_IDS.get(next.getAndIncrement() % KEY_IDS.size());
                  long t0 = System.nanoTime();
                  Status.Code code = sign(keys, id);
                  latencies.add(System.nanoTime() - t0);
                  requests.incrementAndGet();
                  codes.computeIfAbsent(code.name(), c -> new LongAdder()).increment();
                }),
        0,
        periodMicros,
        TimeUnit.MICROSECONDS);
    // rotations and faults take turns on one thread, so that KMS never goes away mid-rotation
    AtomicInteger step = new AtomicInteger();
    AtomicInteger faultCount = new AtomicInteger();
    long faultsPerRotation = ROTATION_EVERY.toMillis() / FAULT_EVERY.toMillis();
    clock.scheduleWithFixedDelay(
        () -> {
          int n = step.getAndIncrement();
          if (n % faultsPerRotation == faultsPerRotation - 1) {
            endFaults(kms);
            String id = KEY_IDS.get(rotations.getAndIncrement() % KEY_IDS.size());
            Status.Code code = generate(keys, id);
            rotationCodes.computeIfAbsent(code.name(), c -> new LongAdder()).increment();
          } else {
            endFaults(kms);
            faults.add(injectFault(kms, faultCount.getAndIncrement()));
          }
        },
        FAULT_EVERY.toMillis(),
        FAULT_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    Consumer<Long> sampler =
        at -> {
          Sample s = sample(pid, at);
          samples.add(s);
          progress.printf(
              "t=%4ds requests=%d rss=%dKiB threads=%d fds=%d%n",
              s.atSeconds(), requests.get(), s.rssKib(), s.threads(), s.fds());
        };
    clock.scheduleAtFixedRate(
        () -> sampler.accept(Duration.ofNanos(System.nanoTime() - start).toSeconds()),
        0,
        SAMPLE_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);

    Thread.sleep(length.toMillis());
    clock.shutdown();
    clock.awaitTermination(60, TimeUnit.SECONDS);
    signers.shutdown();
    signers.awaitTermination(60, TimeUnit.SECONDS);
    endFaults(kms);

    Inventory inventory = settle(kms.model());
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Result(
        requests.get(),
        totals(codes),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
        rotations.get(),
        totals(rotationCodes),
        List.copyOf(faults),
        List.copyOf(samples),
        sample(pid, 0).fds(),
        inventory.byState(),
        inventory.aliases(),
        inventory.leaked(),
        inventory.lostAliases());
  }

  /** Ends every fault: rules cleared, held calls released, KMS listening again. */
  private static void endFaults(LocalKmsServer kms) {
    kms.wireFaults().clear();
    kms.model().faults().clear();
    try {
      kms.comeBack();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The n-th fault of a fixed cycle; it lasts until the next step of the schedule ends it. */
  private static String injectFault(LocalKmsServer kms, int n) {
    String sign = KmsOperations.SIGN;
    return switch (n % 9) {
      case 0 -> {
        kms.wireFaults().add(WireFaultRule.on(sign).times(3).with(WireFault.reset()));
        yield "reset x3";
      }
      case 1 -> {
        kms.goAway(); // comes back when the next fault starts
        yield "gone 3s";
      }
      case 2 -> {
        kms.wireFaults().add(WireFaultRule.on(sign).times(2).with(WireFault.htmlError(503)));
        yield "html 503 x2";
      }
      case 3 -> {
        // a frozen KMS for one Sign: held until the next fault clears it (3 s)
        kms.wireFaults().add(WireFaultRule.on(sign).with(WireFault.hold()));
        yield "hold x1";
      }
      case 4 -> {
        kms.wireFaults().add(WireFaultRule.on(sign).times(2).with(WireFault.malformedJson()));
        yield "malformed x2";
      }
      case 5 -> {
        kms.model().faults().failNext(sign, 4, Fault.throttling());
        yield "throttling x4";
      }
      case 6 -> {
        kms.wireFaults().add(WireFaultRule.on(sign).times(2).with(WireFault.truncatedBody()));
        yield "truncated x2";
      }
      case 7 -> {
        kms.wireFaults()
            .add(WireFaultRule.on(sign).times(2).with(WireFault.delay(Duration.ofSeconds(2))));
        yield "delay 2s x2";
      }
      default -> {
        kms.model().faults().failNext(sign, 2, Fault.internalError());
        yield "KMS 500 x2";
      }
    };
  }

  private record Inventory(
      Map<String, Long> byState, int aliases, List<String> leaked, List<String> lostAliases) {}

  /**
   * Waits for the deletion queue to schedule every replaced key, then takes the inventory: every
   * key is aliased or pending deletion (else leaked), and every key id has an alias on an enabled
   * key (else lost).
   */
  private static Inventory settle(KmsModel model) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    List<String> leaked;
    do {
      leaked = leaked(model);
      if (leaked.isEmpty()) {
        break;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    Map<String, Long> byState =
        model.keys().stream()
            .collect(
                Collectors.groupingBy(
                    k -> k.keyStateAsString(), TreeMap::new, Collectors.counting()));
    int aliases =
        (int)
            model.aliases().stream()
                .filter(a -> a.aliasName().startsWith("alias/SPIRE_SERVER/"))
                .count();
    List<String> lost = new ArrayList<>();
    for (String id : KEY_IDS) {
      boolean found =
          model.aliases().stream()
              .anyMatch(
                  a ->
                      a.aliasName().endsWith("/" + id)
                          && a.targetKeyId() != null
                          && model.keyState(a.targetKeyId()) == KeyState.ENABLED);
      if (!found) {
        lost.add(id);
      }
    }
    return new Inventory(byState, aliases, leaked, lost);
  }

  private static List<String> leaked(KmsModel model) {
    Set<String> aliased =
        model.aliases().stream()
            .map(a -> a.targetKeyId())
            .filter(id -> id != null)
            .collect(Collectors.toSet());
    return model.keys().stream()
        .filter(k -> k.keyState() != KeyState.PENDING_DELETION && !aliased.contains(k.keyId()))
        .map(KeyMetadata::arn)
        .toList();
  }

  private static Status.Code sign(KeyManagerGrpc.KeyManagerBlockingStub keys, String id) {
    try {
      keys.withDeadlineAfter(30, TimeUnit.SECONDS)
          .signData(
              SignDataRequest.newBuilder()
                  .setKeyId(id)
                  .setHashAlgorithm(HashAlgorithm.SHA256)
                  .setData(ByteString.copyFrom(new byte[32]))
                  .build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static Status.Code generate(KeyManagerGrpc.KeyManagerBlockingStub keys, String id) {
    try {
      keys.withDeadlineAfter(30, TimeUnit.SECONDS)
          .generateKey(
              GenerateKeyRequest.newBuilder().setKeyId(id).setKeyType(KeyType.EC_P256).build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** RSS, threads and open file descriptors of {@code pid}, from /proc. */
  static Sample sample(long pid, long atSeconds) {
    long rss = -1;
    int threads = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // the process is gone: the sample says -1
    }
    int fds;
    try (var list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds = (int) list.count();
    } catch (IOException e) {
      fds = -1;
    }
    return new Sample(atSeconds, rss, threads, fds);
  }

  private static Map<String, Long> totals(Map<String, LongAdder> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  /** The report of {@code src/bench/soak.sh}. */
  public static void print(Result r, PrintStream out) {
    out.println();
    out.println("requests (SignData): " + r.requests());
    out.println("SignData by code:    " + r.codes());
    out.printf(
        "SignData latency:    p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        r.p50Millis(), r.p99Millis(), r.maxMillis());
    out.println("rotations:           " + r.rotations() + " " + r.rotationCodes());
    out.println("faults injected:     " + r.faultsInjected().size() + " " + countsOf(r));
    out.println("process over time (seconds: RSS KiB / threads / fds):");
    for (Sample s : r.samples()) {
      out.printf("  %5d: %7d / %3d / %3d%n", s.atSeconds(), s.rssKib(), s.threads(), s.fds());
    }
    out.println("open fds at the end: " + r.fdsAtEnd());
    out.println("keys by state:       " + r.keysByState());
    out.println("SPIRE aliases:       " + r.aliases());
    out.println("leaked keys:         " + r.leaked());
    out.println("key ids lost:        " + r.lostAliases());
    out.println("unexpected codes:    " + r.unexpectedCodes());
  }

  private static Map<String, Long> countsOf(Result r) {
    return r.faultsInjected().stream()
        .collect(Collectors.groupingBy(f -> f, TreeMap::new, Collectors.counting()));
  }
}
