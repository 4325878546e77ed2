package dev.spirekms.lifecycle;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The production {@link TaskScheduler}: one named daemon thread. */
public final class ExecutorTaskScheduler implements TaskScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorTaskScheduler.class);

  private final ScheduledThreadPoolExecutor executor;

  private ExecutorTaskScheduler(String threadName) {
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  /** A scheduler on a new daemon thread with the given name. */
  public static ExecutorTaskScheduler create(String threadName) {
    return new ExecutorTaskScheduler(threadName);
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    long nanos = Math.max(0, delay.toNanos());
    try {
      ScheduledFuture<?> future = executor.schedule(guarded(task), nanos, TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    } catch (RejectedExecutionException stopped) {
      return () -> {};
    }
  }

  @Override
  public void shutdown() {
    executor.shutdown();
  }

  /** Whether the thread has finished its last task after {@link #shutdown()}. */
  public boolean isTerminated() {
    return executor.isTerminated();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        // a failed task must not take the thread down with it: the next tasks still have to run
        LOG.atError()
            .addKeyValue("reason", String.valueOf(e))
            .setCause(e)
            .log(LifecycleMessages.TASK_FAILED);
      }
    };
  }
}
