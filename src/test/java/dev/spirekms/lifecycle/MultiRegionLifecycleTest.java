package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KeyStoreSettings;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.Replication;
import dev.spirekms.keys.SpireKeyType;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsCall;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;

/** The lifecycle of multi-Region keys, on the stateful local KMS in two regions. */
class MultiRegionLifecycleTest {
  private static final String WEST = "us-west-2";

  private final TestBed bed = new TestBed();
  private final KmsModel west = bed.model.inRegion(WEST);
  private final ManualScheduler scheduler = bed.timeline.child();
  private final CapturedLog log = new CapturedLog();
  private final KeyNaming naming = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-a");
  private final java.util.List<String> reportedRuns =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.List<String> reportedErrors =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final KeyLifecycle lifecycle =
      new KeyLifecycle(bed.kms, null, naming, TestBed.QUIET, bed.clock, scheduler, log);

  {
    lifecycle.reportTo(
        new LifecycleReports() {
          @Override
          public void ran(
              String task,
              java.time.Instant at,
              String result,
              Map<String, Integer> counts,
              java.util.Optional<java.time.Instant> nextRun) {
            reportedRuns.add(task + " " + result + " " + counts);
          }

          @Override
          public void failed(String component, String message, java.time.Instant at) {
            reportedErrors.add(component + ": " + message);
          }
        });
  }

  private final KmsKeyStore store =
      KmsKeyStore.open(
          bed.kms,
          null,
          new KeyStoreSettings(naming, TestBed.NO_POLICY, Map.of(), 2).withClock(bed.clock),
          lifecycle.deletionQueue(),
          new Replication(Map.of(WEST, bed.kms.inRegion(WEST))));

  @AfterEach
  void close() {
    lifecycle.close();
  }

  @Test
  void aReplaceKeysReplicaIsScheduledForDeletionBeforeItsPrimary() {
    lifecycle.start(store);
    KeyEntry first = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    store.generate("x509-CA-A", SpireKeyType.EC_P256);
    bed.timeline.advance(Duration.ofSeconds(30));

    String replica = Replication.arnIn(first.keyArn(), WEST);
    List<String> scheduled =
        bed.model.calls(KmsOperations.SCHEDULE_KEY_DELETION).stream()
            .filter(KmsCall::succeeded)
            .map(c -> c.request(ScheduleKeyDeletionRequest.class).keyId())
            .toList();
    assertEquals(List.of(replica, first.keyArn()), scheduled);
    assertEquals(KeyState.PENDING_DELETION, west.keyState(replica));
    assertEquals(KeyState.PENDING_REPLICA_DELETION, bed.model.keyState(first.keyArn()));
    assertEquals(1, log.withMessage("Replica key scheduled for deletion").size());

    // KMS deletes the replica after the waiting period, then the primary's own starts
    bed.clock.advance(Duration.ofDays(8));
    assertFalse(west.hasKey(replica));
    assertEquals(KeyState.PENDING_DELETION, bed.model.keyState(first.keyArn()));
  }

  @Test
  void aMissingReplicaIsRetriedWithABackoffUntilItsRegionAnswers() {
    lifecycle.start(store);
    bed.model
        .faults()
        .failAlwaysWhen(
            KmsOperations.REPLICATE_KEY,
            ReplicateKeyRequest.class,
            r -> WEST.equals(r.replicaRegion()),
            Fault.serviceError("KMSInternalException", 500, "us-west-2 is down"));
    KeyEntry entry = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(1, store.replication().gaps().size());

    // due at once: the first retry runs at the task's next tick; GenerateKey's attempt was the
    // first failure, so the waits are 20 s, 40 s, ...
    bed.timeline.advance(ReplicaRepairer.INTERVAL.plusSeconds(1));
    List<CapturedLog.Line> retries = log.withMessage(LifecycleMessages.REPLICA_RETRY_FAILED);
    assertEquals(1, retries.size());
    assertEquals(WEST, retries.get(0).field("region"));
    assertEquals("replica", retries.get(0).field("missing"));
    assertEquals("20s", retries.get(0).field("retry_in"));
    assertEquals("2", retries.get(0).field("attempt"));
    assertEquals(
        "replica_repair: replica still missing (replica of "
            + Replication.arnIn(entry.keyArn(), WEST)
            + "): kms:ReplicateKey failed: KMSInternalException: us-west-2 is down",
        reportedErrors.get(0));
    int replicateCalls = bed.model.callCount(KmsOperations.REPLICATE_KEY);
    bed.timeline.advance(Duration.ofSeconds(5));
    assertEquals(replicateCalls, bed.model.callCount(KmsOperations.REPLICATE_KEY));
    bed.timeline.advance(Duration.ofSeconds(20));
    assertEquals(2, log.withMessage(LifecycleMessages.REPLICA_RETRY_FAILED).size());
    assertEquals(
        "40s", log.withMessage(LifecycleMessages.REPLICA_RETRY_FAILED).get(1).field("retry_in"));

    bed.model.faults().clear();
    bed.timeline.advance(Duration.ofSeconds(50));
    assertEquals(0, store.replication().gaps().size());
    // only runs with work are reported: two failed retries and the one that made the replica
    assertEquals(
        List.of(
            "replica_repair failed {made=0, failed=1, waiting=1}",
            "replica_repair failed {made=0, failed=1, waiting=1}",
            "replica_repair ok {made=1, failed=0, waiting=0}"),
        reportedRuns.stream().filter(r -> r.startsWith("replica_repair")).toList());
    String alias = entry.aliasName();
    assertEquals(Replication.arnIn(entry.keyArn(), WEST), west.key(alias).arn());
    assertTrue(
        west.calls(KmsOperations.CREATE_ALIAS).stream()
            .anyMatch(c -> c.region().equals(WEST) && c.succeeded()));
  }

