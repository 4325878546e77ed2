package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.Replication;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsCall;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;

/**
 * The stale alias disposal and the orphan sweep in every region of a server with replica regions,
 * on the stateful local KMS: the same prefix rules in each region, a replica before its primary,
 * and a multi-Region key kept while any of its copies is in use or out of reach.
 */
class MultiRegionCleanupTest {
  private static final String WEST = "us-west-2";
  private static final String EU = "eu-west-1";
  private static final Duration PAST_THRESHOLD = Duration.ofDays(15);
  private static final Duration PAST_ORPHAN_AGE = Duration.ofHours(49);

  private final TestBed bed = new TestBed();
  private final KmsModel home = bed.model;
  private final KmsModel west = bed.model.inRegion(WEST);
  private final TestBed.Server ours = bed.server("srv-a");

  @AfterEach
  void close() {
    ours.lifecycle.close();
  }

  /** A server of the trust domain that replicated its keys into {@code regions}, then stopped. */
  private KeyEntry stoppedServersKey(String serverId, String... regions) {
    TestBed.Server other = bed.server(serverId).startReplicatingTo(regions);
    KeyEntry key = other.generate("x509-CA-A");
    other.lifecycle.close();
    return key;
  }

  @Test
  void aStoppedServersAliasesAreDeletedInEveryRegionAndItsReplicaScheduledFirst() {
    ours.startReplicatingTo(WEST);
    KeyEntry own = ours.generate("x509-CA-A");
    KeyEntry dead = stoppedServersKey("srv-dead", WEST);
    String deadReplica = Replication.arnIn(dead.keyArn(), WEST);
    bed.advance(PAST_THRESHOLD);

    assertEquals(WEST, ours.log.withMessage("Key cleanup started").get(0).field("replica_regions"));
    StaleAliasDisposer.Summary summary = ours.dispose();
    assertEquals(2, summary.deleted());
    assertEquals(0, summary.failed());
    assertFalse(west.alias(dead.aliasName()).isPresent());
    assertFalse(home.alias(dead.aliasName()).isPresent());
    List<CapturedLog.Line> deleted = ours.log.withMessage("Stale alias deleted");
    assertEquals(WEST, deleted.get(0).field("region"));
    assertEquals(deadReplica, deleted.get(0).field("key_arn"));
    assertEquals(null, deleted.get(1).field("region"));

    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(deadReplica, dead.keyArn()), scheduled());
    assertEquals(KeyState.PENDING_DELETION, west.keyState(deadReplica));
    assertEquals(KeyState.PENDING_REPLICA_DELETION, home.keyState(dead.keyArn()));
    // queued replica first, so the primary never waits on an alias about to go
    assertTrue(ours.log.withMessage(LifecycleMessages.REPLICA_ALIAS_STILL_POINTS).isEmpty());

