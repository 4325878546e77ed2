package dev.spirekms.lifecycle;

import dev.spirekms.config.DisposalMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the background key lifecycle runs. The intervals and thresholds default to upstream
 * aws_kms's; build with {@link #builder()}, which checks every rule.
 *
 * @param pendingWindowDays KMS waiting period for ScheduleKeyDeletion, 7 to 30 days
 * @param staleAliasThreshold how long another server's alias may go without a refresh before it is
 *     deleted, at least one day
 * @param mode delete, or only report what would be deleted
 * @param queueCapacity how many keys the deletion queue holds, retries included
 * @param refreshInterval how often this server's aliases are refreshed
 * @param disposeInterval how often stale aliases of other servers are looked for
 * @param sweepInterval how often orphaned keys are looked for
 * @param orphanMinimumAge how old a key without an alias must be before it counts as orphaned
 * @param callInterval the pacing of each task: on average one KMS call per interval
 * @param initialBackoff the wait before the first retry of a failed deletion
 * @param maxBackoff the longest wait between two retries of one key
 * @param firstRunDelay how long after start the stale alias disposal and the orphan sweep first run
 * @param firstRunJitter up to this much is added at random to {@code firstRunDelay}, so servers
 *     started together do not list the account at the same moment
 * @param journalFile the deletion journal, which keeps queued keys across crashes; empty for none
 */
