package dev.spirekms.localkms;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fault of the connection or of the HTTP answer, as a network, a load balancer or a frozen KMS
 * causes it, served by {@link LocalKmsServer} for the calls a {@link WireFaultRule} selects. Unlike
 * a {@link Fault}, which the model answers as a KMS error, a wire fault never reaches the client as
 * a well-formed KMS response.
 */
public final class WireFault {

  /** What the server does to the call. */
  public enum Kind {
    /** Waits, then goes on with the call. */
    DELAY,
    /** Holds the call, with its connection open and unanswered, until released. */
    HOLD,
    /** Resets the connection (TCP RST): the client reads "connection reset". */
    RESET,
    /** Answers 200 with a body that is not JSON. */
    MALFORMED_JSON,
    /** Announces a longer body than it sends, then closes the connection. */
    TRUNCATED_BODY,
    /** Answers a 5xx status with an HTML page, as a load balancer or proxy does. */
    HTML_ERROR
  }

  private static final Duration MAX_HOLD = Duration.ofMinutes(5);

  private final Kind kind;
  private final Duration delay;
  private final int status;
  private final CountDownLatch released = new CountDownLatch(1);
  private final Object heldLock = new Object();
  private int held;

  private WireFault(Kind kind, Duration delay, int status) {
    this.kind = kind;
    this.delay = delay;
    this.status = status;
  }

  /** Answers {@code delay} later than the server would; the call itself is served as usual. */
  public static WireFault delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    return new WireFault(Kind.DELAY, delay, 0);
  }

  /**
   * Holds each call it fails with the connection open and no answer, as a frozen process does,
   * until {@link #release()} (then the call goes on) or the server closes (at most five minutes).
   * {@link #awaitHeld(int, Duration)} tells a test when a call is being held.
   */
  public static WireFault hold() {
    return new WireFault(Kind.HOLD, Duration.ZERO, 0);
  }

  /** Resets the connection; needs a server started with connection faults. */
  public static WireFault reset() {
    return new WireFault(Kind.RESET, Duration.ZERO, 0);
  }

  /** Answers status 200 with a body that is not JSON (a member without a value). */
  public static WireFault malformedJson() {
    return new WireFault(Kind.MALFORMED_JSON, Duration.ZERO, 0);
  }

  /**
   * Sends a {@code Content-Length} twice the size of the half body it sends; on a server started
   * with connection faults it then closes the connection, otherwise the connection stays open and
   * the client waits for the rest until its own timeout.
   */
  public static WireFault truncatedBody() {
    return new WireFault(Kind.TRUNCATED_BODY, Duration.ZERO, 0);
  }

  /** Answers {@code status} (500 to 599) with an HTML body and no KMS error type. */
  public static WireFault htmlError(int status) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("not a 5xx status: " + status);
    }
    return new WireFault(Kind.HTML_ERROR, Duration.ZERO, status);
  }

  public Kind kind() {
    return kind;
  }

  /** The wait of a {@link Kind#DELAY} fault. */
  public Duration delay() {
    return delay;
  }

  /** The status of a {@link Kind#HTML_ERROR} fault. */
  public int status() {
    return status;
  }

  /** Lets every call held by this fault, now and later, go on. */
  public void release() {
    released.countDown();
  }

  /** Calls this fault has held so far, released or not. */
  public int held() {
    synchronized (heldLock) {
      return held;
    }
  }

  /** Waits until this fault has held {@code calls} calls; false if {@code timeout} passed first. */
  public boolean awaitHeld(int calls, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (heldLock) {
      while (held < calls) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(heldLock, left);
      }
      return true;
    }
  }

  /** Holds the calling thread until released, interrupted or five minutes have passed. */
  void holdCall() {
    synchronized (heldLock) {
      held++;
      heldLock.notifyAll();
    }
    try {
      released.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case DELAY -> "delay " + delay;
      case HTML_ERROR -> "HTML " + status;
      default -> kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    };
  }
}
