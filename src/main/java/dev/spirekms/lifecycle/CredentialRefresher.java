package dev.spirekms.lifecycle;

import dev.spirekms.aws.AssumedRoleHop;
import dev.spirekms.aws.KmsCallException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Renews each role hop's session in the background, well before it expires, so that signing never
 * waits for STS. A failed renewal is retried with backoff and logged once per failure streak: at
 * Warn when it starts, and at Error once the session is within {@link #URGENT} of expiring. When
 * STS answers again the hop recovers by itself, and that is logged at Info.
 */
public final class CredentialRefresher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialRefresher.class);
  static final Duration FIRST_RETRY = Duration.ofSeconds(10);
  static final Duration MAX_RETRY = Duration.ofMinutes(1);
  static final Duration URGENT = Duration.ofMinutes(5);

  /** The least time between two renewals of a hop, so a short session never loops hot. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(30);

  private final TaskScheduler scheduler;
  private final Clock clock;
  private final Logger log;
  private final List<HopState> hops = new ArrayList<>();
  private volatile boolean stopped;
  private volatile LifecycleReports reports = LifecycleReports.NONE;

  private static final class HopState {
    final AssumedRoleHop hop;
    int failures;
    boolean errorLogged;
    Duration backoff = FIRST_RETRY;
    TaskScheduler.Scheduled next;

    HopState(AssumedRoleHop hop) {
      this.hop = hop;
    }
  }

  private CredentialRefresher(TaskScheduler scheduler, Clock clock, Logger log) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.log = log;
  }

  /** Schedules each hop's renewal at its {@link AssumedRoleHop#refreshAt()}. */
  public static CredentialRefresher start(
      List<AssumedRoleHop> hops, TaskScheduler scheduler, Clock clock) {
    return start(hops, scheduler, clock, LOG);
  }

  static CredentialRefresher start(
      List<AssumedRoleHop> hops, TaskScheduler scheduler, Clock clock, Logger log) {
    CredentialRefresher refresher = new CredentialRefresher(scheduler, clock, log);
    for (AssumedRoleHop hop : hops) {
      HopState state = new HopState(hop);
      refresher.hops.add(state);
      refresher.scheduleAt(state, hop.refreshAt());
    }
    return refresher;
  }

  /** Tells {@code reports} how each renewal ends. */
  public void reportTo(LifecycleReports reports) {
    this.reports = java.util.Objects.requireNonNull(reports, "reports");
  }

  private synchronized void scheduleAt(HopState state, Instant at) {
    Duration delay = Duration.between(clock.instant(), at);
    schedule(state, delay.isNegative() ? Duration.ZERO : delay);
  }

  private synchronized void schedule(HopState state, Duration delay) {
    if (!stopped) {
      state.next = scheduler.schedule(delay, () -> renew(state));
    }
  }

  private void renew(HopState state) {
    if (stopped) {
      return;
    }
    AssumedRoleHop hop = state.hop;
    try {
      hop.assume();
    } catch (KmsCallException e) {
      failed(state, e);
      return;
    }
    Instant expiresAt = hop.expiration().orElseThrow();
    if (state.failures > 0) {
      fields(log.atInfo(), hop)
          .addKeyValue("failed_attempts", state.failures)
          .addKeyValue("expires_at", expiresAt)
          .log("Role credentials renewed after failures");
    } else {
      fields(log.atDebug(), hop)
          .addKeyValue("expires_at", expiresAt)
          .log("Role credentials renewed");
    }
    state.failures = 0;
    state.errorLogged = false;
    state.backoff = FIRST_RETRY;
    Instant earliest = clock.instant().plus(MIN_INTERVAL);
    Instant due = hop.refreshAt();
    Instant next = due.isBefore(earliest) ? earliest : due;
    scheduleAt(state, next);
    reports.ran(
        LifecycleReports.CREDENTIAL_REFRESH,
        clock.instant(),
        "ok",
        java.util.Map.of("role_hop", hop.number()),
        java.util.Optional.of(next));
  }

  private void failed(HopState state, KmsCallException e) {
    AssumedRoleHop hop = state.hop;
    state.failures++;
    Instant now = clock.instant();
    Instant expiresAt = hop.expiration().orElse(now);
    if (state.failures == 1) {
      fields(log.atWarn(), hop)
          .addKeyValue("expires_at", expiresAt)
          .addKeyValue("reason", e.getMessage())
          .log(LifecycleMessages.RENEWAL_FAILED);
    }
    if (!state.errorLogged && !now.isBefore(expiresAt.minus(URGENT))) {
      state.errorLogged = true;
      fields(log.atError(), hop)
          .addKeyValue("expires_at", expiresAt)
          .addKeyValue("failed_attempts", state.failures)
          .addKeyValue("reason", e.getMessage())
          .log(
              now.isBefore(expiresAt)
                  ? LifecycleMessages.CREDENTIALS_EXPIRE_SOON
                  : LifecycleMessages.CREDENTIALS_EXPIRED);
    }
    reports.failed(LifecycleReports.CREDENTIAL_REFRESH, e.getMessage(), now);
    reports.ran(
        LifecycleReports.CREDENTIAL_REFRESH,
        now,
        "failed",
        java.util.Map.of("role_hop", hop.number(), "failed_attempts", state.failures),
        java.util.Optional.of(now.plus(state.backoff)));
    Duration delay = state.backoff;
    Duration doubled = delay.multipliedBy(2);
    state.backoff = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
    schedule(state, delay);
  }

  private static LoggingEventBuilder fields(LoggingEventBuilder event, AssumedRoleHop hop) {
    return event.addKeyValue("role_hop", hop.number()).addKeyValue("role_arn", hop.roleArn());
  }

  /** Stops renewing; a renewal under way finishes. Shuts the scheduler down. */
  @Override
  public synchronized void close() {
    stopped = true;
    for (HopState state : hops) {
      if (state.next != null) {
        state.next.cancel();
      }
    }
    scheduler.shutdown();
  }
}
