package dev.spirekms.lifecycle;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.config.DisposalMode;
import dev.spirekms.keys.SpireTags;
import dev.spirekms.keys.TaggedKeys.TaggedKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Tag mode: schedules for deletion the keys of other servers of the trust domain whose {@code
 * spire-last-update} is older than {@code stale_alias_threshold}, as upstream aws_kms's
 * disposeKeysViaTags does: keys tagged {@code spire-server-td=<td>} and {@code spire-active=true},
 * not of this server; a missing stamp counts as the epoch, a malformed one leaves the key alone.
 * The deletion is scheduled synchronously, and only then is the key tagged {@code
 * spire-active=false}, so that a stop in between never hides a key that still exists. In report
 * mode nothing is changed.
 */
final class StaleTaggedKeyDisposer {

  /** What one run did. */
  record Summary(int keysChecked, int stale, int scheduled, int reported, int failed) {}

  private final CleanupScope scope;
  private final LifecycleKms kms;
  private final PacedTask<Summary> task;

  StaleTaggedKeyDisposer(CleanupScope scope, LifecycleKms kms) {
    this.scope = scope;
    this.kms = kms;
    this.task = scope.pacedTask("stale key disposal", Run::new, kms);
  }

  CompletableFuture<Summary> runOnce() {
    return task.runOnce();
  }

  PacedTask<Summary> task() {
    return task;
  }

  private final class Run implements PacedTask.Run<Summary> {
    private List<TaggedKey> keys;
    private int next;
    private int checked;
    private int stale;
    private int scheduled;
    private int reported;
    private int failed;

    @Override
    public PacedTask.Next step() {
      if (keys == null) {
        try {
          keys = kms.taggedKeys(SpireTags.trustDomainFilters(scope.naming()));
        } catch (KmsCallException e) {
          scope
              .log()
              .atWarn()
              .addKeyValue("reason", e.getMessage())
              .log(LifecycleMessages.TAGGED_KEY_LISTING_FAILED);
          failed++;
          return finish();
        }
        return PacedTask.Next.MORE;
      }
      if (next >= keys.size()) {
        return finish();
      }
      TaggedKey key = keys.get(next++);
      checked++;
      dispose(key);
      return PacedTask.Next.MORE;
    }

    private PacedTask.Next finish() {
      var event = stale + failed > 0 ? scope.log().atInfo() : scope.log().atDebug();
      event
          .addKeyValue("keys_checked", checked)
          .addKeyValue("stale", stale)
          .addKeyValue("scheduled", scheduled)
          .addKeyValue("reported", reported)
          .addKeyValue("failed", failed)
          .log("Stale key disposal finished");
      return PacedTask.Next.DONE;
    }

    @Override
    public Summary summary() {
      return new Summary(checked, stale, scheduled, reported, failed);
    }

    private void dispose(TaggedKey key) {
      if (scope.naming().serverId().equals(key.tag(SpireTags.SERVER_ID).orElse(null))
          || scope.inUse().test(key.keyArn())) {
        return;
      }
      Optional<Instant> lastUpdate = lastUpdate(key);
      if (lastUpdate.isEmpty()) {
        return;
      }
      Instant now = scope.clock().instant();
      Duration threshold = scope.settings().staleAliasThreshold();
      if (lastUpdate.get().isAfter(now.minus(threshold))) {
        return;
      }
      stale++;
      String age = Ages.format(Ages.between(lastUpdate.get(), now));
      if (scope.settings().mode() == DisposalMode.REPORT) {
        scope
            .log()
            .atInfo()
            .addKeyValue("key_arn", key.keyArn())
            .addKeyValue("server_id", key.tag(SpireTags.SERVER_ID).orElse(""))
            .addKeyValue("spire_key_id", key.tag(SpireTags.KEY_ID).orElse(""))
            .addKeyValue("last_update_age", age)
            .addKeyValue("disposal_mode", scope.settings().mode().configValue())
            .log(
                "Stale key of another server would be scheduled for deletion and marked"
                    + " inactive; disposal_mode is report, so nothing was changed");
        reported++;
        return;
      }
      try {
        kms.scheduleKeyDeletion(key.keyArn(), scope.settings().pendingWindowDays());
      } catch (KmsCallException e) {
        // upstream: already pending deletion counts as scheduled, so the tag is still cleared
        if (e.kind() != KmsCallException.Kind.INVALID_STATE) {
          scope
              .log()
              .atError()
              .addKeyValue("key_arn", key.keyArn())
              .addKeyValue("reason", e.getMessage())
              .log(LifecycleMessages.STALE_KEY_NOT_SCHEDULED);
          failed++;
          return;
        }
      }
      scope
          .log()
          .atInfo()
          .addKeyValue("key_arn", key.keyArn())
          .addKeyValue("server_id", key.tag(SpireTags.SERVER_ID).orElse(""))
          .addKeyValue("last_update_age", age)
          .addKeyValue("pending_window_days", scope.settings().pendingWindowDays())
          .log("Stale key of another server scheduled for deletion");
      scheduled++;
      if (!InactiveMark.apply(kms, key.keyArn(), scope.log())) {
        failed++;
      }
    }
  }

  /** The key's {@code spire-last-update}; the epoch when missing, empty when malformed. */
  static Optional<Instant> lastUpdate(TaggedKey key) {
    return SpireTags.lastUpdateOf(key);
  }
}