    // our own key and its replica are untouched in both regions
    assertEquals(KeyState.ENABLED, home.keyState(own.keyArn()));
    assertEquals(Replication.arnIn(own.keyArn(), WEST), west.key(own.aliasName()).arn());
  }

  @Test
  void anAliasStillRefreshedInAnotherRegionKeepsTheKeyEverywhere() {
    ours.startReplicatingTo(WEST);
    KeyEntry dead = stoppedServersKey("srv-b", WEST);
    bed.advance(PAST_THRESHOLD);
    // srv-b lives on in the home region without its replica region: only its home alias is fresh
    bed.touchAlias(dead.aliasName(), dead.keyArn());

    StaleAliasDisposer.Summary summary = ours.dispose();
    assertEquals(1, summary.stale());
    assertEquals(0, summary.deleted());
    assertTrue(west.alias(dead.aliasName()).isPresent());
    CapturedLog.Line kept =
        ours.log.withMessage(LifecycleMessages.STALE_ALIAS_KEPT_ELSEWHERE).get(0);
    assertEquals(WEST, kept.field("region"));
    assertEquals(
        "its multi-Region copy in "
            + KmsModel.DEFAULT_REGION
            + " has the alias "
            + dead.aliasName(),
        kept.field("reason"));
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(), scheduled());
  }

  @Test
  void aKeyWithACopyInARegionThisServerDoesNotReachIsLeftInEveryRegion() {
    ours.startReplicatingTo(WEST);
    KeyEntry dead = stoppedServersKey("srv-c", WEST, EU);
    bed.advance(PAST_THRESHOLD);

    StaleAliasDisposer.Summary summary = ours.dispose();
    assertEquals(2, summary.stale());
    assertEquals(0, summary.deleted());
    assertEquals(2, summary.skipped());
    List<CapturedLog.Line> kept =
        ours.log.withMessage(LifecycleMessages.STALE_ALIAS_KEPT_ELSEWHERE);
    assertEquals(2, kept.size());
    assertTrue(kept.get(0).field("reason").contains(EU + " is in a region this server does not"));
    assertTrue(home.alias(dead.aliasName()).isPresent());
    assertTrue(west.alias(dead.aliasName()).isPresent());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(), scheduled());
  }

  @Test
  void aStoppedServersSingleRegionKeyInAReplicaRegionIsDisposedOfThere() {
    ours.startReplicatingTo(WEST);
    // a server whose home region was us-west-2, without replicas
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-west");
    String key = createKey(west, other.description("JWT-Signer-A"), false);
    createAlias(west, other.aliasName("JWT-Signer-A"), key);
    bed.advance(PAST_THRESHOLD);

    assertEquals(1, ours.dispose().deleted());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(key), scheduled());
    assertEquals(KeyState.PENDING_DELETION, west.keyState(key));
  }

  @Test
  void nothingOutsideOurPrefixesIsTouchedInAReplicaRegion() {
    ours.startReplicatingTo(WEST);
    String otherApp = createKey(west, "payments signing key", false);
    createAlias(west, "alias/payments/signer", otherApp);
    KeyNaming otherTrustDomain = new KeyNaming("other.org", "srv-x");
    String foreign = createKey(west, otherTrustDomain.description("x509-CA-A"), false);
    createAlias(west, otherTrustDomain.aliasName("x509-CA-A"), foreign);
    String lookAlike = createKey(west, "SPIRE_SERVER_KEY/acme_co_evil/x509-CA-A", false);
    createAlias(west, "alias/SPIRE_SERVER/acme_co_evil/srv-x/x509-CA-A", lookAlike);
    String unaliased = createKey(west, "not ours", false);
    String unaliasedMrk = createKey(west, "not ours either", true);
    bed.advance(PAST_THRESHOLD);

    StaleAliasDisposer.Summary disposal = ours.dispose();
    OrphanKeySweeper.Summary sweep = ours.sweep();
    bed.advance(Duration.ofMinutes(1));

    assertEquals(0, disposal.deleted());
    assertEquals(0, sweep.orphans());
    assertEquals(List.of(), scheduled());
    for (String key : List.of(otherApp, foreign, lookAlike, unaliased, unaliasedMrk)) {
      assertEquals(KeyState.ENABLED, west.keyState(key), key);
    }
    assertEquals(3, west.aliases().stream().filter(a -> a.targetKeyId() != null).count());
    assertEquals(0, bed.model.callCount(KmsOperations.DELETE_ALIAS));
  }

  @Test
  void anOrphanInAReplicaRegionIsSwept() {
    ours.startReplicatingTo(WEST);
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-west");
    String orphan = createKey(west, other.description("x509-CA-A"), false);
    bed.advance(PAST_ORPHAN_AGE);

    OrphanKeySweeper.Summary sweep = ours.sweep();
    assertEquals(1, sweep.orphans());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(orphan), scheduled());
    assertEquals(KeyState.PENDING_DELETION, west.keyState(orphan));
  }

  @Test
  void anOrphanedPrimaryIsQueuedOnceAndItsReplicaScheduledFirst() {
    ours.startReplicatingTo(WEST);
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-gone");
    String primary = createKey(home, other.description("x509-CA-A"), true);
    String replica = replicate(primary, WEST);
    bed.advance(PAST_ORPHAN_AGE);

    OrphanKeySweeper.Summary sweep = ours.sweep();
    // both regions are listed; the replica is judged through its primary
    assertEquals(1, sweep.orphans());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(replica, primary), scheduled());
    assertEquals(KeyState.PENDING_DELETION, west.keyState(replica));
    assertEquals(KeyState.PENDING_REPLICA_DELETION, home.keyState(primary));
  }

  @Test
  void aPrimaryWhoseReplicaHasAnAliasIsNoOrphanInEitherRegion() {
    ours.startReplicatingTo(WEST);
    // a server that failed over to us-west-2 signs with the replica; the home alias is gone
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-failed-over");
    String primary = createKey(home, other.description("x509-CA-A"), true);
    String replica = replicate(primary, WEST);
    createAlias(west, other.aliasName("x509-CA-A"), replica);
    // and our own key, whose replica alias in us-west-2 went missing
    KeyEntry own = ours.generate("JWT-Signer-A");
    west.deleteAlias(DeleteAliasRequest.builder().aliasName(own.aliasName()).build());
    bed.advance(PAST_ORPHAN_AGE);

    OrphanKeySweeper.Summary sweep = ours.sweep();
    assertEquals(0, sweep.orphans());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(), scheduled());
    assertEquals(KeyState.ENABLED, home.keyState(primary));
    assertEquals(KeyState.ENABLED, west.keyState(replica));
    assertEquals(KeyState.ENABLED, west.keyState(Replication.arnIn(own.keyArn(), WEST)));
  }

  @Test
  void aReplicaLeftBehindByItsPendingPrimaryIsSwept() {
    ours.startReplicatingTo(WEST);
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-gone");
    String primary = createKey(home, other.description("x509-CA-A"), true);
    String replica = replicate(primary, WEST);
    // the primary was scheduled while an alias still pointed at the replica; the alias went later
    createAlias(west, other.aliasName("x509-CA-A"), replica);
    home.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(primary).pendingWindowInDays(7).build());
    west.deleteAlias(DeleteAliasRequest.builder().aliasName(other.aliasName("x509-CA-A")).build());
    bed.model.clearCalls();
    bed.advance(PAST_ORPHAN_AGE);

    assertEquals(1, ours.sweep().orphans());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(replica), scheduled());
    assertEquals(KeyState.PENDING_DELETION, west.keyState(replica));
  }

  @Test
  void aPrimaryWithAReplicaInARegionThisServerDoesNotReachIsNoOrphan() {
    ours.startReplicatingTo(WEST);
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-gone");
    String primary = createKey(home, other.description("x509-CA-A"), true);
    replicate(primary, EU);
    bed.advance(PAST_ORPHAN_AGE);

    assertEquals(0, ours.sweep().orphans());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(), scheduled());
  }

  @Test
  void aServerWithoutReplicaRegionsListsItsHomeRegionOnly() {
    ours.start();
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-west");
    createKey(west, other.description("x509-CA-A"), false);
    bed.advance(PAST_ORPHAN_AGE);

    assertEquals(0, ours.sweep().orphans());
    ours.dispose();
    assertTrue(west.calls().stream().noneMatch(c -> c.region().equals(WEST) && !isCreate(c)));
  }

  @Test
  void aReplicaRegionWhoseListingFailsIsSkippedAndTheHomeRegionStillCleanedUp() {
    ours.startReplicatingTo(WEST);
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-home");
    String key = createKey(home, other.description("x509-CA-A"), false);
    createAlias(home, other.aliasName("x509-CA-A"), key);
    String orphan = createKey(home, other.description("JWT-Signer-A"), false);
    west.faults()
        .failAlwaysWhen(
            KmsOperations.LIST_ALIASES,
            ListAliasesRequest.class,
            r -> r.keyId() == null,
            Fault.serviceError("KMSInternalException", 500, "us-west-2 is down"));
    west.faults()
        .failAlways(
            KmsOperations.LIST_KEYS,
            Fault.serviceError("KMSInternalException", 500, "us-west-2 is down"));
    bed.advance(PAST_THRESHOLD);

    StaleAliasDisposer.Summary disposal = ours.dispose();
    assertEquals(1, disposal.failed());
    assertEquals(1, disposal.deleted());
    OrphanKeySweeper.Summary sweep = ours.sweep();
    assertEquals(1, sweep.failed());
    assertEquals(1, sweep.orphans());
    assertEquals(
        WEST, ours.log.withMessage(LifecycleMessages.ALIAS_LISTING_FAILED).get(0).field("region"));
    assertEquals(
        WEST, ours.log.withMessage(LifecycleMessages.KEY_LISTING_FAILED).get(0).field("region"));
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(key, orphan), scheduled());
  }

  @Test
  void aCopyWhoseAliasesCannotBeListedKeepsTheKey() {
    ours.startReplicatingTo(WEST);
    KeyEntry dead = stoppedServersKey("srv-dead", WEST);
    String deadReplica = Replication.arnIn(dead.keyArn(), WEST);
    KeyNaming gone = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-gone");
    String primary = createKey(home, gone.description("x509-CA-A"), true);
    String replica = replicate(primary, WEST);
    Fault down = Fault.serviceError("KMSInternalException", 500, "cannot list");
    home.faults()
        .failAlwaysWhen(
            KmsOperations.LIST_ALIASES,
            ListAliasesRequest.class,
            r -> dead.keyArn().equals(r.keyId()) || primary.equals(r.keyId()),
            down);
    west.faults()
        .failAlwaysWhen(
            KmsOperations.LIST_ALIASES,
            ListAliasesRequest.class,
            r -> replica.equals(r.keyId()),
            down);
    bed.advance(PAST_THRESHOLD);

    StaleAliasDisposer.Summary disposal = ours.dispose();
    assertEquals(0, disposal.deleted());
    assertEquals(2, disposal.failed());
    OrphanKeySweeper.Summary sweep = ours.sweep();
    assertEquals(0, sweep.orphans());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(), scheduled());
    assertTrue(west.alias(dead.aliasName()).isPresent());
    assertEquals(KeyState.ENABLED, west.keyState(deadReplica));
    assertEquals(KeyState.ENABLED, home.keyState(primary));
  }

  @Test
  void anotherServersStaleAliasOnTheReplicaOfAKeyWeUseIsLeftAlone() {
    ours.startReplicatingTo(WEST);
    KeyEntry own = ours.generate("x509-CA-A");
    String ownReplica = Replication.arnIn(own.keyArn(), WEST);
    KeyNaming other = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-z");
    createAlias(west, other.aliasName("x509-CA-A"), ownReplica);
    bed.advance(PAST_THRESHOLD);

    StaleAliasDisposer.Summary summary = ours.dispose();
    assertEquals(0, summary.deleted());
    CapturedLog.Line line = ours.log.withMessage(LifecycleMessages.STALE_ALIAS_KEY_IN_USE).get(0);
    assertEquals(WEST, line.field("region"));
    assertEquals(ownReplica, line.field("key_arn"));
    assertTrue(west.alias(other.aliasName("x509-CA-A")).isPresent());
  }

  private static boolean isCreate(KmsCall call) {
    return call.operation().equals(KmsOperations.CREATE_KEY);
  }

  /** The keys scheduled for deletion, in order, in any region. */
  private List<String> scheduled() {
    return bed.model.calls(KmsOperations.SCHEDULE_KEY_DELETION).stream()
        .filter(KmsCall::succeeded)
        .map(c -> c.request(ScheduleKeyDeletionRequest.class).keyId())
        .toList();
  }

  private static String createKey(KmsModel region, String description, boolean multiRegion) {
    return region
        .createKey(
            CreateKeyRequest.builder()
                .keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsageType.SIGN_VERIFY)
                .description(description)
                .multiRegion(multiRegion)
                .build())
        .keyMetadata()
        .arn();
  }

  private static void createAlias(KmsModel region, String aliasName, String keyArn) {
    region.createAlias(
        CreateAliasRequest.builder().aliasName(aliasName).targetKeyId(keyArn).build());
  }

  /** ReplicateKey with the primary's description, as the plugin makes replicas. */
  private String replicate(String primary, String region) {
    return home.replicateKey(
            ReplicateKeyRequest.builder()
                .keyId(primary)
                .replicaRegion(region)
                .description(home.key(primary).description())
                .build())
        .replicaKeyMetadata()
        .arn();
  }
}