  @Test
  void backoffDoublesUpToAnHour() {
    assertEquals(Duration.ofSeconds(10), ReplicaRepairer.backoff(1));
    assertEquals(Duration.ofSeconds(40), ReplicaRepairer.backoff(3));
    assertEquals(Duration.ofHours(1), ReplicaRepairer.backoff(30));
  }

  @Test
  void aliasRefreshBumpsTheAliasInEveryRegionButNotOneMovedToAnotherKey() {
    lifecycle.start(store);
    KeyEntry a = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    KeyEntry b = store.generate("JWT-Signer-A", SpireKeyType.EC_P256);
    bed.clock.advance(Duration.ofDays(1));
    // another server with the same server id moved this alias in us-west-2 to a key of its own
    String other =
        bed.kms
            .inRegion(WEST)
            .createKey(
                r ->
                    r.keySpec(software.amazon.awssdk.services.kms.model.KeySpec.ECC_NIST_P256)
                        .keyUsage(
                            software.amazon.awssdk.services.kms.model.KeyUsageType.SIGN_VERIFY))
            .keyMetadata()
            .arn();
    bed.kms.inRegion(WEST).updateAlias(r -> r.aliasName(b.aliasName()).targetKeyId(other));
    var before = west.alias(b.aliasName()).get().lastUpdatedDate();
    bed.clock.advance(Duration.ofHours(1));

    var startedAt = bed.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    AliasRefresher.Summary summary = run(lifecycle.refresher().runOnce());
    assertEquals(2, summary.refreshed());
    assertEquals(1, summary.replicaAliases());
    assertFalse(west.alias(a.aliasName()).get().lastUpdatedDate().isBefore(startedAt));
    assertEquals(Replication.arnIn(a.keyArn(), WEST), west.key(a.aliasName()).arn());
    assertEquals(before, west.alias(b.aliasName()).get().lastUpdatedDate());
    assertEquals(other, west.key(b.aliasName()).arn());
  }

  /** A server with one key whose alias in us-west-2 was deleted by hand. */
  private TestBed.Server serverWithoutItsReplicaAlias() {
    TestBed.Server server = bed.server("srv-b").startReplicatingTo(WEST);
    KeyEntry entry = server.generate("x509-CA-A");
    west.deleteAlias(
        software.amazon.awssdk.services.kms.model.DeleteAliasRequest.builder()
            .aliasName(entry.aliasName())
            .build());
    return server;
  }

  @Test
  void aReplicaAliasDeletedByHandIsFoundAtTheNextRefreshAndMadeAgain() {
    TestBed.Server server = serverWithoutItsReplicaAlias();
    KeyEntry entry = server.store.get("x509-CA-A").orElseThrow();

    bed.timeline.advance(Duration.ofHours(6).plusMinutes(1));
    List<CapturedLog.Line> found = server.log.withMessage(LifecycleMessages.REPLICA_FOUND_MISSING);
    assertEquals(1, found.size());
    assertEquals("alias", found.get(0).field("missing"));
    assertEquals(WEST, found.get(0).field("region"));
    assertEquals(Replication.arnIn(entry.keyArn(), WEST), west.key(entry.aliasName()).arn());
    assertEquals(0, server.store.replication().gaps().size());
    // the replica existed: no second ReplicateKey
    assertEquals(1, bed.model.callCount(KmsOperations.REPLICATE_KEY));
    server.lifecycle.close();
  }

