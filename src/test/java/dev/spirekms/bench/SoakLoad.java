package dev.spirekms.bench;

import static dev.spirekms.bench.Soak.KEY_IDS;

import com.google.protobuf.ByteString;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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

/**
 * The load of one soak run: SignData at a steady rate from a pool of callers; on one thread, in
 * 3-second steps, a key rotation every third step and a fault from {@link SoakFaults} on the
 * others; a /proc sample of the plugin every 5 seconds, each told as a progress line. At the end
 * the faults are ended, the inventory taken, and what was counted becomes a {@link Soak.Result}.
 */
final class SoakLoad {
  private static final Duration ROTATION_EVERY = Duration.ofSeconds(9);
  private static final Duration FAULT_EVERY = Duration.ofSeconds(3);
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);

  private final long pid;
  private final LocalKmsServer kms;
  private final KeyManagerGrpc.KeyManagerBlockingStub keys;

  SoakLoad(long pid, LocalKmsServer kms, KeyManagerGrpc.KeyManagerBlockingStub keys) {
    this.pid = pid;
    this.kms = kms;
    this.keys = keys;
  }

  Soak.Result run(Duration length, int signsPerSecond, PrintStream progress) throws Exception {
    Map<String, LongAdder> codes = new ConcurrentHashMap<>();
    Map<String, LongAdder> rotationCodes = new ConcurrentHashMap<>();
    Samples latencies = new Samples();
    List<Soak.Sample> samples = Collections.synchronizedList(new ArrayList<>());
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
                  long took = System.nanoTime() - t0;
                  synchronized (latencies) {
                    latencies.add(took);
                  }
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
            SoakFaults.end(kms);
            String id = KEY_IDS.get(rotations.getAndIncrement() % KEY_IDS.size());
            Status.Code code = generate(keys, id);
            rotationCodes.computeIfAbsent(code.name(), c -> new LongAdder()).increment();
          } else {
            SoakFaults.end(kms);
            faults.add(SoakFaults.inject(kms, faultCount.getAndIncrement()));
          }
        },
        FAULT_EVERY.toMillis(),
        FAULT_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    Consumer<Long> sampler =
        at -> {
          Soak.Sample s = ProcessSampler.sample(pid, at);
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
    SoakFaults.end(kms);

    SoakInventory inventory = SoakInventory.settle(kms.model());
    double p50;
    double p99;
    double max;
    synchronized (latencies) {
      p50 = millis(latencies, 50);
      p99 = millis(latencies, 99);
      max = millis(latencies, 100);
    }
    return new Soak.Result(
        requests.get(),
        totals(codes),
        p50,
        p99,
        max,
        rotations.get(),
        totals(rotationCodes),
        List.copyOf(faults),
        List.copyOf(samples),
        ProcessSampler.sample(pid, 0).fds(),
        inventory.byState(),
        inventory.aliases(),
        inventory.leaked(),
        inventory.lostAliases());
  }

  /** SignData on {@code id}; the gRPC code it ended with. */
  static Status.Code sign(KeyManagerGrpc.KeyManagerBlockingStub keys, String id) {
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

  /** GenerateKey (EC P-256) for {@code id}; the gRPC code it ended with. */
  static Status.Code generate(KeyManagerGrpc.KeyManagerBlockingStub keys, String id) {
    try {
      keys.withDeadlineAfter(30, TimeUnit.SECONDS)
          .generateKey(
              GenerateKeyRequest.newBuilder().setKeyId(id).setKeyType(KeyType.EC_P256).build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** The {@code p}-th percentile (nearest rank) in milliseconds, or 0 when nothing was timed. */
  private static double millis(Samples latencies, double p) {
    return latencies.size() == 0 ? 0 : latencies.percentileMillis(p);
  }

  private static Map<String, Long> totals(Map<String, LongAdder> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
