package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The production scheduler, on its real thread: every wait here ends as soon as a task has run. */
class ExecutorTaskSchedulerTest {

  @Test
  void runsTasksOnOneNamedDaemonThreadAndSurvivesAFailingTask() throws Exception {
    ExecutorTaskScheduler scheduler = ExecutorTaskScheduler.create("lifecycle-test");
    try {
      scheduler.schedule(
          Duration.ZERO,
          () -> {
            throw new IllegalStateException("boom");
          });
      CompletableFuture<Thread> ran = new CompletableFuture<>();
      scheduler.schedule(Duration.ZERO, () -> ran.complete(Thread.currentThread()));
      Thread thread = ran.get(30, TimeUnit.SECONDS);
      assertEquals("lifecycle-test", thread.getName());
      assertTrue(thread.isDaemon());
    } finally {
      scheduler.shutdown();
    }
  }

  @Test
  void cancelledAndLateTasksNeverRun() throws Exception {
    ExecutorTaskScheduler scheduler = ExecutorTaskScheduler.create("lifecycle-test");
    AtomicBoolean cancelledRan = new AtomicBoolean();
    AtomicBoolean delayedRan = new AtomicBoolean();
    scheduler.schedule(Duration.ofDays(1), () -> cancelledRan.set(true)).cancel();
    scheduler.schedule(Duration.ofDays(1), () -> delayedRan.set(true));
    CompletableFuture<Void> marker = new CompletableFuture<>();
    scheduler.schedule(Duration.ZERO, () -> marker.complete(null));
    marker.get(30, TimeUnit.SECONDS);

    scheduler.shutdown();
    TaskScheduler.Scheduled afterShutdown =
        scheduler.schedule(Duration.ZERO, () -> delayedRan.set(true));
    afterShutdown.cancel();

    // delayed tasks are dropped at shutdown, so the thread ends without waiting for them
    assertTrue(scheduler.awaitTermination(Duration.ofSeconds(30)));
    assertTrue(scheduler.isTerminated());
    assertEquals(false, cancelledRan.get());
    assertEquals(false, delayedRan.get());
  }
}
