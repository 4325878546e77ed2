package dev.spirekms.lifecycle;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.config.DisposalMode;
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
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

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

  // all guarded by this
  private final Map<String, Item> items = new LinkedHashMap<>();
  private Predicate<String> inUse;
  private boolean closed;
  private boolean stepping;
  private Instant nextStepAllowed = Instant.MIN;
  private TaskScheduler.Scheduled wake;
  private Instant wakeAt;

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
  }

  /** One queued key. */
  /** Attempts per key before it is given up (about 15 minutes of backoff). */
  static final int MAX_ATTEMPTS = 20;

  /** Attempts per key when KMS denies access. */
  static final int MAX_ATTEMPTS_DENIED = 3;

  private static final class Item {
    final String keyArn;
    final String reason;
    final String aliasName;
    int failures;
    Instant notBefore;

    Item(String keyArn, String reason, String aliasName, Instant notBefore) {
      this.keyArn = keyArn;
      this.reason = reason;
      this.aliasName = aliasName;
      this.notBefore = notBefore;
    }
  }

  /** How one attempt ended. */
  private enum Outcome {
    /** Scheduled, reported, or dropped for good: the key leaves the queue and the journal. */
    DONE,
    /** Given up after too many failures: the key leaves the queue but stays in the journal. */
    GIVEN_UP,
    /** Try again after the key's backoff. */
    RETRY,
    /** The lifecycle closed during the attempt. */
    STOPPED
  }

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
            .log(
                "Key not queued for deletion because the plugin is stopping; the orphan key sweep"
                    + " will find it later");
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
            .log(
                "Deletion queue is full, so the key was not queued; its description still marks"
                    + " it as a SPIRE key, so the orphan key sweep will find it later");
        return false;
      }
      items.put(keyArn, new Item(keyArn, why, aliasName, clock.instant()));
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
              new Item(
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
    List<Item> left;
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
    for (Item item : left) {
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
    log.atWarn()
        .addKeyValue("count", left.size())
        .log(
            "Deletion queue stopped with keys not yet scheduled for deletion; the orphan key sweep"
                + " will find them later");
  }

  // caller holds the lock
  private void scheduleWake() {
    if (closed || inUse == null || stepping || items.isEmpty()) {
      return;
    }
    Instant due = nextStepAllowed;
    Instant earliest = null;
    for (Item item : items.values()) {
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
    Item item = null;
    Predicate<String> used;
    synchronized (this) {
      wake = null;
      wakeAt = null;
      if (closed) {
        return;
      }
      Instant now = clock.instant();
      for (Item candidate : items.values()) {
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
    Outcome outcome;
    try {
      outcome = attempt(item, used);
    } catch (StoppedException stopped) {
      outcome = Outcome.STOPPED;
    } catch (RuntimeException e) {
      outcome = retry(item, "unexpected error: " + e);
    }
    if (outcome == Outcome.DONE && journal != null) {
      journal.removeOrLog(item.keyArn, log);
    }
    synchronized (this) {
      stepping = false;
      if (outcome == Outcome.DONE || outcome == Outcome.GIVEN_UP) {
        items.remove(item.keyArn);
      } else if (outcome == Outcome.RETRY) {
        item.failures++;
        item.notBefore = clock.instant().plus(backoff(item.failures));
      }
      nextStepAllowed =
          clock.instant().plus(settings.callInterval().multipliedBy(kms.calls() - before));
      scheduleWake();
    }
  }

  private Outcome attempt(Item item, Predicate<String> used) {
    String arn = item.keyArn;
    KeyMetadata key;
    try {
      key = kms.describeKey(arn);
    } catch (KmsCallException e) {
      return failed(item, e);
    }
    if (key == null) {
      return drop(item, Level.ERROR, "DescribeKey returned no key metadata");
    }
    if (!naming.isTrustDomainDescription(key.description())) {
      return drop(
          item,
          Level.WARN,
          "its description does not mark it as a SPIRE key of this trust domain: \""
              + key.description()
              + "\"");
    }
    KeyState state = key.keyState();
    if (state == KeyState.PENDING_DELETION || state == KeyState.PENDING_REPLICA_DELETION) {
      return drop(item, Level.INFO, "the key is already pending deletion");
    }
    if (state != KeyState.ENABLED && state != KeyState.DISABLED) {
      return drop(item, Level.WARN, "the key is in state " + key.keyStateAsString());
    }
    List<AliasListEntry> aliases;
    try {
      aliases = kms.aliasesOf(arn, 1);
    } catch (KmsCallException e) {
      return failed(item, e);
    }
    if (!aliases.isEmpty()) {
      return drop(item, Level.WARN, "an alias still points to it: " + aliases.get(0).aliasName());
    }
    if (used.test(arn)) {
      return drop(item, Level.WARN, "this server still uses it");
    }
    String age = Ages.format(Ages.between(key.creationDate(), clock.instant()));
    if (settings.mode() == DisposalMode.REPORT) {
      withKey(log.atInfo(), arn, item.aliasName)
          .addKeyValue("age", age)
          .addKeyValue("reason", item.reason)
          .addKeyValue("disposal_mode", settings.mode().configValue())
          .log(
              "Key would be scheduled for deletion; disposal_mode is report, so nothing was"
                  + " deleted");
      return Outcome.DONE;
    }
    ScheduleKeyDeletionResponse response;
    try {
      response = kms.scheduleKeyDeletion(arn, settings.pendingWindowDays());
    } catch (KmsCallException e) {
      return failed(item, e);
    }
    withKey(log.atInfo(), arn, item.aliasName)
        .addKeyValue("age", age)
        .addKeyValue("reason", item.reason)
        .addKeyValue("pending_window_days", settings.pendingWindowDays())
        .addKeyValue("deletion_date", String.valueOf(response.deletionDate()))
        .log("Key scheduled for deletion");
    return Outcome.DONE;
  }

  /** KMS outcomes: no such key, an invalid ARN and an invalid state are final; the rest retry. */
  private Outcome failed(Item item, KmsCallException e) {
    // upstream aws_kms drops the key on these three, logging each once with its reason
    return switch (e.kind()) {
      case NOT_FOUND -> drop(item, Level.INFO, "no such key");
      case INVALID_ARN -> drop(item, Level.ERROR, "invalid ARN");
      case INVALID_STATE ->
          drop(
              item,
              Level.INFO,
              "the key is in a state that rules out deletion, usually already pending");
      default -> {
        int attempt = item.failures + 1;
        // a missing permission rarely heals by itself; either way, a key that keeps failing must
        // not hold a queue slot for ever and stall every cleanup behind it
        int limit =
            e.kind() == KmsCallException.Kind.ACCESS_DENIED ? MAX_ATTEMPTS_DENIED : MAX_ATTEMPTS;
        if (attempt >= limit) {
          drop(
              item,
              Level.ERROR,
              "gave up after "
                  + attempt
                  + " attempts: "
                  + e.getMessage()
                  + (journal == null
                      ? "; the orphan key sweep will find the key again"
                      : "; it stays in the deletion journal and is tried again at the next start"));
          yield Outcome.GIVEN_UP;
        }
        yield retry(item, e.getMessage());
      }
    };
  }

  private Outcome drop(Item item, Level level, String why) {
    withKey(log.atLevel(level), item.keyArn, item.aliasName)
        .addKeyValue("reason", why)
        .addKeyValue("queued_because", item.reason)
        .log("Key not scheduled for deletion");
    return Outcome.DONE;
  }

  private Outcome retry(Item item, String why) {
    int attempt = item.failures + 1;
    withKey(log.atWarn(), item.keyArn, item.aliasName)
        .addKeyValue("reason", why)
        .addKeyValue("attempt", attempt)
        .addKeyValue("retry_in", Ages.format(backoff(attempt)))
        .log("Failed to schedule key deletion; will retry");
    return Outcome.RETRY;
  }

  /** The wait after the {@code failures}-th failure: 1 s, 2 s, 4 s, … up to the maximum. */
  Duration backoff(int failures) {
    Duration wait = settings.initialBackoff();
    for (int i = 1; i < failures && wait.compareTo(settings.maxBackoff()) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
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