  @Test
  void aMissingReplicaAliasWhoseKeyCannotBeDescribedIsLookedAtAgainAtTheNextRefresh() {
    TestBed.Server server = serverWithoutItsReplicaAlias();
    KeyEntry entry = server.store.get("x509-CA-A").orElseThrow();
    bed.model
        .faults()
        .failAlwaysWhen(
            KmsOperations.DESCRIBE_KEY,
            software.amazon.awssdk.services.kms.model.DescribeKeyRequest.class,
            r -> entry.keyArn().equals(r.keyId()),
            Fault.serviceError("KMSInternalException", 500, "cannot describe"));

    bed.timeline.advance(Duration.ofHours(6).plusMinutes(1));
    List<CapturedLog.Line> failed =
        server.log.withMessage(LifecycleMessages.REFRESH_FAILED).stream()
            .filter(l -> WEST.equals(l.field("region")))
            .toList();
    assertEquals(1, failed.size());
    assertTrue(failed.get(0).field("reason").contains("cannot describe"));
    assertEquals(0, server.store.replication().gaps().size());
    assertFalse(west.alias(entry.aliasName()).isPresent());

    bed.model.faults().clear();
    bed.timeline.advance(Duration.ofHours(6).plusMinutes(1));
    assertEquals(Replication.arnIn(entry.keyArn(), WEST), west.key(entry.aliasName()).arn());
    server.lifecycle.close();
  }

  @Test
  void aRestartForgetsAMissingReplicaAndTheNextRefreshFindsIt() {
    bed.model
        .faults()
        .failAlwaysWhen(
            KmsOperations.REPLICATE_KEY,
            ReplicateKeyRequest.class,
            r -> WEST.equals(r.replicaRegion()),
            Fault.serviceError("KMSInternalException", 500, "us-west-2 is down"));
    TestBed.Server before = bed.server("srv-b").startReplicatingTo(WEST);
    KeyEntry entry = before.generate("x509-CA-A");
    assertEquals(1, before.store.replication().gaps().size());
    before.lifecycle.close();
    bed.model.faults().clear();

    TestBed.Server after = bed.server("srv-b").startReplicatingTo(WEST);
    assertEquals(0, after.store.replication().gaps().size());
    bed.timeline.advance(Duration.ofHours(6).plusMinutes(1));
    assertEquals(
        "replica",
        after.log.withMessage(LifecycleMessages.REPLICA_FOUND_MISSING).get(0).field("missing"));
    assertEquals(Replication.arnIn(entry.keyArn(), WEST), west.key(entry.aliasName()).arn());
    assertEquals(KeyState.ENABLED, west.keyState(Replication.arnIn(entry.keyArn(), WEST)));
    assertEquals(0, after.store.replication().gaps().size());
    after.lifecycle.close();
  }

  @Test
  void aSingleRegionKeyFromBeforeReplicaRegionsIsLeftToTheNextRotation() {
    TestBed.Server before = bed.server("srv-b").start();
    KeyEntry entry = before.generate("x509-CA-A");
    before.lifecycle.close();

    TestBed.Server after = bed.server("srv-b").startReplicatingTo(WEST);
    bed.timeline.advance(Duration.ofHours(6).plusMinutes(1));
    List<CapturedLog.Line> lines = after.log.withMessage(LifecycleMessages.REPLICA_CANNOT_BE_MADE);
    assertEquals(1, lines.size());
    assertEquals(entry.keyArn(), lines.get(0).field("key_arn"));
    assertEquals(0, after.store.replication().gaps().size());
    assertEquals(0, bed.model.callCount(KmsOperations.REPLICATE_KEY));
    // the next rotation makes a multi-Region key with its replica
    KeyEntry rotated = after.generate("x509-CA-A");
    assertEquals(Replication.arnIn(rotated.keyArn(), WEST), west.key(rotated.aliasName()).arn());
    after.lifecycle.close();
  }

  private <S> S run(java.util.concurrent.CompletableFuture<S> started) {
    bed.timeline.advance(Duration.ofMinutes(5));
    assertTrue(started.isDone());
    return started.join();
  }
}
