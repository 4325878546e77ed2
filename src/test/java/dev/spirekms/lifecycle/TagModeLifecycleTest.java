package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.DisposalMode;
import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.SpireTags;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsCall;
import dev.spirekms.localkms.KmsOperations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagResourceRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/** The background work in tag mode: liveness stamps, other servers' stale keys, orphans. */
class TagModeLifecycleTest {
  private final TestBed bed = new TestBed();

  private static LifecycleSettings.Builder manual() {
    return LifecycleSettings.builder()
        .firstRunDelay(Duration.ofDays(1000))
        .firstRunJitter(Duration.ZERO)
        .refreshInterval(Duration.ofDays(7))
        .disposeInterval(Duration.ofDays(1000))
        .sweepInterval(Duration.ofDays(1000));
  }

  /** A key of another server as upstream makes it in tag mode; {@code lastUpdate} null for none. */
  private String othersKey(String serverId, String spireKeyId, String lastUpdate) {
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, serverId);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(SpireTags.TRUST_DOMAIN, TestBed.TRUST_DOMAIN);
    tags.put(SpireTags.SERVER_ID, serverId);
    tags.put(SpireTags.ACTIVE, "true");
    tags.put(SpireTags.KEY_ID, spireKeyId);
    if (lastUpdate != null) {
      tags.put(SpireTags.LAST_UPDATE, lastUpdate);
    }
    return bed.model
        .createKey(
            CreateKeyRequest.builder()
                .keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsageType.SIGN_VERIFY)
                .description(other.description(spireKeyId))
                .tags(
                    tags.entrySet().stream()
                        .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build())
                        .toList())
                .build())
        .keyMetadata()
        .arn();
  }

  private String secondsAgo(Duration ago) {
    return Long.toString(bed.clock.instant().minus(ago).getEpochSecond());
  }

  // TestKeepActiveKeys: updates spire-last-update on all entries
  @Test
  void livenessStampsEveryKeyThisServerHolds() {
    TestBed.Server a = bed.tagServer("srv-a", manual().build()).start();
    KeyEntry one = a.generate("x509-CA-A");
    KeyEntry two = a.generate("jwt-signer-A");
    bed.advance(Duration.ofHours(6));
    bed.model.clearCalls();

    long before = bed.clock.instant().getEpochSecond();

    LivenessRefresher.Summary summary = a.liveness();

    assertEquals(new LivenessRefresher.Summary(2, 0), summary);
    long after = bed.clock.instant().getEpochSecond();
    for (KeyEntry key : List.of(one, two)) {
      long stamped = Long.parseLong(bed.model.tags(key.keyArn()).get("spire-last-update"));
      assertTrue(stamped >= before && stamped <= after, stamped + " not in the run");
      assertTrue(stamped > TestBed.START.getEpochSecond());
    }
    assertEquals(2, bed.calls(KmsOperations.TAG_RESOURCE));
    for (TagResourceRequest request :
        bed.model.requests(KmsOperations.TAG_RESOURCE, TagResourceRequest.class)) {
      assertEquals(List.of("spire-last-update"), request.tags().stream().map(Tag::tagKey).toList());
    }
  }

  // TestKeepActiveKeys: tag errors returned
  @Test
  void aFailedStampIsCountedAndWarned() {
    TestBed.Server a = bed.tagServer("srv-a", manual().build()).start();
    a.generate("x509-CA-A");
    bed.model.faults().failNext(KmsOperations.TAG_RESOURCE, 1, Fault.accessDenied());
    assertEquals(new LivenessRefresher.Summary(0, 1), a.liveness());
    assertEquals(1, a.log.withMessage(LifecycleMessages.LIVENESS_FAILED).size());
  }

  @Test
  void livenessRunsEverySixHoursOnItsOwn() {
    TestBed.Server a = bed.tagServer("srv-a", TestBed.QUIET).start();
    KeyEntry key = a.generate("x509-CA-A");
    bed.advance(Duration.ofHours(6).plusMinutes(5));
    long stamped = Long.parseLong(bed.model.tags(key.keyArn()).get("spire-last-update"));
    assertTrue(stamped >= TestBed.START.plus(Duration.ofHours(6)).getEpochSecond(), "" + stamped);
    assertTrue(stamped <= bed.clock.instant().getEpochSecond());
  }

  // TestDisposeKeysViaTags
  @Test
  void disposesOnlyStaleKeysOfOtherServers() {
    TestBed.Server a = bed.tagServer("srv-a", manual().build()).start();
    KeyEntry own = a.generate("x509-CA-A");
    bed.model.tagResource(
        TagResourceRequest.builder()
            .keyId(own.keyArn())
            .tags(SpireTags.lastUpdate(TestBed.START.minus(Duration.ofDays(30))))
            .build());
    String stale = othersKey("srv-b", "x509-CA-A", secondsAgo(Duration.ofDays(15)));
    String noStamp = othersKey("srv-c", "x509-CA-A", null);
    String malformed = othersKey("srv-d", "x509-CA-A", "yesterday");
    String recent = othersKey("srv-e", "x509-CA-A", secondsAgo(Duration.ofDays(13)));
    bed.model.clearCalls();

    StaleTaggedKeyDisposer.Summary summary = a.disposeStaleKeys();

    assertEquals(new StaleTaggedKeyDisposer.Summary(5, 2, 2, 0, 0), summary);
    assertEquals(KeyState.PENDING_DELETION, bed.state(stale));
    assertEquals(KeyState.PENDING_DELETION, bed.state(noStamp));
    assertEquals(KeyState.ENABLED, bed.state(malformed));
    assertEquals(KeyState.ENABLED, bed.state(recent));
    assertEquals(KeyState.ENABLED, bed.state(own.keyArn()));
    GetResourcesRequest query =
        bed.model.requests(KmsOperations.GET_RESOURCES, GetResourcesRequest.class).get(0);
    assertEquals(
        List.of(
            TagFilter.builder().key("spire-server-td").values("acme.co").build(),
            TagFilter.builder().key("spire-active").values("true").build()),
        query.tagFilters());
    // inactive only after the deletion is scheduled: ScheduleKeyDeletion, then TagResource
    List<String> order =
        bed.model.calls().stream()
            .map(KmsCall::operation)
            .filter(op -> !op.equals(KmsOperations.GET_RESOURCES))
            .toList();
    assertEquals(
        List.of(
            KmsOperations.SCHEDULE_KEY_DELETION,
            KmsOperations.TAG_RESOURCE,
            KmsOperations.SCHEDULE_KEY_DELETION,
            KmsOperations.TAG_RESOURCE),
        order);
    for (TagResourceRequest request :
        bed.model.requests(KmsOperations.TAG_RESOURCE, TagResourceRequest.class)) {
      assertEquals(
          List.of("spire-active=false"),
          request.tags().stream().map(t -> t.tagKey() + "=" + t.tagValue()).toList());
    }
  }

  // TestDisposeKeysViaTagsScheduleDeletionError
  @Test
  void aFailedSchedulingLeavesTheKeyActive() {
    TestBed.Server a = bed.tagServer("srv-a", manual().build()).start();
    String stale = othersKey("srv-b", "x509-CA-A", secondsAgo(Duration.ofDays(15)));
    bed.model.faults().failAlways(KmsOperations.SCHEDULE_KEY_DELETION, Fault.internalError());
    bed.model.clearCalls();
    StaleTaggedKeyDisposer.Summary summary = a.disposeStaleKeys();
    assertEquals(1, summary.failed());
    assertEquals(0, bed.calls(KmsOperations.TAG_RESOURCE));
    assertEquals("true", bed.model.tags(stale).get("spire-active"));
    assertEquals(1, a.log.withMessage(LifecycleMessages.STALE_KEY_NOT_SCHEDULED).size());
  }

  @Test
  void aKeyAlreadyPendingDeletionCountsAsScheduled() {
    TestBed.Server a = bed.tagServer("srv-a", manual().build()).start();
    String stale = othersKey("srv-b", "x509-CA-A", secondsAgo(Duration.ofDays(15)));
    bed.kms.scheduleKeyDeletion(b -> b.keyId(stale).pendingWindowInDays(7));
    assertEquals(1, a.disposeStaleKeys().scheduled());
  }

  // TestDisposeKeysViaTags: GetResources error returned
  @Test
  void aListingFailureEndsTheRun() {
    TestBed.Server a = bed.tagServer("srv-a", manual().build()).start();
    bed.model.faults().failNext(KmsOperations.GET_RESOURCES, 1, Fault.internalError());
    StaleTaggedKeyDisposer.Summary summary = a.disposeStaleKeys();
    assertEquals(new StaleTaggedKeyDisposer.Summary(0, 0, 0, 0, 1), summary);
    assertEquals(1, a.log.withMessage(LifecycleMessages.TAGGED_KEY_LISTING_FAILED).size());
  }

  @Test
  void reportModeChangesNothing() {
    TestBed.Server a = bed.tagServer("srv-a", manual().mode(DisposalMode.REPORT).build()).start();
    String stale = othersKey("srv-b", "x509-CA-A", secondsAgo(Duration.ofDays(15)));
    bed.model.clearCalls();
    StaleTaggedKeyDisposer.Summary summary = a.disposeStaleKeys();
    assertEquals(1, summary.reported());
    assertEquals(KeyState.ENABLED, bed.state(stale));
    assertEquals("true", bed.model.tags(stale).get("spire-active"));
    assertEquals(0, bed.calls(KmsOperations.SCHEDULE_KEY_DELETION));
    assertEquals(0, bed.calls(KmsOperations.TAG_RESOURCE));
  }

  @Test
  void aRotatedKeyIsMarkedInactiveOnlyAfterItsDeletionIsScheduled() {
    TestBed.Server a = bed.tagServer("srv-a", manual().build()).start();
    KeyEntry old = a.generate("x509-CA-A");
    bed.model.clearCalls();
    a.generate("x509-CA-A");
    bed.advance(Duration.ofMinutes(1));
    assertEquals(KeyState.PENDING_DELETION, bed.state(old.keyArn()));
    List<String> order =
        bed.model.calls().stream()
            .map(KmsCall::operation)
            .filter(
                op ->
                    op.equals(KmsOperations.SCHEDULE_KEY_DELETION)
                        || op.equals(KmsOperations.TAG_RESOURCE))
            .toList();
    assertEquals(List.of(KmsOperations.SCHEDULE_KEY_DELETION, KmsOperations.TAG_RESOURCE), order);
    // the local KMS, as KMS, takes no tags on a key pending deletion: noted, not warned
    assertTrue(a.log.withMessage(LifecycleMessages.NOT_MARKED_INACTIVE).isEmpty());
  }

  @Test
  void theOrphanSweepAsksTheTaggingApiForThisServersKeysOnly() {
    TestBed.Server a = bed.tagServer("srv-a", manual().build()).start();
    KeyEntry live = a.generate("x509-CA-A");
    // CreateKey succeeded, then the process died before CreateAlias: tagged as ours, no alias
    String orphan = othersKey("srv-a", "jwt-signer-A", secondsAgo(Duration.ZERO));
    bed.createKey("SPIRE_SERVER_KEY/acme_co/untagged");
    bed.advance(Duration.ofHours(49));
    bed.model.clearCalls();

    OrphanKeySweeper.Summary summary = a.sweep();

    assertEquals(0, bed.calls(KmsOperations.LIST_KEYS));
    assertEquals(1, bed.calls(KmsOperations.GET_RESOURCES));
    // only this server's two tagged keys were looked at; the untagged one is not listed
    assertEquals(2, summary.keysChecked());
    assertEquals(1, summary.orphans());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(KeyState.PENDING_DELETION, bed.state(orphan));
    assertEquals(KeyState.ENABLED, bed.state(live.keyArn()));
  }

  @Test
  void tagModeListsNoAliasesOfTheAccountForCleanup() {
    TestBed.Server a = bed.tagServer("srv-a", TestBed.PROMPT).start();
    a.generate("x509-CA-A");
    bed.model.clearCalls();
    bed.advance(Duration.ofDays(3));
    assertEquals(0, bed.calls(KmsOperations.LIST_ALIASES) - aliasCallsOfRefresh());
    assertEquals(0, bed.calls(KmsOperations.LIST_KEYS));
    assertTrue(bed.calls(KmsOperations.GET_RESOURCES) >= 2);
  }

  /** The figures of the operator docs: the calls of one start and one liveness run, 10 keys. */
  @Test
  void tenKeysCostOneListingEachAndOneCallPerKey() {
    TestBed.Server first = bed.tagServer("srv-a", manual().build()).start();
    for (int i = 0; i < 10; i++) {
      first.generate("key-" + i);
    }
    first.lifecycle.close();
    bed.model.clearCalls();

    TestBed.Server again = bed.tagServer("srv-a", manual().build()).start();
    Map<String, Integer> start = counts();
    assertEquals(
        Map.of(
            KmsOperations.GET_RESOURCES, 1,
            KmsOperations.LIST_ALIASES, 1,
            KmsOperations.GET_PUBLIC_KEY, 10),
        start);

    bed.model.clearCalls();
    again.liveness();
    assertEquals(Map.of(KmsOperations.TAG_RESOURCE, 10), counts());
  }

  private Map<String, Integer> counts() {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (String op : KmsOperations.ALL) {
      if (bed.calls(op) > 0) {
        counts.put(op, bed.calls(op));
      }
    }
    return counts;
  }

  private int aliasCallsOfRefresh() {
    // the alias refresh and the deletion queue look up aliases by key (ListAliases with KeyId)
    return (int)
        bed.model.calls(KmsOperations.LIST_ALIASES).stream()
            .filter(
                c ->
                    c.request(software.amazon.awssdk.services.kms.model.ListAliasesRequest.class)
                            .keyId()
                        != null)
            .count();
  }
}
