package dev.spirekms.lifecycle;

import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A background task whose runs are chains of scheduled steps. After a step that made {@code n} KMS
 * calls, the next step waits {@code n} call intervals, so the task averages at most one call per
 * interval however much work a run finds. Runs never overlap, and an error ends only the run.
 *
 * @param <S> what a run reports when it ends
 */
final class PacedTask<S> {

  /** One run: a step at a time, then its summary. */
  interface Run<S> {
    /** Does the next piece of work, with at most a few KMS calls. */
    Next step();

    /** What the run did, also when it ended early. */
    S summary();
  }

  /** What a step asks for: the end of the run, or another step (after an extra wait). */
  record Next(boolean done, Duration extraWait) {
    static final Next DONE = new Next(true, Duration.ZERO);
    static final Next MORE = new Next(false, Duration.ZERO);

    static Next after(Duration wait) {
      return new Next(false, wait);
    }
  }

  private final String name;
  private final Supplier<Run<S>> runs;
  private final TaskScheduler scheduler;
  private final Duration callInterval;
  private final LifecycleKms kms;
  private final StopSwitch stop;
  private final Logger log;

  private Run<S> run;
  private CompletableFuture<S> current;
  private TaskScheduler.Scheduled nextStep;
  private TaskScheduler.Scheduled nextRun;
  private String reportName;
  private LifecycleReports reports = LifecycleReports.NONE;
  private Clock clock;
  private Instant nextRunAt;

  PacedTask(
      String name,
      Supplier<Run<S>> runs,
      TaskScheduler scheduler,
      Duration callInterval,
      LifecycleKms kms,
      StopSwitch stop,
      Logger log) {
    this.name = name;
    this.runs = runs;
    this.scheduler = scheduler;
    this.callInterval = callInterval;
    this.kms = kms;
    this.stop = stop;
    this.log = log;
  }

  /** Tells {@code reports} how each run ends, as {@code reportName}, on {@code clock}'s time. */
  synchronized void reportTo(String reportName, LifecycleReports reports, Clock clock) {
    this.reportName = reportName;
    this.reports = reports;
    this.clock = clock;
  }

  /**
   * Starts a run; its first step is scheduled at once. If a run is still under way, no second one
   * starts, and the one under way is returned.
   */
  synchronized CompletableFuture<S> runOnce() {
    if (current != null && !current.isDone()) {
      log.atWarn().addKeyValue("task", name).log(LifecycleMessages.TASK_STILL_BUSY);
      return current;
    }
    CompletableFuture<S> started = new CompletableFuture<>();
    current = started;
    run = runs.get();
    if (clock != null) {
      long failuresBefore = kms.failures();
      LifecycleReports to = reports;
      started.whenComplete((summary, error) -> report(to, summary, error, failuresBefore));
    }
    if (stop.stopped()) {
      started.complete(run.summary());
      return started;
    }
    nextStep = scheduler.schedule(Duration.ZERO, this::step);
    return started;
  }

  /**
   * Runs the task every {@code interval}, the first time one full interval from now (as upstream).
   */
  synchronized void every(Duration interval) {
    every(interval, interval);
  }

  /** Runs the task {@code first} from now, then every {@code interval}. */
  synchronized void every(Duration first, Duration interval) {
    nextRun = scheduler.schedule(first, () -> periodic(interval));
    nextRunAt = clock == null ? null : clock.instant().plus(first);
  }

  private void periodic(Duration interval) {
    synchronized (this) {
      if (stop.stopped()) {
        return;
      }
      nextRun = scheduler.schedule(interval, () -> periodic(interval));
      nextRunAt = clock == null ? null : clock.instant().plus(interval);
    }
    runOnce();
  }

  private void report(LifecycleReports to, S summary, Throwable error, long failuresBefore) {
    if (stop.stopped()) {
      return;
    }
    Instant now = clock.instant();
    Map<String, Integer> counts = summary == null ? Map.of() : counts(summary);
    if (kms.failures() > failuresBefore) {
      to.failed(reportName, kms.lastFailure(), now);
    } else if (error != null) {
      to.failed(reportName, String.valueOf(error), now);
    }
    String result =
        error != null ? "error" : counts.getOrDefault("failed", 0) > 0 ? "failed" : "ok";
    Instant next;
    synchronized (this) {
      next = nextRunAt;
    }
    to.ran(reportName, now, result, counts, Optional.ofNullable(next));
  }

  /** A summary record's int components by name, e.g. {@code refreshed=3}. */
  static Map<String, Integer> counts(Object summary) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    RecordComponent[] components = summary.getClass().getRecordComponents();
    if (components == null) {
      return counts;
    }
    for (RecordComponent c : components) {
      if (c.getType() == int.class) {
        try {
          counts.put(snakeCase(c.getName()), (Integer) c.getAccessor().invoke(summary));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("summary component " + c.getName(), e);
        }
      }
    }
    return counts;
  }

  private static String snakeCase(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** Stops the task: no further step or run starts; a run under way ends with what it has done. */
  synchronized void cancel() {
    if (nextRun != null) {
      nextRun.cancel();
    }
    if (nextStep != null) {
      nextStep.cancel();
    }
    if (current != null && !current.isDone()) {
      current.complete(run.summary());
    }
  }

  private void step() {
    Run<S> active;
    CompletableFuture<S> result;
    synchronized (this) {
      active = run;
      result = current;
      nextStep = null;
    }
    if (result.isDone()) {
      return;
    }
    if (stop.stopped()) {
      result.complete(active.summary());
      return;
    }
    long before = kms.calls();
    Next next;
    try {
      next = active.step();
    } catch (StoppedException stopped) {
      result.complete(active.summary());
      return;
    } catch (RuntimeException e) {
      log.atError()
          .addKeyValue("task", name)
          .addKeyValue("reason", String.valueOf(e))
          .setCause(e)
          .log(LifecycleMessages.TASK_STOPPED);
      result.completeExceptionally(e);
      return;
    }
    if (next.done()) {
      result.complete(active.summary());
      return;
    }
    Duration wait = callInterval.multipliedBy(kms.calls() - before).plus(next.extraWait());
    synchronized (this) {
      if (!result.isDone()) {
        nextStep = scheduler.schedule(wait, this::step);
      }
    }
  }
}
