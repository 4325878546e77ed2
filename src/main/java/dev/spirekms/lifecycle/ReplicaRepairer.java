package dev.spirekms.lifecycle;

import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.ReplicaGaps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;

/**
 * Retries the replicas, and replica aliases, that GenerateKey could not make (a replica region that
 * did not answer, a missing permission there). Each key has its own backoff on the lifecycle's
 * clock, from {@link #FIRST_BACKOFF} doubling to {@link #MAX_BACKOFF}; a run makes no call at all
 * when nothing is due, so it runs often.
 */
final class ReplicaRepairer {
  /** How often the task looks for due gaps. */
  static final Duration INTERVAL = Duration.ofSeconds(10);

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofHours(1);

  /** What one run did; {@code waiting} is how many gaps are left. */
  record Summary(int made, int failed, int waiting) {}

  private final KmsKeyStore store;
  private final Clock clock;
  private final Logger log;
  private final PacedTask<Summary> task;
  private volatile LifecycleReports reports = LifecycleReports.NONE;

  ReplicaRepairer(
      KmsKeyStore store,
      LifecycleKms kms,
      LifecycleSettings settings,
      Clock clock,
      TaskScheduler scheduler,
      StopSwitch stop,
      Logger log) {
    this.store = store;
    this.clock = clock;
    this.log = log;
    this.task =
        new PacedTask<>(
            "replica repair", Run::new, scheduler, settings.callInterval(), kms, stop, log);
  }

  CompletableFuture<Summary> runOnce() {
    return task.runOnce();
  }

  PacedTask<Summary> task() {
    return task;
  }

  /**
   * Reports each run that had work to {@code reports}, and each failed retry as the task's last
   * error, which the status report keeps and {@code doctor} shows. Runs with nothing due are not
   * reported: the task looks every few seconds, and each report rewrites the status file.
   */
  void reportTo(LifecycleReports reports) {
    this.reports = reports;
  }

  /** The wait after the {@code failures}-th failure. */
  static Duration backoff(int failures) {
    Duration wait = FIRST_BACKOFF;
    for (int i = 1; i < failures && wait.compareTo(MAX_BACKOFF) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
  }

  private final class Run implements PacedTask.Run<Summary> {
    private final List<ReplicaGaps.Gap> due = store.replication().gaps().due(clock.instant());
    private int next;
    private int made;
    private int failed;

    @Override
    public PacedTask.Next step() {
      if (next >= due.size()) {
        if (!due.isEmpty()) {
          Summary summary = summary();
          reports.ran(
              LifecycleReports.REPLICA_REPAIR,
              clock.instant(),
              summary.failed() > 0 ? "failed" : "ok",
              PacedTask.counts(summary),
              Optional.of(clock.instant().plus(INTERVAL)));
        }
        return PacedTask.Next.DONE;
      }
      ReplicaGaps.Gap gap = due.get(next++);
      Optional<KmsKeyStore.Repair> repair = store.repair(gap);
      if (repair.isEmpty()) {
        // being rotated: the rotation makes replicas of its own key
        return PacedTask.Next.MORE;
      }
      switch (repair.get()) {
        case MADE -> made++;
        case SUPERSEDED -> {}
        case FAILED -> {
          failed++;
          backOff(gap);
        }
      }
      // the store's calls are not counted by the task's client: pace them here
      return PacedTask.Next.after(Duration.ofMillis(500));
    }

    @Override
    public Summary summary() {
      return new Summary(made, failed, store.replication().gaps().size());
    }
  }

  private void backOff(ReplicaGaps.Gap before) {
    ReplicaGaps gaps = store.replication().gaps();
    ReplicaGaps.Gap now =
        gaps.all().stream()
            .filter(g -> g.spireKeyId().equals(before.spireKeyId()))
            .filter(g -> g.region().equals(before.region()))
            .findFirst()
            .orElse(before);
    int failures = before.failures() + 1;
    Duration wait = backoff(failures);
    Instant at = clock.instant().plus(wait);
    gaps.record(
        new ReplicaGaps.Gap(
            now.spireKeyId(),
            now.keyArn(),
            now.aliasName(),
            now.region(),
            now.replicaMade(),
            failures,
            at,
            now.reason()));
    log.atWarn()
        .addKeyValue("spire_key_id", now.spireKeyId())
        .addKeyValue("key_arn", now.replicaArn())
        .addKeyValue("region", now.region())
        .addKeyValue("missing", now.missing())
        .addKeyValue("attempt", failures)
        .addKeyValue("retry_in", Ages.format(wait))
        .addKeyValue("reason", now.reason())
        .log(LifecycleMessages.REPLICA_RETRY_FAILED);
    reports.failed(
        LifecycleReports.REPLICA_REPAIR,
        String.format(
            LifecycleMessages.REPLICA_MISSING, now.missing(), now.replicaArn(), now.reason()),
        clock.instant());
  }
}
