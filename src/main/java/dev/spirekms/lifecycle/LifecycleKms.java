package dev.spirekms.lifecycle;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.Replication;
import dev.spirekms.keys.TaggedKeys;
import java.util.ArrayList;
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
 *
 * <p>A view lists, and names aliases, in one region: the home region, or a replica region for the
 * views of {@link #everyRegion()}. Calls about a key given by ARN go to that key's region.
 */
final class LifecycleKms {
  // KMS ListAliases: Limit is 1 to 100; ListKeys: 1 to 1000
  static final int ALIAS_PAGE = 100;
  static final int KEY_PAGE = 1000;

  private final KmsClient home;
  // the client of the region this view lists and names aliases in
  private final KmsClient kms;
  private final String region;
  private final ResourceGroupsTaggingApiClient tagging;
  // shared by every view, set once the key store is known
  private final AtomicReference<Replication> replication;
  private final StopSwitch stop;
  // shared by the region views of one task, so that the task paces all of its calls
  private final Tally tally;

  private static final class Tally {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    volatile String lastFailure;
  }

  LifecycleKms(KmsClient kms, StopSwitch stop) {
    this(kms, null, stop);
  }

  /**
   * @param tagging the Resource Groups Tagging API in tag mode; null in alias mode
   */
  LifecycleKms(KmsClient kms, ResourceGroupsTaggingApiClient tagging, StopSwitch stop) {
    this(
        kms,
        kms,
        homeRegionOf(kms),
        tagging,
        new AtomicReference<>(Replication.NONE),
        stop,
        new Tally());
  }

  private LifecycleKms(
      KmsClient home,
      KmsClient kms,
      String region,
      ResourceGroupsTaggingApiClient tagging,
      AtomicReference<Replication> replication,
      StopSwitch stop,
      Tally tally) {
    this.home = home;
    this.kms = kms;
    this.region = region;
    this.tagging = tagging;
    this.replication = replication;
    this.stop = stop;
    this.tally = tally;
  }

  private static String homeRegionOf(KmsClient kms) {
    try {
      var configuration = kms.serviceClientConfiguration();
      return configuration == null || configuration.region() == null
          ? ""
          : configuration.region().id();
    } catch (UnsupportedOperationException e) {
      // a client that wraps another may not say; the home region is then only reached by ARN
      return "";
    }
  }

  /** A second view of the same clients, in the home region, with a call count of its own. */
  LifecycleKms forTask() {
    return new LifecycleKms(home, home, homeRegion(), tagging, replication, stop, new Tally());
  }

  /**
   * One view per replica region, in the order configured, then one in the home region; they share
   * this view's call count. Replica regions come first so that cleanup queues a replica before its
   * primary, the order in which KMS deletes them.
   */
  List<LifecycleKms> everyRegion() {
    Replication r = replication.get();
    List<LifecycleKms> views = new ArrayList<>();
    for (String replica : r.regions()) {
      views.add(
          new LifecycleKms(home, r.client(replica), replica, tagging, replication, stop, tally));
    }
    views.add(new LifecycleKms(home, home, homeRegion(), tagging, replication, stop, tally));
    return views;
  }

  /** The region this view lists and names aliases in; empty when the client does not say. */
  String region() {
    return region;
  }

  /** Whether this view lists the home region. */
  boolean home() {
    return kms == home;
  }

  private String homeRegion() {
    return homeRegionOf(home);
  }

  /** Makes calls about keys of the replica regions in their regions, for every view. */
  void replicateTo(Replication replication) {
    this.replication.set(replication);
  }

  /** Whether calls about keys of {@code region} can be made: the home or a replica region. */
  boolean reaches(String region) {
    return region.equals(homeRegion()) || replication.get().regions().contains(region);
  }

  /**
   * The client for a key: for an ARN, its region's (the home region's unless that is a replica
   * region); for an alias name or key id, this view's region's.
   */
  private KmsClient clientFor(String keyIdOrArn) {
    if (keyIdOrArn != null && keyIdOrArn.startsWith("arn:")) {
      String keyRegion = Replication.regionOf(keyIdOrArn);
      Replication r = replication.get();
      if (r.regions().contains(keyRegion)) {
        return r.client(keyRegion);
      }
      return home;
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
    return tally.calls.get();
  }

  /**
   * How many calls failed, not counting the answers a task expects (no such key or alias, and a key
   * of another application closed to this server).
   */
  long failures() {
    return tally.failures.get();
  }

  /** The message of the last failure counted by {@link #failures()}; null before the first. */
  String lastFailure() {
    return tally.lastFailure;
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

  /** One page of all aliases in the account and this view's region. */
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
    tally.calls.incrementAndGet();
    try {
      return AwsCalls.call(action, call);
    } catch (KmsCallException e) {
      if (e.kind() != KmsCallException.Kind.NOT_FOUND
          && (deniedIsFailure || e.kind() != KmsCallException.Kind.ACCESS_DENIED)) {
        tally.lastFailure = e.getMessage();
        tally.failures.incrementAndGet();
      }
      throw e;
    }
  }
}
