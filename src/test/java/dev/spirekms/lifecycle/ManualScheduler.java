package dev.spirekms.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link TaskScheduler} driven by a test: {@link #advance} moves the clock and runs, on the
 * calling thread and in time order, every task that comes due, with the clock set to each task's
 * due time while it runs.
 */
final class ManualScheduler implements TaskScheduler {
  private final MutableClock clock;
  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>(Comparator.comparing(Entry::due).thenComparingLong(Entry::seq));
  private long seq;
  private boolean shutdown;
  private int ran;

  private record Entry(Instant due, long seq, Runnable task, boolean[] cancelled) {}

  ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Scheduled schedule(Duration delay, Runnable task) {
    if (shutdown) {
      return () -> {};
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay " + delay);
    }
    boolean[] cancelled = {false};
    Entry entry = new Entry(clock.instant().plus(delay), seq++, task, cancelled);
    queue.add(entry);
    return () -> {
      synchronized (ManualScheduler.this) {
        cancelled[0] = true;
        queue.remove(entry);
      }
    };
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    queue.clear();
  }

  /** Moves time forward by {@code d}, running what comes due on the way. */
  void advance(Duration d) {
    Instant target = clock.instant().plus(d);
    while (true) {
      Entry next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due().isAfter(target)) {
          break;
        }
        queue.poll();
      }
      if (next.due().isAfter(clock.instant())) {
        clock.set(next.due());
      }
      if (!next.cancelled()[0]) {
        ran++;
        next.task().run();
      }
    }
    clock.set(target);
  }

  /** Runs what is due now, including tasks those schedule with no delay. */
  void runDue() {
    advance(Duration.ZERO);
  }

  synchronized int pending() {
    return queue.size();
  }

  /** The due times of pending tasks, earliest first. */
  synchronized List<Instant> dueTimes() {
    List<Entry> entries = new ArrayList<>(queue);
    entries.sort(queue.comparator());
    return entries.stream().map(Entry::due).toList();
  }

  synchronized boolean isShutdown() {
    return shutdown;
  }

  /** How many tasks have run. */
  synchronized int ran() {
    return ran;
  }
}
