package dev.spirekms.aws;

import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * A client-side limit on the rate of KMS control-plane calls, so that many servers restarting
 * together stay inside the account's per-operation request quotas. Every KMS call counts except
 * {@code Sign}, which KMS meters in its separate, far larger quota for cryptographic operations;
 * {@code GetPublicKey}, {@code ListAliases}, {@code DescribeKey} and the calls that change keys and
 * aliases have quotas of their own, from 5 to 2,000 per second (KMS Developer Guide, Request
 * quotas).
 *
 * <p>A token bucket holding at most one second's worth of calls: a call that finds it empty waits,
 * before its first attempt (the wait is not part of the call's time limits), until its turn.
 * Retries of a call are not counted again. Hand-written on an injected {@link Ticker} rather than
 * Guava's {@code RateLimiter}, whose jar would be the plugin's largest dependency for these few
 * lines.
 */
public final class ControlPlaneRateLimit implements ExecutionInterceptor {
  /** The one KMS operation outside the limit. */
  static final String SIGN = "Sign";

  /** Time for the limit: a monotonic clock and a way to wait on it. */
  interface Ticker {
    long nanoTime();

    void sleepNanos(long nanos) throws InterruptedException;

    Ticker SYSTEM =
        new Ticker() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleepNanos(long nanos) throws InterruptedException {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);
          }
        };
  }

  private final double perNano;
  private final double capacity;
  private final Ticker ticker;
  private double available;
  private long updated;

  private ControlPlaneRateLimit(int callsPerSecond, Ticker ticker) {
    if (callsPerSecond < 1) {
      throw new IllegalArgumentException("callsPerSecond must be at least 1");
    }
    this.perNano = callsPerSecond / 1e9;
    this.capacity = callsPerSecond;
    this.ticker = ticker;
    this.available = capacity;
    this.updated = ticker.nanoTime();
  }

  /** A limit of {@code callsPerSecond} on the system clock. */
  public static ControlPlaneRateLimit of(int callsPerSecond) {
    return new ControlPlaneRateLimit(callsPerSecond, Ticker.SYSTEM);
  }

  static ControlPlaneRateLimit of(int callsPerSecond, Ticker ticker) {
    return new ControlPlaneRateLimit(callsPerSecond, ticker);
  }

  /** Whether calls of {@code operation} (the SDK's name, e.g. {@code ListAliases}) are limited. */
  static boolean limits(String operation) {
    return !SIGN.equals(operation);
  }

  @Override
  public void beforeExecution(
      Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
    if (limits(executionAttributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
      try {
        acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw AbortedException.builder()
            .message(AwsMessages.RATE_LIMIT_INTERRUPTED)
            .cause(e)
            .build();
      }
    }
  }

  /**
   * Takes one call's turn, waiting for it if the bucket is empty; returns the nanoseconds waited.
   */
  long acquire() throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = ticker.nanoTime();
      available = Math.min(capacity, available + (now - updated) * perNano);
      updated = now;
      available -= 1;
      wait = available >= 0 ? 0 : (long) Math.ceil(-available / perNano);
    }
    if (wait > 0) {
      ticker.sleepNanos(wait);
    }
    return wait;
  }
}
