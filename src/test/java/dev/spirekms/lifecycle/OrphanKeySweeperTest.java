package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.DisposalMode;
import dev.spirekms.keys.KeyEntry;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.FaultRule;
import dev.spirekms.localkms.KmsCall;
import dev.spirekms.localkms.KmsOperations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;

class OrphanKeySweeperTest {
  private static final String SCHEDULE = KmsOperations.SCHEDULE_KEY_DELETION;
  private static final Duration MIN_AGE = Duration.ofHours(48);

  private final TestBed bed = new TestBed();

  private static LifecycleSettings.Builder manual() {
    return LifecycleSettings.builder()
        .firstRunDelay(Duration.ofDays(1000))
        .firstRunJitter(Duration.ZERO)
        .refreshInterval(Duration.ofDays(7))
        .disposeInterval(Duration.ofDays(1000))
        .sweepInterval(Duration.ofDays(1000));
  }

  @Test
  void queuesOnlyEnabledAliaslessKeysOfThisTrustDomainOldEnough() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    KeyEntry live = a.generate("x509-CA-A");
    String orphan = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    String deeper = bed.createKey("SPIRE_SERVER_KEY/acme_co/extra/more");
    List<String> notOurs = new ArrayList<>();
    for (String description :
        new String[] {
          "SPIRE_SERVER_KEY/",
          "SPIRE_SERVER_KEY",
          "SPIRE_SERVER_KEY/acme_co",
          "SPIRE_SERVER_KEY/acme_co/",
          "SPIRE_SERVER_KEY/acme_co_uk/x509-CA-A",
          "SPIRE_SERVER_KEY/acme/x509-CA-A",
          "application key",
          null
        }) {
      notOurs.add(bed.createKey(description));
    }
    String withForeignAlias = bed.createKey("SPIRE_SERVER_KEY/acme_co/shared");
    bed.createAlias("alias/my-app", withForeignAlias);
    String otherServers = bed.otherServersKey("srv-b", "x509-CA-A");
    String disabled = bed.createKey("SPIRE_SERVER_KEY/acme_co/disabled");
    bed.model.disableKey(DisableKeyRequest.builder().keyId(disabled).build());
    String pending = bed.createKey("SPIRE_SERVER_KEY/acme_co/pending");
    bed.model.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(pending).pendingWindowInDays(30).build());
    bed.advance(Duration.ofHours(1));
    String young = bed.createKey("SPIRE_SERVER_KEY/acme_co/young");
    bed.advance(MIN_AGE.minusHours(1));

    OrphanKeySweeper.Summary summary = a.sweep();
    bed.advance(Duration.ofMinutes(1));

    assertEquals(2, summary.orphans(), summary::toString);
    assertEquals(2, summary.queued());
    assertEquals(0, summary.failed());
    assertEquals(bed.model.keys().size(), summary.keysChecked());
    assertEquals(KeyState.PENDING_DELETION, bed.state(orphan));
    assertEquals(KeyState.PENDING_DELETION, bed.state(deeper));
    for (String kept : notOurs) {
      assertEquals(KeyState.ENABLED, bed.state(kept));
    }
    for (String kept : List.of(live.keyArn(), withForeignAlias, otherServers, young)) {
      assertEquals(KeyState.ENABLED, bed.state(kept), kept);
    }
    assertEquals(KeyState.DISABLED, bed.state(disabled));
    assertEquals(
        List.of(orphan, deeper),
        bed.model.requests(SCHEDULE, ScheduleKeyDeletionRequest.class).stream()
            .map(ScheduleKeyDeletionRequest::keyId)
            .filter(k -> !k.equals(pending))
            .toList());
    var scheduled =
        a.log.withMessage("Key scheduled for deletion").stream()
            .filter(l -> orphan.equals(l.field("key_arn")))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "orphaned: no alias points to it and it is older than 2d0h", scheduled.field("reason"));
    assertEquals("2d0h", scheduled.field("age"));
    var finished = a.log.withMessage("Orphan key sweep finished").get(0);
    assertEquals(Level.INFO, finished.level());
    assertEquals("2", finished.field("orphans"));
  }

  @Test
  void aKeyJustUnderTheMinimumAgeIsKept() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String orphan = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.advance(MIN_AGE.minusSeconds(1));

    assertEquals(0, a.sweep().orphans());
    assertEquals(KeyState.ENABLED, bed.state(orphan));
    assertEquals(Level.DEBUG, a.log.withMessage("Orphan key sweep finished").get(0).level());

    bed.advance(Duration.ofSeconds(1));
    assertEquals(1, a.sweep().orphans());
  }

  @Test
  void listKeysErrorEndsTheSweepWithAWarning() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.advance(MIN_AGE);
    bed.model.faults().failNext(KmsOperations.LIST_KEYS, 1, Fault.accessDenied());

    OrphanKeySweeper.Summary summary = a.sweep();

    assertEquals(new OrphanKeySweeper.Summary(0, 0, 0, 0, 1), summary);
    var warn =
        a.log.withMessage(
            "Failed to list keys, so the orphan key sweep stopped early; it runs again at the next"
                + " sweep interval");
    assertEquals(Level.WARN, warn.get(0).level());
    assertTrue(warn.get(0).field("reason").startsWith("access denied to kms:ListKeys"));
  }

  @Test
  void keysThatCannotBeDescribedAreCountedQuietlyAndTheSweepGoesOn() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String closed = bed.createKey("someone else's key");
    String orphan = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.model
        .faults()
        .add(
            FaultRule.on(KmsOperations.DESCRIBE_KEY)
                .when(DescribeKeyRequest.class, r -> r.keyId().equals(closed))
                .always()
                .failWith(Fault.accessDenied()));
    bed.advance(MIN_AGE);

    OrphanKeySweeper.Summary summary = a.sweep();

    assertEquals(1, summary.failed());
    assertEquals(1, summary.queued());
    assertTrue(a.log.atLeast(Level.WARN).isEmpty(), () -> a.log.atLeast(Level.WARN).toString());
    assertEquals(
        closed,
        a.log
            .withMessage("Could not describe key during the orphan key sweep")
            .get(0)
            .field("key_arn"));
    bed.advance(Duration.ofSeconds(10));
    assertEquals(KeyState.PENDING_DELETION, bed.state(orphan));
  }

  @Test
  void aKeyDeletedDuringTheSweepIsSkipped() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String gone = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.model.faults().failNext(KmsOperations.DESCRIBE_KEY, 1, Fault.notFound());
    bed.advance(MIN_AGE);

    assertEquals(new OrphanKeySweeper.Summary(1, 0, 0, 0, 0), a.sweep());
    assertEquals(KeyState.ENABLED, bed.state(gone));
  }

  @Test
  void listAliasesErrorKeepsTheKey() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String orphan = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.model.faults().failNext(KmsOperations.LIST_ALIASES, 1, Fault.internalError());
    bed.advance(MIN_AGE);

    assertEquals(1, a.sweep().failed());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(KeyState.ENABLED, bed.state(orphan));
    assertEquals(
        orphan,
        a.log
            .withMessage(
                "Could not list the aliases of a SPIRE key; it is checked again at the next sweep")
            .get(0)
            .field("key_arn"));
  }

  @Test
  void reportModeLogsEachOrphanAndDeletesNothing() {
    TestBed.Server a = bed.server("srv-a", manual().mode(DisposalMode.REPORT).build()).start();
    String first = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    String second = bed.createKey("SPIRE_SERVER_KEY/acme_co/JWT-Signer-A");
    bed.advance(MIN_AGE.plusHours(2));
    bed.model.clearCalls();

    OrphanKeySweeper.Summary summary = a.sweep();
    bed.advance(Duration.ofHours(1));

    assertEquals(new OrphanKeySweeper.Summary(2, 2, 0, 2, 0), summary);
    assertEquals(0, bed.calls(SCHEDULE));
    assertEquals(0, bed.calls(KmsOperations.DELETE_ALIAS));
    var lines =
        a.log.withMessage(
            "Orphaned key would be scheduled for deletion; disposal_mode is report, so nothing was"
                + " deleted");
    assertEquals(List.of(first, second), lines.stream().map(l -> l.field("key_arn")).toList());
    assertEquals("2d2h", lines.get(0).field("age"));
    assertEquals("SPIRE_SERVER_KEY/acme_co/x509-CA-A", lines.get(0).field("description"));
    assertEquals(KeyState.ENABLED, bed.state(first));
  }

  @Test
  void describeKeysArePacedAtTwoPerSecond() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    for (int i = 0; i < 5; i++) {
      bed.createKey("not ours " + i);
    }
    bed.advance(MIN_AGE);
    bed.model.clearCalls();
    Instant start = bed.clock.instant();

    a.sweep();

    List<KmsCall> calls = bed.model.calls();
    assertEquals(KmsOperations.LIST_KEYS, calls.get(0).operation());
    assertEquals(start, calls.get(0).at());
    for (int i = 1; i <= 5; i++) {
      assertEquals(KmsOperations.DESCRIBE_KEY, calls.get(i).operation());
      assertEquals(start.plusMillis(500L * i), calls.get(i).at());
    }
  }

  @Test
  void everyPageOfKeysIsSwept() {
    TestBed.Server a = bed.server("srv-a", manual().callInterval(Duration.ZERO).build()).start();
    for (int i = 0; i < LifecycleKms.KEY_PAGE; i++) {
      bed.createKey("filler");
    }
    String last = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.advance(MIN_AGE);
    bed.model.clearCalls();

    OrphanKeySweeper.Summary summary = a.sweep();

    assertEquals(2, bed.calls(KmsOperations.LIST_KEYS));
    assertEquals(LifecycleKms.KEY_PAGE + 1, summary.keysChecked());
    assertEquals(1, summary.queued());
    assertTrue(a.queue().contains(last) || bed.state(last) == KeyState.PENDING_DELETION);
  }

  @Test
  void aFullQueueHoldsTheSweepBack() {
    TestBed.Server a = bed.server("srv-a", manual().queueCapacity(1).build()).start();
    String orphan = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.advance(MIN_AGE);
    String stuck = bed.createKey("stuck, and not ours");
    bed.model
        .faults()
        .add(
            FaultRule.on(KmsOperations.DESCRIBE_KEY)
                .when(DescribeKeyRequest.class, r -> r.keyId().equals(stuck))
                .always()
                .failWith(Fault.throttling()));
    // the queue's only slot is taken by a key that keeps failing (for minutes, until given up)
    a.queue().offer(stuck, "test", null);

    CompletableFuture<OrphanKeySweeper.Summary> run = a.lifecycle.sweeper().runOnce();
    bed.advance(Duration.ofMinutes(5));
    assertFalse(run.isDone());
    assertTrue(a.queue().contains(stuck));

    bed.model.faults().clear();
    OrphanKeySweeper.Summary summary = a.run(run, Duration.ofMinutes(2));
    assertEquals(1, summary.queued());
    bed.advance(Duration.ofSeconds(10));
    assertEquals(KeyState.PENDING_DELETION, bed.state(orphan));
  }

  @Test
  void keysAlreadyQueuedAreLeftToTheQueue() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String orphan = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.advance(MIN_AGE);
    bed.model.faults().failAlways(SCHEDULE, Fault.throttling());
    a.queue().enqueue(orphan, "test");
    bed.advance(Duration.ofMinutes(1));
    bed.model.clearCalls();

    OrphanKeySweeper.Summary summary = a.sweep();

    assertEquals(0, summary.orphans());
    assertEquals(1, summary.keysChecked());
    // every ListAliases for the key came from the queue's own attempts, one per attempt
    long aliasChecks =
        bed.model.requests(KmsOperations.LIST_ALIASES, ListAliasesRequest.class).stream()
            .filter(r -> orphan.equals(r.keyId()))
            .count();
    assertEquals(bed.calls(SCHEDULE), aliasChecks);
    assertTrue(a.queue().contains(orphan));
  }

  @Test
  void runsEveryTwoDaysTheFirstTimeMinutesAfterStart() {
    TestBed.Server a = bed.server("srv-a", TestBed.PROMPT).start();
    bed.model.clearCalls();
    bed.advance(Duration.ofMinutes(2).minusMillis(1));
    assertEquals(0, bed.calls(KmsOperations.LIST_KEYS));
    bed.advance(Duration.ofMillis(1));
    assertEquals(1, bed.calls(KmsOperations.LIST_KEYS));
    bed.advance(Duration.ofHours(48));
    assertEquals(2, bed.calls(KmsOperations.LIST_KEYS));
    assertTrue(a.log.atLeast(Level.WARN).isEmpty());
  }
}
