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

  /** A task that has been scheduled. */
  interface Scheduled {
    /** Keeps the task from running if it has not started yet; harmless when called twice. */
    void cancel();
  }
}
