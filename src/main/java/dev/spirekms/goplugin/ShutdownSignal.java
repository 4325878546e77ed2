package dev.spirekms.goplugin;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A one-shot request to stop serving, raised by the host's Shutdown call or by a signal. */
public final class ShutdownSignal {
  private final CountDownLatch requested = new CountDownLatch(1);
  private final AtomicReference<String> reason = new AtomicReference<>();

  /** Asks the plugin to stop; the first reason given wins. Never blocks. */
  public void request(String why) {
    if (reason.compareAndSet(null, why)) {
      requested.countDown();
    }
  }

  /** Whether a stop has been requested. */
  public boolean isRequested() {
    return requested.getCount() == 0;
  }

  /** Blocks until a stop is requested and returns the reason. */
  public String await() throws InterruptedException {
    requested.await();
    return reason.get();
  }

  /** Waits at most {@code timeout}; true if a stop was requested. */
  public boolean await(Duration timeout) throws InterruptedException {
    return requested.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
