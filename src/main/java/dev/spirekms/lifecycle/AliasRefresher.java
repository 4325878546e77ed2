package dev.spirekms.lifecycle;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.ReplicaGaps;
import dev.spirekms.keys.Replication;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.MultiRegionConfiguration;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;

/**
 * Keeps this server's aliases fresh: an UpdateAlias to the same key moves the alias's
 * LastUpdatedDate, which tells the other servers of the trust domain that this one is alive
 * (upstream aws_kms design, spire#2066). Each alias is first checked with DescribeKey: when it no
 * longer points at the key this server holds, another server with the same server id has rotated
 * it, and the refresh is skipped so that it never reverts that rotation (spire#6805).
 */
final class AliasRefresher {

  /** What one run did. */
  record Summary(int refreshed, int skipped, int recreated, int failed, int replicaAliases) {}

  private final KmsKeyStore store;
  private final LifecycleKms kms;
  private final Logger log;
  private final PacedTask<Summary> task;

  AliasRefresher(
      KmsKeyStore store,
      LifecycleKms kms,
      LifecycleSettings settings,
      TaskScheduler scheduler,
      StopSwitch stop,
      Logger log) {
    this.store = store;
    this.kms = kms;
    this.log = log;
    this.task =
        new PacedTask<>(
            "alias refresh", Run::new, scheduler, settings.callInterval(), kms, stop, log);
  }

  /** Starts one refresh of every alias this server holds. */
  CompletableFuture<Summary> runOnce() {
    return task.runOnce();
  }

  PacedTask<Summary> task() {
    return task;
  }

  private enum Result {
    REFRESHED,
    SKIPPED,
    RECREATED,
    FAILED
  }

  private final class Run implements PacedTask.Run<Summary> {
    private final List<KeyEntry> entries = store.all();
    private int next;
    private int refreshed;
    private int skipped;
    private int recreated;
    private int failed;
    private int replicaAliases;

    @Override
    public PacedTask.Next step() {
      if (next >= entries.size()) {
        if (failed > 0) {
          log.atWarn()
              .addKeyValue("refreshed", refreshed)
              .addKeyValue("failed", failed)
              .log(LifecycleMessages.REFRESH_FINISHED_WITH_FAILURES);
        } else {
          log.atDebug()
              .addKeyValue("refreshed", refreshed)
              .addKeyValue("skipped", skipped)
              .log("Alias refresh finished");
        }
        return PacedTask.Next.DONE;
      }
      String spireKeyId = entries.get(next++).spireKeyId();
      Optional<Result> result = store.unlessRotating(spireKeyId, () -> refresh(spireKeyId));
      switch (result.orElse(Result.SKIPPED)) {
        case REFRESHED -> {
          refreshed++;
          replicaAliases +=
              store.unlessRotating(spireKeyId, () -> refreshReplicas(spireKeyId)).orElse(0);
        }
        case SKIPPED -> skipped++;
        case RECREATED -> recreated++;
        case FAILED -> failed++;
      }
      if (result.isEmpty()) {
        // the rotation under way moves the alias's LastUpdatedDate itself
        log.atDebug()
            .addKeyValue("spire_key_id", spireKeyId)
            .log("Alias refresh skipped: the key is being rotated");
      }
      return PacedTask.Next.MORE;
    }

    @Override
    public Summary summary() {
      return new Summary(refreshed, skipped, recreated, failed, replicaAliases);
    }
  }

