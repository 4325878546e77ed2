package dev.spirekms.lifecycle;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.config.DisposalMode;
import dev.spirekms.keys.KeyNaming;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.MultiRegionConfiguration;
import software.amazon.awssdk.services.kms.model.MultiRegionKey;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

/**
 * One attempt at deleting a queued key, with every check before it: the key must be a SPIRE key of
 * this trust domain, enabled or disabled, with no alias at all, and not used by this server. Says
 * how the attempt ended and logs it once; the queue keeps the keys, their order and their backoff.
 */
final class DeletionAttempts {
  private final LifecycleKms kms;
  private final KeyNaming naming;
  private final LifecycleSettings settings;
  private final Clock clock;
  private final Logger log;
  private final boolean journaled;

  DeletionAttempts(
      LifecycleKms kms,
      KeyNaming naming,
      LifecycleSettings settings,
      Clock clock,
      Logger log,
      boolean journaled) {
    this.kms = kms;
    this.naming = naming;
    this.settings = settings;
    this.clock = clock;
    this.log = log;
    this.journaled = journaled;
  }

  /** Attempts per key before it is given up (about 15 minutes of backoff). */
  static final int MAX_ATTEMPTS = 20;

  /** Attempts per key when KMS denies access. */
  static final int MAX_ATTEMPTS_DENIED = 3;

  /** One queued key, with its failures so far and when it may be tried next. */
  static final class Item {
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
  enum Outcome {
    /** Scheduled, reported, or dropped for good: the key leaves the queue and the journal. */
    DONE,
    /** Given up after too many failures: the key leaves the queue but stays in the journal. */
    GIVEN_UP,
    /** Try again after the key's backoff. */
    RETRY,
    /** The lifecycle closed during the attempt. */
    STOPPED
  }

  Outcome attempt(Item item, Predicate<String> used) {
    String arn = item.keyArn;
    KeyMetadata key;
    try {
      key = kms.describeKey(arn);
    } catch (KmsCallException e) {
      return failed(item, e);
    }
    if (key == null) {
      return drop(item, Level.ERROR, LifecycleMessages.NO_KEY_METADATA);
    }
    if (!naming.isTrustDomainDescription(key.description())) {
      return drop(
          item, Level.WARN, String.format(LifecycleMessages.NOT_A_SPIRE_KEY, key.description()));
    }
    KeyState state = key.keyState();
    if (state == KeyState.PENDING_DELETION || state == KeyState.PENDING_REPLICA_DELETION) {
      return drop(item, Level.INFO, LifecycleMessages.ALREADY_PENDING_DELETION);
    }
    if (state != KeyState.ENABLED && state != KeyState.DISABLED) {
      return drop(
          item, Level.WARN, String.format(LifecycleMessages.KEY_IN_STATE, key.keyStateAsString()));
    }
    List<AliasListEntry> aliases;
    try {
      aliases = kms.aliasesOf(arn, 1);
    } catch (KmsCallException e) {
      return failed(item, e);
    }
    if (!aliases.isEmpty()) {
      return drop(
          item,
          Level.WARN,
          String.format(LifecycleMessages.ALIAS_STILL_POINTS, aliases.get(0).aliasName()));
    }
    if (used.test(arn)) {
      return drop(item, Level.WARN, LifecycleMessages.STILL_USED);
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
    Outcome replicas = scheduleReplicasFirst(item, key);
    if (replicas != null) {
      return replicas;
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
    if (kms.tagBased()) {
      // upstream tag mode: inactive only once the deletion is scheduled
      InactiveMark.apply(kms, arn, log);
    }
    return Outcome.DONE;
  }

  /**
   * Schedules the deletion of a multi-Region primary key's replicas, each in its region, before the
   * primary's own: KMS keeps a primary in PendingReplicaDeletion until its replicas are deleted
   * (Developer Guide, Deleting multi-Region keys). A replica that an alias still points at, or in a
   * region this server does not reach, is left, with a warning; the primary then waits for it.
   *
   * @return null to go on with the primary, or how the attempt ended
   */
  private Outcome scheduleReplicasFirst(Item item, KeyMetadata key) {
    MultiRegionConfiguration regions = key.multiRegionConfiguration();
    if (regions == null || regions.multiRegionKeyType() != MultiRegionKeyType.PRIMARY) {
      return null;
    }
    for (MultiRegionKey replica : regions.replicaKeys()) {
      if (!kms.reaches(replica.region())) {
        withKey(log.atWarn(), replica.arn(), item.aliasName)
            .addKeyValue("region", replica.region())
            .log(LifecycleMessages.REPLICA_NOT_REACHED);
        continue;
      }
      try {
        KeyMetadata metadata = kms.describeKey(replica.arn());
        if (metadata.keyState() == KeyState.PENDING_DELETION) {
          continue;
        }
        List<AliasListEntry> aliases = kms.aliasesOf(replica.arn(), 1);
        if (!aliases.isEmpty()) {
          withKey(log.atWarn(), replica.arn(), aliases.get(0).aliasName())
              .addKeyValue("region", replica.region())
              .log(LifecycleMessages.REPLICA_ALIAS_STILL_POINTS);
          continue;
        }
        kms.scheduleKeyDeletion(replica.arn(), settings.pendingWindowDays());
        withKey(log.atInfo(), replica.arn(), item.aliasName)
            .addKeyValue("region", replica.region())
            .addKeyValue("pending_window_days", settings.pendingWindowDays())
            .log("Replica key scheduled for deletion");
      } catch (KmsCallException e) {
        if (e.kind() != KmsCallException.Kind.NOT_FOUND) {
          return retry(item, e.getMessage());
        }
      }
    }
    return null;
  }

  /** KMS outcomes: no such key, an invalid ARN and an invalid state are final; the rest retry. */
  private Outcome failed(Item item, KmsCallException e) {
    // upstream aws_kms drops the key on these three, logging each once with its reason
    return switch (e.kind()) {
      case NOT_FOUND -> drop(item, Level.INFO, LifecycleMessages.NO_SUCH_KEY);
      case INVALID_ARN -> drop(item, Level.ERROR, LifecycleMessages.INVALID_ARN);
      case INVALID_STATE -> drop(item, Level.INFO, LifecycleMessages.STATE_RULES_OUT_DELETION);
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
              String.format(
                  LifecycleMessages.GAVE_UP,
                  attempt,
                  e.getMessage(),
                  !journaled
                      ? LifecycleMessages.GAVE_UP_SWEEP_FINDS
                      : LifecycleMessages.GAVE_UP_JOURNALED));
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
        .log(LifecycleMessages.KEY_NOT_SCHEDULED);
    return Outcome.DONE;
  }

  Outcome retry(Item item, String why) {
    int attempt = item.failures + 1;
    withKey(log.atWarn(), item.keyArn, item.aliasName)
        .addKeyValue("reason", why)
        .addKeyValue("attempt", attempt)
        .addKeyValue("retry_in", Ages.format(backoff(attempt)))
        .log(LifecycleMessages.DELETION_RETRY);
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
