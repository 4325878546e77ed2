package dev.spirekms.lifecycle;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.Replication;
import dev.spirekms.keys.TaggedKeys;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * The KMS calls the lifecycle makes. Each one checks the stop switch first, so no call starts once
 * the lifecycle is closed, and is counted, so that each task can pace itself. Failures arrive as
 * {@link dev.spirekms.aws.KmsCallException}.
 */
final class LifecycleKms {
  // KMS ListAliases: Limit is 1 to 100; ListKeys: 1 to 1000
  static final int ALIAS_PAGE = 100;
  static final int KEY_PAGE = 1000;

  private final KmsClient kms;
  private final ResourceGroupsTaggingApiClient tagging;
  // shared by every view, set once the key store is known
  private final AtomicReference<Replication> replication;
  private final StopSwitch stop;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile String lastFailure;

  LifecycleKms(KmsClient kms, StopSwitch stop) {
    this(kms, null, stop);
  }

  /**
   * @param tagging the Resource Groups Tagging API in tag mode; null in alias mode
   */
  LifecycleKms(KmsClient kms, ResourceGroupsTaggingApiClient tagging, StopSwitch stop) {
    this(kms, tagging, new AtomicReference<>(Replication.NONE), stop);
  }

  private LifecycleKms(
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      AtomicReference<Replication> replication,
      StopSwitch stop) {
    this.kms = kms;
    this.tagging = tagging;
    this.replication = replication;
    this.stop = stop;
  }

  /** A second view of the same clients, with a call count of its own. */
  LifecycleKms forTask() {
    return new LifecycleKms(kms, tagging, replication, stop);
  }

  /** Makes calls about keys of the replica regions in their regions, for every view. */
  void replicateTo(Replication replication) {
    this.replication.set(replication);
  }

  /** Whether calls about keys of {@code region} can be made: the home or a replica region. */
  boolean reaches(String region) {
    return replication.get().regions().contains(region);
  }

  /** The client for a key given by ARN: its region's, when that is a replica region. */
  private KmsClient clientFor(String keyIdOrArn) {
    if (keyIdOrArn != null && keyIdOrArn.startsWith("arn:")) {
      String region = Replication.regionOf(keyIdOrArn);
      Replication r = replication.get();
      if (r.regions().contains(region)) {
        return r.client(region);
      }
    }
    return kms;
  }

  /** Whether keys carry upstream's SPIRE tags and are found through the tagging API. */
  boolean tagBased() {
    return tagging != null;
  }

  /** Every KMS key whose tags match all filters; each page is a call. */
  List<TaggedKeys.TaggedKey> taggedKeys(List<TagFilter> filters) {
    if (tagging == null) {
      throw new IllegalStateException("not in tag mode");
    }
    return call(TaggedKeys.ACTION, () -> TaggedKeys.list(tagging, filters, stop::stopped));
  }

  void tagResource(String keyArn, List<Tag> tags) {
    call("kms:TagResource", () -> clientFor(keyArn).tagResource(b -> b.keyId(keyArn).tags(tags)));
  }

  long calls() {
    return calls.get();
  }

  /**
   * How many calls failed, not counting the answers a task expects (no such key or alias, and a key
   * of another application closed to this server).
   */
  long failures() {
    return failures.get();
  }

  /** The message of the last failure counted by {@link #failures()}; null before the first. */
  String lastFailure() {
    return lastFailure;
  }

  /**
   * {@link #describeKey} for a key that may belong to another application: access denied is an
   * answer to expect (spire#6269), so it is not counted as a failure.
   */
  KeyMetadata describeAnyKey(String keyId) {
    return call(
        "kms:DescribeKey",
        () -> clientFor(keyId).describeKey(b -> b.keyId(keyId)).keyMetadata(),
        false);
  }

  KeyMetadata describeKey(String keyId) {
    return call(
        "kms:DescribeKey", () -> clientFor(keyId).describeKey(b -> b.keyId(keyId)).keyMetadata());
  }

  /** One page of all aliases in the account and region. */
  ListAliasesResponse listAliases(String marker) {
    return call("kms:ListAliases", () -> kms.listAliases(b -> b.limit(ALIAS_PAGE).marker(marker)));
  }

  /** Up to {@code limit} of the aliases that point to a key. */
  List<AliasListEntry> aliasesOf(String keyArn, int limit) {
    return call(
            "kms:ListAliases",
            () -> clientFor(keyArn).listAliases(b -> b.keyId(keyArn).limit(limit)))
        .aliases();
  }

  ListKeysResponse listKeys(String marker) {
    return call("kms:ListKeys", () -> kms.listKeys(b -> b.limit(KEY_PAGE).marker(marker)));
  }

  void updateAlias(String aliasName, String keyArn) {
    call("kms:UpdateAlias", () -> kms.updateAlias(b -> b.aliasName(aliasName).targetKeyId(keyArn)));
  }

  /** DescribeKey of an alias in a replica region. */
  KeyMetadata describeKeyIn(String region, String aliasName) {
    return call(
        "kms:DescribeKey",
        () -> clientIn(region).describeKey(b -> b.keyId(aliasName)).keyMetadata());
  }

  /** UpdateAlias in a replica region. */
  void updateAliasIn(String region, String aliasName, String keyArn) {
    call(
        "kms:UpdateAlias",
        () -> clientIn(region).updateAlias(b -> b.aliasName(aliasName).targetKeyId(keyArn)));
  }

  private KmsClient clientIn(String region) {
    return replication.get().client(region);
  }

  void createAlias(String aliasName, String keyArn) {
    call("kms:CreateAlias", () -> kms.createAlias(b -> b.aliasName(aliasName).targetKeyId(keyArn)));
  }

  void deleteAlias(String aliasName) {
    call("kms:DeleteAlias", () -> kms.deleteAlias(b -> b.aliasName(aliasName)));
  }

  ScheduleKeyDeletionResponse scheduleKeyDeletion(String keyArn, int pendingWindowDays) {
    return call(
        "kms:ScheduleKeyDeletion",
        () ->
            clientFor(keyArn)
                .scheduleKeyDeletion(b -> b.keyId(keyArn).pendingWindowInDays(pendingWindowDays)));
  }

  private <T> T call(String action, Supplier<T> call) {
    return call(action, call, true);
  }

  private <T> T call(String action, Supplier<T> call, boolean deniedIsFailure) {
    if (stop.stopped()) {
      throw new StoppedException();
    }
    calls.incrementAndGet();
    try {
      return AwsCalls.call(action, call);
    } catch (KmsCallException e) {
      if (e.kind() != KmsCallException.Kind.NOT_FOUND
          && (deniedIsFailure || e.kind() != KmsCallException.Kind.ACCESS_DENIED)) {
        lastFailure = e.getMessage();
        failures.incrementAndGet();
      }
      throw e;
    }
  }
}