  /** Called with the key's lock held, so this server cannot rotate it meanwhile. */
  private Result refresh(String spireKeyId) {
    Optional<KeyEntry> current = store.get(spireKeyId);
    if (current.isEmpty()) {
      return Result.SKIPPED;
    }
    KeyEntry entry = current.get();
    String aliasName = entry.aliasName();
    KeyMetadata target;
    try {
      target = kms.describeKey(aliasName);
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.NOT_FOUND) {
        return recreate(entry);
      }
      return failed(entry, e.getMessage());
    }
    if (target == null || target.arn() == null) {
      return failed(entry, LifecycleMessages.NO_KEY_ARN);
    }
    if (!target.arn().equals(entry.keyArn())) {
      // upstream aws_kms log text (spire#6805)
      log.atWarn()
          .addKeyValue("alias_name", aliasName)
          .addKeyValue("spire_key_id", spireKeyId)
          .addKeyValue("key_arn", entry.keyArn())
          .addKeyValue("alias_target", target.arn())
          .log(LifecycleMessages.ALIAS_TARGET_DIFFERS);
      return Result.SKIPPED;
    }
    if (target.keyState() == KeyState.PENDING_DELETION
        || target.keyState() == KeyState.PENDING_REPLICA_DELETION) {
      log.atError()
          .addKeyValue("alias_name", aliasName)
          .addKeyValue("spire_key_id", spireKeyId)
          .addKeyValue("key_arn", entry.keyArn())
          .log(LifecycleMessages.KEY_IN_USE_PENDING_DELETION);
      return Result.FAILED;
    }
    try {
      kms.updateAlias(aliasName, entry.keyArn());
    } catch (KmsCallException e) {
      return failed(entry, e.getMessage());
    }
    log.atDebug()
        .addKeyValue("alias_name", aliasName)
        .addKeyValue("key_arn", entry.keyArn())
        .log("Alias refreshed");
    return Result.REFRESHED;
  }

  /**
   * Refreshes the key's alias in each replica region, so that the stale alias disposal of a server
   * there never takes it for the alias of a dead server. As at home, an alias pointing at another
   * key is left alone; a replica still missing is the replica repair's.
   *
   * @return how many replica aliases were refreshed
   */
  private int refreshReplicas(String spireKeyId) {
    Optional<KeyEntry> current = store.get(spireKeyId);
    if (current.isEmpty()) {
      return 0;
    }
    KeyEntry entry = current.get();
    Set<String> missing =
        store.replication().gaps().all().stream()
            .filter(g -> g.spireKeyId().equals(spireKeyId))
            .map(ReplicaGaps.Gap::region)
            .collect(Collectors.toSet());
    int refreshedThere = 0;
    for (String region : store.replication().regions()) {
      if (missing.contains(region)) {
        continue;
      }
      String replicaArn = Replication.arnIn(entry.keyArn(), region);
      try {
        KeyMetadata target = kms.describeKeyIn(region, entry.aliasName());
        if (target == null || !replicaArn.equals(target.arn())) {
          log.atDebug()
              .addKeyValue("alias_name", entry.aliasName())
              .addKeyValue("region", region)
              .log("Replica alias refresh skipped: the alias points at another key");
          continue;
        }
        kms.updateAliasIn(region, entry.aliasName(), replicaArn);
        refreshedThere++;
      } catch (KmsCallException e) {
        if (e.kind() == KmsCallException.Kind.NOT_FOUND) {
          handToTheRepair(entry, region);
          continue;
        }
        log.atWarn()
            .addKeyValue("alias_name", entry.aliasName())
            .addKeyValue("spire_key_id", spireKeyId)
            .addKeyValue("region", region)
            .addKeyValue("reason", e.getMessage())
            .log(LifecycleMessages.REFRESH_FAILED);
      }
    }
    return refreshedThere;
  }

  /**
   * The key's alias is missing in a replica region: a restart forgot that GenerateKey could not
   * make it, or it was deleted. When the key is a multi-Region primary, the replica repair makes
   * what is missing (the replica too, if KMS lists none in that region); any other key cannot be
   * replicated, and the next rotation makes one that is.
   */
  private void handToTheRepair(KeyEntry entry, String region) {
    KeyMetadata key;
    try {
      key = kms.describeKey(entry.keyArn());
    } catch (KmsCallException e) {
      log.atWarn()
          .addKeyValue("alias_name", entry.aliasName())
          .addKeyValue("spire_key_id", entry.spireKeyId())
          .addKeyValue("region", region)
          .addKeyValue("reason", e.getMessage())
          .log(LifecycleMessages.REFRESH_FAILED);
      return;
    }
    MultiRegionConfiguration regions = key == null ? null : key.multiRegionConfiguration();
    if (regions == null || regions.multiRegionKeyType() != MultiRegionKeyType.PRIMARY) {
      log.atInfo()
          .addKeyValue("alias_name", entry.aliasName())
          .addKeyValue("spire_key_id", entry.spireKeyId())
          .addKeyValue("key_arn", entry.keyArn())
          .addKeyValue("region", region)
          .log(LifecycleMessages.REPLICA_CANNOT_BE_MADE);
      return;
    }
    boolean replicaMade = regions.replicaKeys().stream().anyMatch(r -> region.equals(r.region()));
    String reason = replicaMade ? "its alias was not found" : "KMS lists no replica there";
    if (store.replicaFoundMissing(
        entry.spireKeyId(), entry.keyArn(), region, replicaMade, reason)) {
      log.atWarn()
          .addKeyValue("alias_name", entry.aliasName())
          .addKeyValue("spire_key_id", entry.spireKeyId())
          .addKeyValue("key_arn", entry.keyArn())
          .addKeyValue("region", region)
          .addKeyValue("missing", replicaMade ? "alias" : "replica")
          .log(LifecycleMessages.REPLICA_FOUND_MISSING);
    }
  }

  /**
   * The alias of a key this server uses is gone: without it, the orphan sweep of every server would
   * take the key for an orphan after 48 hours, and this server's next rotation would fail.
   */
  private Result recreate(KeyEntry entry) {
    try {
      kms.createAlias(entry.aliasName(), entry.keyArn());
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.ALREADY_EXISTS) {
        // made meanwhile, by a server with the same server id; the next refresh checks its target
        return Result.SKIPPED;
      }
      return failed(entry, String.format(LifecycleMessages.ALIAS_NOT_RECREATED, e.getMessage()));
    }
    log.atWarn()
        .addKeyValue("alias_name", entry.aliasName())
        .addKeyValue("spire_key_id", entry.spireKeyId())
        .addKeyValue("key_arn", entry.keyArn())
        .log(LifecycleMessages.ALIAS_RECREATED);
    return Result.RECREATED;
  }

  private Result failed(KeyEntry entry, String reason) {
    log.atWarn()
        .addKeyValue("alias_name", entry.aliasName())
        .addKeyValue("spire_key_id", entry.spireKeyId())
        .addKeyValue("reason", reason)
        .log(LifecycleMessages.REFRESH_FAILED);
    return Result.FAILED;
  }
}
