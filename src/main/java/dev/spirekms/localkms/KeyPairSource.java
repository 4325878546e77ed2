package dev.spirekms.localkms;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Where the model's key pairs come from. Generating an RSA-4096 pair takes from under a second to
 * well over the SDK's per-attempt timeout; with {@link #ahead}, one pair per RSA spec is generated
 * in the background before it is asked for, so a CreateKey seldom waits for a whole generation and
 * its client seldom times out and sends the request again.
 */
final class KeyPairSource {
  private final SecureRandom random;
  private final Executor background;
  private final Map<SupportedKeySpec, CompletableFuture<KeyPair>> ready = new ConcurrentHashMap<>();

  private final Duration atLeast;

  private KeyPairSource(SecureRandom random, Executor background, Duration atLeast) {
    this.random = random;
    this.background = background;
    this.atLeast = atLeast;
  }

  /** Every pair generated when asked for. */
  static KeyPairSource onDemand(SecureRandom random) {
    return onDemand(random, Duration.ZERO);
  }

  /** As {@link #onDemand(SecureRandom)}, each pair taking at least {@code atLeast} to come. */
  static KeyPairSource onDemand(SecureRandom random, Duration atLeast) {
    return new KeyPairSource(random, null, atLeast);
  }

  /** RSA pairs generated one ahead on a daemon thread; EC pairs (fast) when asked for. */
  static KeyPairSource ahead(SecureRandom random) {
    return ahead(random, Duration.ZERO);
  }

  /** As {@link #ahead(SecureRandom)}, each pair taking at least {@code atLeast} to come. */
  static KeyPairSource ahead(SecureRandom random, Duration atLeast) {
    Executor daemon =
        task -> {
          Thread thread = new Thread(task, "local-kms-keygen");
          thread.setDaemon(true);
          thread.start();
        };
    KeyPairSource source = new KeyPairSource(random, daemon, atLeast);
    for (SupportedKeySpec spec : SupportedKeySpec.values()) {
      if (spec.isRsa()) {
        source.refill(spec);
      }
    }
    return source;
  }

  KeyPair next(SupportedKeySpec spec) {
    long start = System.nanoTime();
    KeyPair pair = generated(spec);
    long left = atLeast.toNanos() - (System.nanoTime() - start);
    if (left > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return pair;
  }

  private KeyPair generated(SupportedKeySpec spec) {
    if (background == null || !spec.isRsa()) {
      return spec.generate(random);
    }
    CompletableFuture<KeyPair> pending = ready.remove(spec);
    refill(spec);
    return pending == null ? spec.generate(random) : pending.join();
  }

  private void refill(SupportedKeySpec spec) {
    ready.computeIfAbsent(
        spec, s -> CompletableFuture.supplyAsync(() -> s.generate(random), background));
  }
}