public record LifecycleSettings(
    int pendingWindowDays,
    Duration staleAliasThreshold,
    DisposalMode mode,
    int queueCapacity,
    Duration refreshInterval,
    Duration disposeInterval,
    Duration sweepInterval,
    Duration orphanMinimumAge,
    Duration callInterval,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration firstRunDelay,
    Duration firstRunJitter,
    Optional<Path> journalFile) {

  // KMS ScheduleKeyDeletion: PendingWindowInDays is 7 to 30; upstream aws_kms uses 7
  public static final int MIN_PENDING_WINDOW_DAYS = 7;
  public static final int MAX_PENDING_WINDOW_DAYS = 30;
  public static final int DEFAULT_PENDING_WINDOW_DAYS = 7;
  // upstream aws_kms: aliases not refreshed for two weeks belong to a stopped server
  public static final Duration DEFAULT_STALE_ALIAS_THRESHOLD = Duration.ofDays(14);
  public static final Duration MIN_STALE_ALIAS_THRESHOLD = Duration.ofDays(1);
  public static final int DEFAULT_QUEUE_CAPACITY = 500;
  // upstream aws_kms task intervals: refresh 6 h, alias disposal 24 h, orphan keys 48 h
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofHours(6);
  public static final Duration DEFAULT_DISPOSE_INTERVAL = Duration.ofHours(24);
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofHours(48);
  public static final Duration DEFAULT_ORPHAN_MINIMUM_AGE = Duration.ofHours(48);

  /** Two calls a second per task; KMS allows 5 a second for each mutating control-plane call. */
  public static final Duration DEFAULT_CALL_INTERVAL = Duration.ofMillis(500);

  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
  public static final Duration DEFAULT_FIRST_RUN_DELAY = Duration.ofMinutes(2);
  public static final Duration DEFAULT_FIRST_RUN_JITTER = Duration.ofMinutes(3);

  public LifecycleSettings {
    Objects.requireNonNull(staleAliasThreshold, "staleAliasThreshold");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(disposeInterval, "disposeInterval");
    Objects.requireNonNull(sweepInterval, "sweepInterval");
    Objects.requireNonNull(orphanMinimumAge, "orphanMinimumAge");
    Objects.requireNonNull(callInterval, "callInterval");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(firstRunDelay, "firstRunDelay");
    Objects.requireNonNull(firstRunJitter, "firstRunJitter");
    Objects.requireNonNull(journalFile, "journalFile");
    if (firstRunDelay.isNegative() || firstRunJitter.isNegative()) {
      throw new IllegalArgumentException("first-run delay and jitter must not be negative");
    }
    if (pendingWindowDays < MIN_PENDING_WINDOW_DAYS
        || pendingWindowDays > MAX_PENDING_WINDOW_DAYS) {
      throw new IllegalArgumentException(
          "key_deletion_pending_window_days must be between 7 and 30, got " + pendingWindowDays);
    }
    if (staleAliasThreshold.compareTo(MIN_STALE_ALIAS_THRESHOLD) < 0) {
      throw new IllegalArgumentException(
          "stale_alias_threshold must be at least 1 day, got " + staleAliasThreshold);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("deletion queue capacity must be at least 1");
    }
    requirePositive(refreshInterval, "alias refresh interval");
    requirePositive(disposeInterval, "alias disposal interval");
    requirePositive(sweepInterval, "orphan sweep interval");
    requirePositive(initialBackoff, "initial backoff");
    if (orphanMinimumAge.isNegative()) {
      throw new IllegalArgumentException("orphan minimum age must not be negative");
    }
    if (callInterval.isNegative()) {
      throw new IllegalArgumentException("call interval must not be negative");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maximum backoff must not be shorter than the initial one");
    }
    // a live server gets at least two refreshes in before its aliases count as stale
    if (staleAliasThreshold.compareTo(refreshInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "stale_alias_threshold must be at least twice the alias refresh interval ("
              + refreshInterval
              + "), got "
              + staleAliasThreshold);
    }
  }

  /** Upstream aws_kms's values, in delete mode. */
  public static LifecycleSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .pendingWindowDays(pendingWindowDays)
        .staleAliasThreshold(staleAliasThreshold)
        .mode(mode)
        .queueCapacity(queueCapacity)
        .refreshInterval(refreshInterval)
        .disposeInterval(disposeInterval)
        .sweepInterval(sweepInterval)
        .orphanMinimumAge(orphanMinimumAge)
        .callInterval(callInterval)
        .initialBackoff(initialBackoff)
        .maxBackoff(maxBackoff)
        .firstRunDelay(firstRunDelay)
        .firstRunJitter(firstRunJitter)
        .journalFile(journalFile.orElse(null));
  }

  private static void requirePositive(Duration d, String what) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive");
    }
  }

  /** Builds {@link LifecycleSettings}; every field starts at its default. */
  public static final class Builder {
    private int pendingWindowDays = DEFAULT_PENDING_WINDOW_DAYS;
    private Duration staleAliasThreshold = DEFAULT_STALE_ALIAS_THRESHOLD;
    private DisposalMode mode = DisposalMode.DELETE;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private Duration disposeInterval = DEFAULT_DISPOSE_INTERVAL;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    private Duration orphanMinimumAge = DEFAULT_ORPHAN_MINIMUM_AGE;
    private Duration callInterval = DEFAULT_CALL_INTERVAL;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration firstRunDelay = DEFAULT_FIRST_RUN_DELAY;
    private Duration firstRunJitter = DEFAULT_FIRST_RUN_JITTER;
    private Path journalFile;

    private Builder() {}

    public Builder firstRunDelay(Duration delay) {
      this.firstRunDelay = delay;
      return this;
    }

    public Builder firstRunJitter(Duration jitter) {
      this.firstRunJitter = jitter;
      return this;
    }

    /** The deletion journal's file; {@code null} for none. */
    public Builder journalFile(Path file) {
      this.journalFile = file;
      return this;
    }

    public Builder pendingWindowDays(int days) {
      this.pendingWindowDays = days;
      return this;
    }

    public Builder staleAliasThreshold(Duration threshold) {
      this.staleAliasThreshold = threshold;
      return this;
    }

    public Builder mode(DisposalMode mode) {
      this.mode = mode;
      return this;
    }

    public Builder queueCapacity(int capacity) {
      this.queueCapacity = capacity;
      return this;
    }

    public Builder refreshInterval(Duration interval) {
      this.refreshInterval = interval;
      return this;
    }

    public Builder disposeInterval(Duration interval) {
      this.disposeInterval = interval;
      return this;
    }

    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = interval;
      return this;
    }

    public Builder orphanMinimumAge(Duration age) {
      this.orphanMinimumAge = age;
      return this;
    }

    public Builder callInterval(Duration interval) {
      this.callInterval = interval;
      return this;
    }

    public Builder initialBackoff(Duration backoff) {
      this.initialBackoff = backoff;
      return this;
    }

    public Builder maxBackoff(Duration backoff) {
      this.maxBackoff = backoff;
      return this;
    }

    /** Checks every rule; the first broken one is thrown as an IllegalArgumentException. */
    public LifecycleSettings build() {
      return new LifecycleSettings(
          pendingWindowDays,
          staleAliasThreshold,
          mode,
          queueCapacity,
          refreshInterval,
          disposeInterval,
          sweepInterval,
          orphanMinimumAge,
          callInterval,
          initialBackoff,
          maxBackoff,
          firstRunDelay,
          firstRunJitter,
          Optional.ofNullable(journalFile));
    }
  }
}
