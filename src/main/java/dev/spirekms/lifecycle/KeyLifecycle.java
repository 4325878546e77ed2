package dev.spirekms.lifecycle;

import dev.spirekms.config.DisposalMode;
import dev.spirekms.keys.DeletionQueue;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KmsKeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;

/**
 * The background work around one {@link KmsKeyStore}: the deletion queue, the alias refresh (every
 * 6 h), the stale alias disposal (every 24 h) and the orphan key sweep (every 48 h).
 *
 * <p>Use: create it, hand {@link #deletionQueue()} to {@link KmsKeyStore#open}, then {@link
 * #start(KmsKeyStore)}. {@link #close()} stops everything at once; a re-Configure builds a new
 * lifecycle. The lifecycle owns its scheduler and shuts it down on close.
 */
public final class KeyLifecycle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyLifecycle.class);

  /** The name of the production scheduler's thread. */
  public static final String THREAD_NAME = "kms-key-lifecycle";

  private final LifecycleKms kms;
  private final KeyNaming naming;
  private final LifecycleSettings settings;
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final Logger log;
  private final StopSwitch stop = new StopSwitch();
  private final KmsDeletionQueue queue;
  private volatile LifecycleReports reports = LifecycleReports.NONE;

  // guarded by this
  private AliasRefresher refresher;
  private StaleAliasDisposer disposer;
  private OrphanKeySweeper sweeper;
  private LivenessRefresher liveness;
  private StaleTaggedKeyDisposer staleKeys;
  private ReplicaRepairer repairer;
  private boolean closed;

  /**
   * @param scheduler runs every task of this lifecycle; shut down by {@link #close()}
   */
  public KeyLifecycle(
      KmsClient kms,
      KeyNaming naming,
      LifecycleSettings settings,
      Clock clock,
      TaskScheduler scheduler) {
    this(kms, naming, settings, clock, scheduler, LOG);
  }

  KeyLifecycle(
      KmsClient kms,
      KeyNaming naming,
      LifecycleSettings settings,
      Clock clock,
      TaskScheduler scheduler,
      Logger log) {
    this(kms, null, naming, settings, clock, scheduler, log);
  }

  /**
   * @param tagging the Resource Groups Tagging API for tag mode; null for alias mode
   * @param scheduler runs every task of this lifecycle; shut down by {@link #close()}
   */
  public KeyLifecycle(
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      KeyNaming naming,
      LifecycleSettings settings,
      Clock clock,
      TaskScheduler scheduler) {
    this(kms, tagging, naming, settings, clock, scheduler, LOG);
  }

  KeyLifecycle(
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      KeyNaming naming,
      LifecycleSettings settings,
      Clock clock,
      TaskScheduler scheduler,
      Logger log) {
    this.kms = new LifecycleKms(Objects.requireNonNull(kms, "kms"), tagging, stop);
    this.naming = Objects.requireNonNull(naming, "naming");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.log = log;
    this.queue = new KmsDeletionQueue(this.kms.forTask(), naming, settings, clock, scheduler, log);
  }

  /** A lifecycle on the system clock and a scheduler thread of its own. */
  public static KeyLifecycle create(KmsClient kms, KeyNaming naming, LifecycleSettings settings) {
    return new KeyLifecycle(
        kms, naming, settings, Clock.systemUTC(), ExecutorTaskScheduler.create(THREAD_NAME));
  }

  /**
   * A lifecycle on the system clock and a scheduler thread of its own, telling {@code reports} how
   * each background run ends.
   */
  public static KeyLifecycle create(
      KmsClient kms, KeyNaming naming, LifecycleSettings settings, LifecycleReports reports) {
    KeyLifecycle lifecycle = create(kms, naming, settings);
    lifecycle.reportTo(reports);
    return lifecycle;
  }

  /**
   * A tag-mode lifecycle (with {@code tagging}; alias mode without) on the system clock and a
   * scheduler thread of its own, telling {@code reports} how each background run ends.
   */
  public static KeyLifecycle create(
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      KeyNaming naming,
      LifecycleSettings settings,
      LifecycleReports reports) {
    KeyLifecycle lifecycle =
        new KeyLifecycle(
            kms,
            tagging,
            naming,
            settings,
            Clock.systemUTC(),
            ExecutorTaskScheduler.create(THREAD_NAME));
    lifecycle.reportTo(reports);
    return lifecycle;
  }

  /** Tells {@code reports} how each background run ends; call before {@link #start}. */
  public void reportTo(LifecycleReports reports) {
    this.reports = Objects.requireNonNull(reports, "reports");
    queue.reportTo(reports);
  }

  /** How many keys wait in the deletion queue, retries included. */
  public int deletionQueueLength() {
    return queue.size();
  }

  /** The queue to hand to {@link KmsKeyStore#open}; it starts deleting at {@link #start}. */
  public DeletionQueue deletionQueue() {
    return queue;
  }

  /**
   * Starts the deletion queue (replaying its journal, if any) and the periodic tasks for the
   * store's keys. The alias refresh first runs one full interval from now (as upstream aws_kms);
   * the stale alias disposal and the orphan sweep first run a few minutes from now (upstream waits
   * a full interval), then on their intervals.
   *
   * @throws IllegalStateException when already started or closed
   * @throws IllegalArgumentException when the store names its keys differently
   */
  public synchronized void start(KmsKeyStore store) {
    if (closed) {
      throw new IllegalStateException("key lifecycle is closed");
    }
    if (refresher != null) {
      throw new IllegalStateException("key lifecycle is already started");
    }
    KeyNaming storeNaming = store.naming();
    if (!storeNaming.serverAliasPrefix().equals(naming.serverAliasPrefix())
        || !storeNaming.descriptionPrefix().equals(naming.descriptionPrefix())) {
      throw new IllegalArgumentException(
          "key store names keys under "
              + storeNaming.serverAliasPrefix()
              + " but the lifecycle was made for "
              + naming.serverAliasPrefix());
    }
    Predicate<String> inUse = store::holds;
    CleanupScope scope =
        new CleanupScope(naming, queue, inUse, settings, clock, scheduler, stop, log);
    refresher = new AliasRefresher(store, kms.forTask(), settings, scheduler, stop, log);
    disposer = new StaleAliasDisposer(scope, kms.forTask());
    sweeper = new OrphanKeySweeper(scope, kms.forTask());
    refresher.task().reportTo(LifecycleReports.ALIAS_REFRESH, reports, clock);
    disposer.task().reportTo(LifecycleReports.STALE_ALIAS_DISPOSAL, reports, clock);
    sweeper.task().reportTo(LifecycleReports.ORPHAN_KEY_SWEEP, reports, clock);
    if (kms.tagBased() != store.tagBased()) {
      throw new IllegalArgumentException(
          "key store and lifecycle disagree on tag-based discovery: store "
              + store.tagBased()
              + ", lifecycle "
              + kms.tagBased());
    }
    kms.replicateTo(store.replication());
    if (store.replication().enabled()) {
      repairer = new ReplicaRepairer(store, kms.forTask(), settings, clock, scheduler, stop, log);
      repairer.reportTo(reports);
      repairer.task().every(ReplicaRepairer.INTERVAL);
    }
    queue.start(inUse);
    // kept in tag mode too, as upstream: alias-mode servers of the trust domain judge this
    // server's liveness by its aliases, and a switch back to alias mode finds them fresh
    refresher.task().every(settings.refreshInterval());
    // Cleanup runs soon after every start, not one full interval later: a server that restarts
    // more often than the interval would otherwise never clean up. The orphan sweep's minimum
    // age still keeps it away from keys another replica is creating.
    if (kms.tagBased()) {
      liveness = new LivenessRefresher(store, kms.forTask(), settings, clock, scheduler, stop, log);
      staleKeys = new StaleTaggedKeyDisposer(scope, kms.forTask());
      liveness.task().reportTo(LifecycleReports.LIVENESS_REFRESH, reports, clock);
      staleKeys.task().reportTo(LifecycleReports.STALE_KEY_DISPOSAL, reports, clock);
      // upstream tag mode: liveness every 6 h, other servers' stale keys every 48 h, and no
      // listing of every alias of the account
      liveness.task().every(settings.refreshInterval());
      staleKeys.task().every(firstRun(), settings.sweepInterval());
    } else {
      disposer.task().every(firstRun(), settings.disposeInterval());
    }
    sweeper.task().every(firstRun(), settings.sweepInterval());
    var started = log.atInfo();
    if (store.replication().enabled()) {
      // cleanup lists these regions too, and the home region
      started.addKeyValue("replica_regions", String.join(",", store.replication().regions()));
    }
    started
        .addKeyValue("server_id", naming.serverId())
        .addKeyValue("key_discovery", kms.tagBased() ? "tags" : "aliases")
        .addKeyValue("disposal_mode", settings.mode().configValue())
        .addKeyValue("pending_window_days", settings.pendingWindowDays())
        .addKeyValue("stale_alias_threshold", Ages.format(settings.staleAliasThreshold()))
        .log(
            settings.mode() == DisposalMode.REPORT
                ? "Key cleanup started in report mode: what would be deleted is logged, and"
                    + " nothing is deleted"
                : "Key cleanup started");
  }

  private Duration firstRun() {
    long jitterMillis = settings.firstRunJitter().toMillis();
    long extra = jitterMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterMillis + 1);
    return settings.firstRunDelay().plusMillis(extra);
  }

  /**
   * Stops everything: no KMS call starts after this returns, pending retries and runs are
   * cancelled, and the scheduler is shut down. A call already under way finishes on its own.
   * Idempotent.
   */
  @Override
  public void close() {
    AliasRefresher r;
    StaleAliasDisposer d;
    OrphanKeySweeper s;
    LivenessRefresher l;
    StaleTaggedKeyDisposer k;
    ReplicaRepairer p;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stop.stop();
      r = refresher;
      d = disposer;
      s = sweeper;
      l = liveness;
      k = staleKeys;
      p = repairer;
    }
    if (p != null) {
      p.task().cancel();
    }
    if (r != null) {
      r.task().cancel();
      d.task().cancel();
      s.task().cancel();
    }
    if (l != null) {
      l.task().cancel();
      k.task().cancel();
    }
    queue.close();
    scheduler.shutdown();
  }

  /**
   * After {@link #close()}, waits at most {@code timeout} for a KMS call already under way, so that
   * the SDK clients can be closed without failing it half-way.
   *
   * @return whether the background work has ended
   */
  public boolean awaitStopped(Duration timeout) {
    try {
      return scheduler.awaitTermination(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  KmsDeletionQueue queue() {
    return queue;
  }

  synchronized AliasRefresher refresher() {
    return refresher;
  }

  synchronized StaleAliasDisposer disposer() {
    return disposer;
  }

  synchronized OrphanKeySweeper sweeper() {
    return sweeper;
  }

  synchronized LivenessRefresher liveness() {
    return liveness;
  }

  synchronized StaleTaggedKeyDisposer staleKeys() {
    return staleKeys;
  }

  synchronized ReplicaRepairer repairer() {
    return repairer;
  }
}
