package dev.spirekms.lifecycle;

import dev.spirekms.keys.DeletionQueue;
import dev.spirekms.keys.KeyNaming;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Schedules unused keys for deletion in KMS, one key at a time and paced.
 *
 * <p>Right before each ScheduleKeyDeletion the key is checked again: its description must mark it
 * as a SPIRE key of this trust domain, it must not be pending deletion already, no alias at all may
 * point to it, and this server must not be using it. A key that fails a check is dropped with a log
 * line saying why. Failed calls are retried with a backoff of the key's own (1 s, doubling, capped
 * at 60 s), so one failing key never holds up the others.
 *
 * <p>The queue is bounded. When it is full, a new key is dropped with an error: its description
 * still marks it as a SPIRE key and no alias points to it, so the orphan key sweep finds it later.
 * Keys still queued on close are left to that sweep too.
 */
final class KmsDeletionQueue implements DeletionQueue {

  private final LifecycleKms kms;
  private final KeyNaming naming;
  private final LifecycleSettings settings;
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final Logger log;
  private final DeletionJournal journal;
  private final DeletionAttempts attempts;

  // all guarded by this
  private final Map<String, DeletionAttempts.Item> items = new LinkedHashMap<>();
  private Predicate<String> inUse;
  private boolean closed;
  private boolean stepping;
  private Instant nextStepAllowed = Instant.MIN;
  private TaskScheduler.Scheduled wake;
  private Instant wakeAt;
  private LifecycleReports reports = LifecycleReports.NONE;

  KmsDeletionQueue(
      LifecycleKms kms,
      KeyNaming naming,
      LifecycleSettings settings,
      Clock clock,
      TaskScheduler scheduler,
      Logger log) {
    this.kms = kms;
    this.naming = naming;
    this.settings = settings;
    this.clock = clock;
    this.scheduler = scheduler;
    this.log = log;
    this.journal =
        settings.journalFile().map(f -> DeletionJournal.openOrSetAside(f, clock, log)).orElse(null);
    this.attempts = new DeletionAttempts(kms, naming, settings, clock, log, journal != null);
  }

  /** Attempts per key before it is given up (about 15 minutes of backoff). */
  static final int MAX_ATTEMPTS = DeletionAttempts.MAX_ATTEMPTS;

  /** Attempts per key when KMS denies access. */
  static final int MAX_ATTEMPTS_DENIED = DeletionAttempts.MAX_ATTEMPTS_DENIED;

  @Override
  public void enqueue(String keyArn, String reason) {
    offer(keyArn, reason, null);
  }

  /**
   * Queues a key; never blocks on KMS.
   *
   * @param aliasName the alias the key had, for the log line; null when there was none
   * @return whether the key is in the queue now
   */
  boolean offer(String keyArn, String reason, String aliasName) {
    Objects.requireNonNull(keyArn, "keyArn");
    String why = reason == null ? "" : reason;
    // written (and synced) before the caller's RPC answers, even when the queue cannot take the
    // key now: the next start queues it again
    if (journal != null) {
      journal.addOrLog(keyArn, why, log);
    }
    synchronized (this) {
      if (closed) {
        withKey(log.atWarn(), keyArn, aliasName)
            .addKeyValue("reason", why)
            .log(LifecycleMessages.NOT_QUEUED_STOPPING);
        return false;
      }
      if (items.containsKey(keyArn)) {
        withKey(log.atDebug(), keyArn, aliasName).log("Key already queued for deletion");
        return true;
      }
      if (items.size() >= settings.queueCapacity()) {
        withKey(log.atError(), keyArn, aliasName)
            .addKeyValue("reason", why)
            .addKeyValue("capacity", settings.queueCapacity())
            .log(LifecycleMessages.QUEUE_FULL);
        return false;
      }
      items.put(keyArn, new DeletionAttempts.Item(keyArn, why, aliasName, clock.instant()));
      withKey(log.atDebug(), keyArn, aliasName)
          .addKeyValue("reason", why)
          .log("Key queued for deletion");
      scheduleWake();
      return true;
    }
  }

  /**
   * Starts working through the queue; keys queued before stay queued until then.
   *
   * @param inUse whether this server still uses a key (by key ARN); such a key is never deleted
   */
  synchronized void start(Predicate<String> inUse) {
    this.inUse = Objects.requireNonNull(inUse, "inUse");
    if (journal != null) {
      int replayed = 0;
      for (Map.Entry<String, String> entry : journal.entries().entrySet()) {
        if (!items.containsKey(entry.getKey()) && items.size() < settings.queueCapacity()) {
          items.put(
              entry.getKey(),
              new DeletionAttempts.Item(
                  entry.getKey(),
                  entry.getValue() + " (from the deletion journal)",
                  null,
                  clock.instant()));
          replayed++;
        }
      }
      if (replayed > 0) {
        log.atInfo()
            .addKeyValue("journal_file", journal.file().toString())
            .addKeyValue("count", replayed)
            .log("Keys left in the deletion journal by an earlier run are queued again");
      }
    }
    scheduleWake();
  }

