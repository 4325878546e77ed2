package dev.spirekms.lifecycle;

import dev.spirekms.keys.KeyNaming;
import java.time.Clock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What the periodic cleanup tasks of one server share: its names, its deletion queue, the keys it
 * uses, its settings, and the clock, scheduler, stop switch and logger they run on.
 *
 * @param inUse whether this server's key store holds a key ARN
 */
record CleanupScope(
    KeyNaming naming,
    KmsDeletionQueue queue,
    Predicate<String> inUse,
    LifecycleSettings settings,
    Clock clock,
    TaskScheduler scheduler,
    StopSwitch stop,
    Logger log) {

  /** A paced task of this scope: its scheduler, call interval, stop switch and logger. */
  <S> PacedTask<S> pacedTask(String name, Supplier<PacedTask.Run<S>> runs, LifecycleKms kms) {
    return new PacedTask<>(name, runs, scheduler, settings.callInterval(), kms, stop, log);
  }
}
