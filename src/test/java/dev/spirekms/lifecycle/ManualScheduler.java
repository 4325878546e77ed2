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
 *
 * <p>{@link #child()} gives another scheduler on the same timeline, for a second server: advancing
 * any of them runs the tasks of all, in time order, and shutting one down drops only its own tasks.
 */
final class ManualScheduler implements TaskScheduler {
  private final Timeline timeline;
  private boolean shutdown;

  private static final class Timeline {
    final MutableClock clock;
    final PriorityQueue<Entry> queue =
        new PriorityQueue<>(Comparator.comparing(Entry::due).thenComparingLong(Entry::seq));
    long seq;
    int ran;

    Timeline(MutableClock clock) {
      this.clock = clock;
    }
  }

  private record Entry(Instant due, long seq, Runnable task, ManualScheduler owner) {}

  ManualScheduler(MutableClock clock) {
    this(new Timeline(clock));
  }

  private ManualScheduler(Timeline timeline) {
    this.timeline = timeline;
  }

  /** Another scheduler on the same clock and timeline. */
  ManualScheduler child() {
    return new ManualScheduler(timeline);
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay " + delay);
    }
    synchronized (timeline) {
      if (shutdown) {
        return () -> {};
      }
      Entry entry = new Entry(timeline.clock.instant().plus(delay), timeline.seq++, task, this);
      timeline.queue.add(entry);
      return () -> {
        synchronized (timeline) {
          timeline.queue.remove(entry);
        }
      };
    }
  }

  @Override
  public void shutdown() {
    synchronized (timeline) {
      shutdown = true;
      timeline.queue.removeIf(e -> e.owner() == this);
    }
  }

  /** Moves time forward by {@code d}, running what comes due on the way. */
  void advance(Duration d) {
    Instant target = timeline.clock.instant().plus(d);
    while (true) {
      Entry next;
      synchronized (timeline) {
        next = timeline.queue.peek();
        if (next == null || next.due().isAfter(target)) {
          break;
        }
        timeline.queue.poll();
        timeline.ran++;
      }
      if (next.due().isAfter(timeline.clock.instant())) {
        timeline.clock.set(next.due());
      }
      next.task().run();
    }
    timeline.clock.set(target);
  }

  /** Runs what is due now, including tasks those schedule with no delay. */
  void runDue() {
    advance(Duration.ZERO);
  }

  /** How many tasks of this scheduler are waiting. */
  int pending() {
    synchronized (timeline) {
      return (int) timeline.queue.stream().filter(e -> e.owner() == this).count();
    }
  }

  /** The due times of this scheduler's waiting tasks, earliest first. */
  List<Instant> dueTimes() {
    synchronized (timeline) {
      List<Entry> entries = new ArrayList<>();
      for (Entry e : timeline.queue) {
        if (e.owner() == this) {
          entries.add(e);
        }
      }
      entries.sort(timeline.queue.comparator());
      return entries.stream().map(Entry::due).toList();
    }
  }

  boolean isShutdown() {
    synchronized (timeline) {
      return shutdown;
    }
  }

  /** How many tasks have run on the whole timeline. */
  int ran() {
    synchronized (timeline) {
      return timeline.ran;
    }
  }
}
