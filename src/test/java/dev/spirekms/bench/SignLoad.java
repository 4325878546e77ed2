package dev.spirekms.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Drives one signing path: sequential timed calls, or a fixed number of callers for a while. */
final class SignLoad {
  /** One signature by some path; throws on failure. */
  @FunctionalInterface
  interface Signer {
    void sign() throws Exception;
  }

  private SignLoad() {}

  /** {@code count} calls one after another, each timed. */
  static Samples sequential(Signer signer, int count) throws Exception {
    Samples samples = new Samples();
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      signer.sign();
      samples.add(System.nanoTime() - start);
    }
    return samples;
  }

  /** Calls per second with {@code callers} threads calling back to back for {@code millis}. */
  static double throughput(Signer signer, int callers, long millis) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(callers);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    signer.sign();
                    done.incrementAndGet();
                  }
                } catch (Exception e) {
                  failure.compareAndSet(null, e);
                } finally {
                  finished.countDown();
                }
              },
              "bench-caller-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    Thread.sleep(millis);
    stop.set(true);
    long counted = done.get();
    long elapsed = System.nanoTime() - start;
    finished.await();
    if (failure.get() != null) {
      throw failure.get();
    }
    return counted * 1e9 / elapsed;
  }
}
