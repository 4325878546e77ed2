package dev.spirekms.lifecycle;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.SpireTags;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;

/**
 * Tag mode: stamps {@code spire-last-update} (Unix seconds) on every key this server holds, every 6
 * hours, so that the other servers of the trust domain see it is alive (upstream aws_kms's
 * keepActiveKeys). One TagResource per key.
 */
final class LivenessRefresher {

  /** What one run did. */
  record Summary(int stamped, int failed) {}

  private final KmsKeyStore store;
  private final LifecycleKms kms;
  private final Clock clock;
  private final Logger log;
  private final PacedTask<Summary> task;

  LivenessRefresher(
      KmsKeyStore store,
      LifecycleKms kms,
      LifecycleSettings settings,
      Clock clock,
      TaskScheduler scheduler,
      StopSwitch stop,
      Logger log) {
    this.store = store;
    this.kms = kms;
    this.clock = clock;
    this.log = log;
    this.task =
        new PacedTask<>(
            "liveness refresh", Run::new, scheduler, settings.callInterval(), kms, stop, log);
  }

  CompletableFuture<Summary> runOnce() {
    return task.runOnce();
  }

  PacedTask<Summary> task() {
    return task;
  }

  private final class Run implements PacedTask.Run<Summary> {
    private final List<KeyEntry> entries = store.all();
    private int next;
    private int stamped;
    private int failed;

    @Override
    public PacedTask.Next step() {
      if (next >= entries.size()) {
        log.atDebug()
            .addKeyValue("stamped", stamped)
            .addKeyValue("failed", failed)
            .log("Liveness refresh finished");
        return PacedTask.Next.DONE;
      }
      KeyEntry entry = entries.get(next++);
      try {
        kms.tagResource(entry.keyArn(), List.of(SpireTags.lastUpdate(clock.instant())));
        stamped++;
      } catch (KmsCallException e) {
        failed++;
        log.atWarn()
            .addKeyValue("spire_key_id", entry.spireKeyId())
            .addKeyValue("key_arn", entry.keyArn())
            .addKeyValue("reason", e.getMessage())
            .log(LifecycleMessages.LIVENESS_FAILED);
      }
      return PacedTask.Next.MORE;
    }

    @Override
    public Summary summary() {
      return new Summary(stamped, failed);
    }
  }
}