  /** Tells {@code reports} how each attempt ends. */
  synchronized void reportTo(LifecycleReports reports) {
    this.reports = Objects.requireNonNull(reports, "reports");
  }

  synchronized int size() {
    return items.size();
  }

  synchronized int remainingCapacity() {
    return closed ? 0 : settings.queueCapacity() - items.size();
  }

  synchronized boolean contains(String keyArn) {
    return items.containsKey(keyArn);
  }

  /** Stops the queue: no KMS call starts after this, and the keys left are counted in the log. */
  void close() {
    List<DeletionAttempts.Item> left;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (wake != null) {
        wake.cancel();
        wake = null;
      }
      left = List.copyOf(items.values());
      items.clear();
    }
    if (left.isEmpty()) {
      return;
    }
    for (DeletionAttempts.Item item : left) {
      withKey(log.atDebug(), item.keyArn, item.aliasName)
          .addKeyValue("reason", item.reason)
          .log("Key left in the deletion queue at shutdown");
    }
    if (journal != null) {
      log.atInfo()
          .addKeyValue("count", left.size())
          .addKeyValue("journal_file", journal.file().toString())
          .log(
              "Deletion queue stopped with keys not yet scheduled for deletion; they stay in the"
                  + " deletion journal and are queued again at the next start");
      return;
    }
    log.atWarn().addKeyValue("count", left.size()).log(LifecycleMessages.QUEUE_STOPPED_WITH_KEYS);
  }

  // caller holds the lock
  private void scheduleWake() {
    if (closed || inUse == null || stepping || items.isEmpty()) {
      return;
    }
    Instant due = nextStepAllowed;
    Instant earliest = null;
    for (DeletionAttempts.Item item : items.values()) {
      if (earliest == null || item.notBefore.isBefore(earliest)) {
        earliest = item.notBefore;
      }
    }
    if (earliest.isAfter(due)) {
      due = earliest;
    }
    if (wake != null) {
      if (!wakeAt.isAfter(due)) {
        return;
      }
      wake.cancel();
    }
    Duration delay = Duration.between(clock.instant(), due);
    wakeAt = due;
    wake = scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, this::step);
  }

  private void step() {
    DeletionAttempts.Item item = null;
    Predicate<String> used;
    synchronized (this) {
      wake = null;
      wakeAt = null;
      if (closed) {
        return;
      }
      Instant now = clock.instant();
      for (DeletionAttempts.Item candidate : items.values()) {
        if (!candidate.notBefore.isAfter(now)
            && (item == null || candidate.notBefore.isBefore(item.notBefore))) {
          item = candidate;
        }
      }
      if (item == null) {
        scheduleWake();
        return;
      }
      stepping = true;
      used = inUse;
    }
    long before = kms.calls();
    long failuresBefore = kms.failures();
    DeletionAttempts.Outcome outcome;
    try {
      outcome = attempts.attempt(item, used);
    } catch (StoppedException stopped) {
      outcome = DeletionAttempts.Outcome.STOPPED;
    } catch (RuntimeException e) {
      outcome = attempts.retry(item, String.format(LifecycleMessages.UNEXPECTED_ERROR, e));
    }
    if (outcome == DeletionAttempts.Outcome.DONE && journal != null) {
      journal.removeOrLog(item.keyArn, log);
    }
    synchronized (this) {
      stepping = false;
      if (outcome == DeletionAttempts.Outcome.DONE
          || outcome == DeletionAttempts.Outcome.GIVEN_UP) {
        items.remove(item.keyArn);
      } else if (outcome == DeletionAttempts.Outcome.RETRY) {
        item.failures++;
        item.notBefore = clock.instant().plus(backoff(item.failures));
      }
      nextStepAllowed =
          clock.instant().plus(settings.callInterval().multipliedBy(kms.calls() - before));
      scheduleWake();
    }
    report(outcome, failuresBefore);
  }

  private void report(DeletionAttempts.Outcome outcome, long failuresBefore) {
    LifecycleReports to;
    int length;
    Instant next;
    synchronized (this) {
      if (closed) {
        return;
      }
      to = reports;
      length = items.size();
      next = wakeAt;
    }
    Instant now = clock.instant();
    if (kms.failures() > failuresBefore) {
      to.failed(LifecycleReports.DELETION_QUEUE, kms.lastFailure(), now);
    }
    to.ran(
        LifecycleReports.DELETION_QUEUE,
        now,
        outcome == DeletionAttempts.Outcome.DONE ? "ok" : "failed",
        Map.of("queued", length),
        java.util.Optional.ofNullable(next));
  }

  /** The wait after the {@code failures}-th failure: 1 s, 2 s, 4 s, … up to the maximum. */
  Duration backoff(int failures) {
    return attempts.backoff(failures);
  }

  private static LoggingEventBuilder withKey(
      LoggingEventBuilder event, String keyArn, String aliasName) {
    event.addKeyValue("key_arn", keyArn);
    if (aliasName != null) {
      event.addKeyValue("alias_name", aliasName);
    }
    return event;
  }
}
