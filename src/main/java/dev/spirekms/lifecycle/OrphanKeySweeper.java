package dev.spirekms.lifecycle;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.config.DisposalMode;
import dev.spirekms.keys.SpireTags;
import dev.spirekms.keys.TaggedKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.MultiRegionKey;

/**
 * Finds keys of this trust domain that no alias points to, such as keys left by a failed
 * GenerateKey (spire#5497) or by a deletion queue that stopped, and queues them for deletion.
 *
 * <p>A key qualifies when its description starts with {@code SPIRE_SERVER_KEY/<td>/} and names a
 * key id after it, it is enabled, it was created at least 48 hours ago (upstream aws_kms), no alias
 * at all points to it, and this server does not use it. KMS cannot filter keys by description, so
 * every key of the account and region is described once per sweep: the sweep is paced so that it
 * never bursts through the account's KMS quotas (spire#6269). In tag mode the tagging API lists
 * this server's keys by their SPIRE tags instead, and only those are described.
 *
 * <p>With {@code replica_regions}, each sweep lists the keys of the replica regions too (in tag
 * mode, the home region's only). A multi-Region replica is judged through its primary, and a
 * primary with no alias is still kept by an alias on any of its replicas, or by a replica in a
 * region this server does not reach; a primary that qualifies is queued, and the deletion queue
 * schedules its replicas first.
 */
final class OrphanKeySweeper {
  private static final Duration QUEUE_FULL_WAIT = Duration.ofSeconds(5);

  /** What one sweep did. */
  record Summary(int keysChecked, int orphans, int queued, int reported, int failed) {}

  private final CleanupScope scope;
  private final LifecycleKms kms;
  private final PacedTask<Summary> task;

  OrphanKeySweeper(CleanupScope scope, LifecycleKms kms) {
    this.scope = scope;
    this.kms = kms;
    this.task = scope.pacedTask("orphan key sweep", Run::new, kms);
  }

  /**
   * Starts one sweep over all keys of the account, in each replica region, then the home region.
   */
  CompletableFuture<Summary> runOnce() {
    return task.runOnce();
  }

  PacedTask<Summary> task() {
    return task;
  }

  private enum Result {
    NOT_ORPHAN,
    QUEUED,
    REPORTED,
    FAILED,
    WAIT
  }

  private final class Run implements PacedTask.Run<Summary> {
    // tag mode finds the keys through the home region's tagging API, replicas through primaries
    private final List<LifecycleKms> regions = kms.tagBased() ? List.of(kms) : kms.everyRegion();
    private final List<KeyListEntry> page = new ArrayList<>();
    private int region;
    private String marker;
    private boolean lastPage;
    private int next;
    private int checked;
    private int orphans;
    private int queued;
    private int reported;
    private int failed;

    @Override
    public PacedTask.Next step() {
      if (next >= page.size()) {
        if (lastPage) {
          if (++region < regions.size()) {
            page.clear();
            next = 0;
            marker = null;
            lastPage = false;
            return PacedTask.Next.MORE;
          }
          finish();
          return PacedTask.Next.DONE;
        }
        return listPage();
      }
      Result result = check(regions.get(region), page.get(next));
      if (result == Result.WAIT) {
        return PacedTask.Next.after(QUEUE_FULL_WAIT);
      }
      next++;
      checked++;
      switch (result) {
        case QUEUED -> {
          orphans++;
          queued++;
        }
        case REPORTED -> {
          orphans++;
          reported++;
        }
        case FAILED -> failed++;
        default -> {}
      }
      return PacedTask.Next.MORE;
    }

    private PacedTask.Next listPage() {
      if (kms.tagBased()) {
        return listTagged();
      }
      LifecycleKms here = regions.get(region);
      ListKeysResponse response;
      try {
        response = here.listKeys(marker);
      } catch (KmsCallException e) {
        var event = scope.log().atWarn();
        if (!here.home()) {
          event.addKeyValue("region", here.region());
        }
        event.addKeyValue("reason", e.getMessage()).log(LifecycleMessages.KEY_LISTING_FAILED);
        failed++;
        // the other regions are still swept
        page.clear();
        next = 0;
        lastPage = true;
        return PacedTask.Next.MORE;
      }
      page.clear();
      page.addAll(response.keys());
      next = 0;
      marker = Boolean.TRUE.equals(response.truncated()) ? response.nextMarker() : null;
      lastPage = marker == null;
      return PacedTask.Next.MORE;
    }

