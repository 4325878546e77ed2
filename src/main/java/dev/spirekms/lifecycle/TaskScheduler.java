package dev.spirekms.lifecycle;

import java.time.Duration;

/**
 * Runs the lifecycle's background work: every wait (pacing, backoff, intervals) is a scheduled
 * task, never a sleep. Tasks given to one scheduler run one at a time.
 */
public interface TaskScheduler {

  /**
   * Runs {@code task} once, {@code delay} from now. After {@link #shutdown()} nothing is scheduled
   * and the returned handle does nothing.
   */
  Scheduled schedule(Duration delay, Runnable task);

  /**
   * Stops the scheduler: tasks not yet started never run, and a task already running finishes on
   * its own. Does not wait.
   */
  void shutdown();

  /**
   * After {@link #shutdown()}, waits at most {@code timeout} for a task under way to finish.
   *
   * @return whether no task is running any more
   */
  default boolean awaitTermination(Duration timeout) throws InterruptedException {
    return true;
  }

  /** A task that has been scheduled. */
  interface Scheduled {
    /** Keeps the task from running if it has not started yet; harmless when called twice. */
    void cancel();
  }
}