    /** Tag mode: this server's keys by their SPIRE tags, not every key of the account. */
    private PacedTask.Next listTagged() {
      List<TaggedKeys.TaggedKey> tagged;
      try {
        tagged = kms.taggedKeys(SpireTags.serverFilters(scope.naming()));
      } catch (KmsCallException e) {
        scope
            .log()
            .atWarn()
            .addKeyValue("reason", e.getMessage())
            .log(LifecycleMessages.TAGGED_KEY_LISTING_FAILED);
        failed++;
        finish();
        return PacedTask.Next.DONE;
      }
      page.clear();
      tagged.forEach(k -> page.add(KeyListEntry.builder().keyArn(k.keyArn()).build()));
      next = 0;
      lastPage = true;
      return PacedTask.Next.MORE;
    }

    private void finish() {
      var event = orphans + failed > 0 ? scope.log().atInfo() : scope.log().atDebug();
      event
          .addKeyValue("regions", regions.size())
          .addKeyValue("keys_checked", checked)
          .addKeyValue("orphans", orphans)
          .addKeyValue("queued", queued)
          .addKeyValue("reported", reported)
          .addKeyValue("failed", failed)
          .log("Orphan key sweep finished");
    }

    @Override
    public Summary summary() {
      return new Summary(checked, orphans, queued, reported, failed);
    }
  }

  private Result check(LifecycleKms here, KeyListEntry listed) {
    String keyArn = listed.keyArn() != null ? listed.keyArn() : listed.keyId();
    if (keyArn == null || scope.queue().contains(keyArn)) {
      return Result.NOT_ORPHAN;
    }
    if (scope.settings().mode() == DisposalMode.DELETE && scope.queue().remainingCapacity() == 0) {
      return Result.WAIT;
    }
    KeyMetadata key;
    try {
      key = here.describeAnyKey(keyArn);
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.NOT_FOUND) {
        return Result.NOT_ORPHAN;
      }
      // keys of other applications may well be closed to this server (spire#6269): no warning
      scope
          .log()
          .atDebug()
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("reason", e.getMessage())
          .log("Could not describe key during the orphan key sweep");
      return Result.FAILED;
    }
    Instant now = scope.clock().instant();
    if (!CleanupRules.mayBeOrphan(key, scope.naming(), now, scope.settings())) {
      return Result.NOT_ORPHAN;
    }
    Duration age = Duration.between(key.creationDate(), now);
    if (scope.inUse().test(keyArn)) {
      return Result.NOT_ORPHAN;
    }
    Optional<String> kept;
    try {
      List<AliasListEntry> aliases = here.aliasesOf(keyArn, 1);
      if (!aliases.isEmpty()) {
        return Result.NOT_ORPHAN;
      }
      kept = keptByItsCopies(here, key);
    } catch (KmsCallException e) {
      scope
          .log()
          .atWarn()
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("reason", e.getMessage())
          .log(LifecycleMessages.KEY_ALIASES_NOT_LISTED);
      return Result.FAILED;
    }
    if (kept.isPresent()) {
      scope
          .log()
          .atDebug()
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("reason", kept.get())
          .log("Key without an alias left alone: it is a multi-Region key");
      return Result.NOT_ORPHAN;
    }
    String reason =
        "orphaned: no alias points to it and it is older than "
            + Ages.format(scope.settings().orphanMinimumAge());
    if (scope.settings().mode() == DisposalMode.REPORT) {
      scope
          .log()
          .atInfo()
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("description", key.description())
          .addKeyValue("age", Ages.format(age))
          .addKeyValue("reason", reason)
          .addKeyValue("disposal_mode", scope.settings().mode().configValue())
          .log(
              "Orphaned key would be scheduled for deletion; disposal_mode is report, so nothing"
                  + " was deleted");
      return Result.REPORTED;
    }
    scope
        .log()
        .atDebug()
        .addKeyValue("key_arn", keyArn)
        .addKeyValue("description", key.description())
        .addKeyValue("age", Ages.format(age))
        .log("Orphaned key found");
    return scope.queue().offer(keyArn, reason, null) ? Result.QUEUED : Result.FAILED;
  }

  /**
   * Why a multi-Region key is not an orphan although no alias points to it in its region: a replica
   * goes with its primary, which the sweep judges in the primary's region, unless that primary
   * already waits for its replicas to be deleted; a primary is kept by an alias on any replica, or
   * by a replica in a region this server does not reach.
   */
  private Optional<String> keptByItsCopies(LifecycleKms here, KeyMetadata key) {
    if (!RelatedKeys.isReplica(key)) {
      return RelatedKeys.keptElsewhere(here, key, alias -> true);
    }
    MultiRegionKey primary = key.multiRegionConfiguration().primaryKey();
    if (primary == null || !here.reaches(primary.region())) {
      return Optional.of("it is a replica whose primary is in a region this server does not reach");
    }
    KeyMetadata primaryKey = here.describeAnyKey(primary.arn());
    if (primaryKey == null || primaryKey.keyState() != KeyState.PENDING_REPLICA_DELETION) {
      return Optional.of(
          "it is a replica: its primary, in " + primary.region() + ", is judged instead");
    }
    return Optional.empty();
  }
}
