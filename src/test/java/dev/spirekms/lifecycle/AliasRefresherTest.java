package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.FaultRule;
import dev.spirekms.localkms.KmsCall;
import dev.spirekms.localkms.KmsOperations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;

class AliasRefresherTest {
  private static final String UPDATE = KmsOperations.UPDATE_ALIAS;
  private static final String FAILED =
      "Failed to refresh alias; other servers delete an alias left"
          + " unrefreshed for stale_alias_threshold";

  private final TestBed bed = new TestBed();

  @Test
  void refreshMovesLastUpdatedDateOfThisServersAliasesOnly() {
    TestBed.Server a = bed.server("srv-a").start();
    KeyEntry ca = a.generate("x509-CA-A");
    KeyEntry jwt = a.generate("JWT-Signer-A");
    String otherServer = bed.otherServersKey("srv-b", "x509-CA-A");
    String otherAlias = "alias/SPIRE_SERVER/acme_co/srv-b/x509-CA-A";
    bed.createAlias("alias/SPIRE_SERVER/acme_co_uk/srv-a/x509-CA-A", bed.createKey("x"));
    bed.createAlias("alias/my-app", bed.createKey("y"));
    // between two periodic runs (every 6 h)
    bed.advance(Duration.ofHours(23));
    bed.model.clearCalls();
    a.log.clear();
    Instant refreshAt = bed.clock.instant();

    AliasRefresher.Summary summary = a.refresh();

    assertEquals(new AliasRefresher.Summary(2, 0, 0, 0, 0), summary);
    // in SPIRE key id order; the second alias one pacing step (two calls at 500 ms) later
    assertEquals(refreshAt, bed.alias(jwt.aliasName()).orElseThrow().lastUpdatedDate());
    assertEquals(
        refreshAt.plusSeconds(1), bed.alias(ca.aliasName()).orElseThrow().lastUpdatedDate());
    assertEquals(TestBed.START, bed.alias(otherAlias).orElseThrow().lastUpdatedDate());
    assertEquals(
        TestBed.START,
        bed.alias("alias/SPIRE_SERVER/acme_co_uk/srv-a/x509-CA-A").orElseThrow().lastUpdatedDate());
    List<UpdateAliasRequest> updates = bed.model.requests(UPDATE, UpdateAliasRequest.class);
    assertEquals(2, updates.size());
    for (UpdateAliasRequest update : updates) {
      KeyEntry entry = update.aliasName().equals(ca.aliasName()) ? ca : jwt;
      assertEquals(entry.aliasName(), update.aliasName());
      assertEquals(entry.keyArn(), update.targetKeyId());
    }
    assertTrue(otherServer.endsWith(bed.alias(otherAlias).orElseThrow().targetKeyId()));
    assertEquals(
        1,
        a.log.withMessage("Alias refreshed").stream()
            .filter(l -> l.field("alias_name").equals(ca.aliasName()))
            .count());
  }

  @Test
  void aFailedUpdateIsLoggedAndTheOtherAliasesAreStillRefreshed() {
    TestBed.Server a = bed.server("srv-a").start();
    KeyEntry ca = a.generate("x509-CA-A");
    KeyEntry jwt = a.generate("JWT-Signer-A");
    bed.model.faults().failNext(UPDATE, 1, Fault.accessDenied());
    bed.advance(Duration.ofHours(1));

    AliasRefresher.Summary summary = a.refresh();

    assertEquals(new AliasRefresher.Summary(1, 0, 0, 1, 0), summary);
    var failed = a.log.withMessage(FAILED);
    assertEquals(1, failed.size());
    assertEquals(Level.WARN, failed.get(0).level());
    assertEquals(jwt.aliasName(), failed.get(0).field("alias_name"));
    assertTrue(failed.get(0).field("reason").startsWith("access denied to kms:UpdateAlias"));
    var finished =
        a.log.withMessage(
            "Alias refresh finished with failures; the failed aliases are"
                + " retried at the next refresh");
    assertEquals("1", finished.get(0).field("failed"));
    assertTrue(bed.alias(ca.aliasName()).orElseThrow().lastUpdatedDate().isAfter(TestBed.START));

    assertEquals(new AliasRefresher.Summary(2, 0, 0, 0, 0), a.refresh());
  }

  @Test
  void aFailedDescribeKeySkipsTheUpdateOfThatAlias() {
    TestBed.Server a = bed.server("srv-a").start();
    a.generate("x509-CA-A");
    bed.model.faults().failNext(KmsOperations.DESCRIBE_KEY, 1, Fault.throttling());
    bed.model.clearCalls();

    AliasRefresher.Summary summary = a.refresh();

    assertEquals(new AliasRefresher.Summary(0, 0, 0, 1, 0), summary);
    assertEquals(0, bed.calls(UPDATE));
    assertTrue(a.log.withMessage(FAILED).get(0).field("reason").contains("throttled"));
  }

  @Test
  void neverRevertsARotationByAServerWithTheSameServerId() {
    TestBed.Server a = bed.server("shared").start();
    KeyEntry first = a.generate("x509-CA-A");
    TestBed.Server b = bed.server("shared").start();
    assertEquals(first.keyArn(), b.store.require("x509-CA-A").keyArn());
    KeyEntry second = a.generate("x509-CA-A");
    bed.model.clearCalls();

    AliasRefresher.Summary summary = b.refresh();

    assertEquals(new AliasRefresher.Summary(0, 1, 0, 0, 0), summary);
    assertEquals(0, bed.calls(UPDATE));
    var warn =
        b.log.withMessage(
            "Alias target differs from cache, skipping refresh to avoid reverting a rotation");
    assertEquals(1, warn.size());
    assertEquals(Level.WARN, warn.get(0).level());
    assertEquals(first.keyArn(), warn.get(0).field("key_arn"));
    assertEquals(second.keyArn(), warn.get(0).field("alias_target"));
    assertEquals(second.aliasName(), warn.get(0).field("alias_name"));
    String target = bed.alias(second.aliasName()).orElseThrow().targetKeyId();
    assertTrue(second.keyArn().endsWith(target));

    assertEquals(new AliasRefresher.Summary(1, 0, 0, 0, 0), a.refresh());
  }

  @Test
  void aMissingAliasOfAKeyInUseIsRecreated() {
    TestBed.Server a = bed.server("srv-a").start();
    KeyEntry ca = a.generate("x509-CA-A");
    bed.model.deleteAlias(DeleteAliasRequest.builder().aliasName(ca.aliasName()).build());

    AliasRefresher.Summary summary = a.refresh();

    assertEquals(new AliasRefresher.Summary(0, 0, 1, 0, 0), summary);
    assertTrue(ca.keyArn().endsWith(bed.alias(ca.aliasName()).orElseThrow().targetKeyId()));
    var warn =
        a.log.withMessage(
            "Alias of a key this server uses was missing; recreated it so that no server takes the"
                + " key for an orphan");
    assertEquals(ca.keyArn(), warn.get(0).field("key_arn"));
  }

  @Test
  void aMissingAliasThatCannotBeRecreatedIsAFailure() {
    TestBed.Server a = bed.server("srv-a").start();
    KeyEntry ca = a.generate("x509-CA-A");
    bed.model.deleteAlias(DeleteAliasRequest.builder().aliasName(ca.aliasName()).build());
    bed.model.faults().failNext(KmsOperations.CREATE_ALIAS, 1, Fault.accessDenied());

    assertEquals(new AliasRefresher.Summary(0, 0, 0, 1, 0), a.refresh());
    assertTrue(a.log.withMessage(FAILED).get(0).field("reason").startsWith("the alias is missing"));
  }

  @Test
  void anAliasRecreatedMeanwhileByAnotherServerIsLeftAlone() {
    TestBed.Server a = bed.server("srv-a").start();
    KeyEntry ca = a.generate("x509-CA-A");
    bed.model.deleteAlias(DeleteAliasRequest.builder().aliasName(ca.aliasName()).build());
    bed.model
        .faults()
        .failNext(
            KmsOperations.CREATE_ALIAS,
            1,
            Fault.serviceError("AlreadyExistsException", 400, "alias exists"));

    assertEquals(new AliasRefresher.Summary(0, 1, 0, 0, 0), a.refresh());
  }

  @Test
  void aKeyInUseThatIsPendingDeletionIsAnError() {
    TestBed.Server a = bed.server("srv-a").start();
    KeyEntry ca = a.generate("x509-CA-A");
    bed.model.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(ca.keyArn()).pendingWindowInDays(7).build());
    bed.model.clearCalls();

    assertEquals(new AliasRefresher.Summary(0, 0, 0, 1, 0), a.refresh());
    assertEquals(0, bed.calls(UPDATE));
    var error = a.log.atLeast(Level.ERROR);
    assertEquals(1, error.size());
    assertTrue(error.get(0).message().startsWith("A key this server uses is pending deletion"));
    assertEquals(ca.keyArn(), error.get(0).field("key_arn"));
  }

  @Test
  void aKeyBeingRotatedByThisServerIsSkipped() {
    TestBed.Server a = bed.server("srv-a").start();
    KeyEntry first = a.generate("x509-CA-A");
    CompletableFuture<AliasRefresher.Summary> run = a.lifecycle.refresher().runOnce();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    // while this thread rotates the key (holding its lock, inside CreateKey), the refresh step
    // runs on the scheduler's own thread
    bed.model
        .faults()
        .add(
            FaultRule.on(KmsOperations.CREATE_KEY)
                .when(
                    CreateKeyRequest.class,
                    r -> {
                      Thread scheduler = new Thread(bed.timeline::runDue, "scheduler");
                      scheduler.setUncaughtExceptionHandler(
                          (t, e) -> failure.set(new RuntimeException(e)));
                      scheduler.start();
                      try {
                        scheduler.join();
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      return false;
                    })
                .failWith(Fault.internalError()));
    bed.model.clearCalls();

    KeyEntry second = a.generate("x509-CA-A");

    assertEquals(null, failure.get());
    assertTrue(run.isDone());
    assertEquals(new AliasRefresher.Summary(0, 1, 0, 0, 0), run.join());
    assertEquals(0, bed.model.calls(KmsOperations.DESCRIBE_KEY).size());
    assertEquals(1, a.log.withMessage("Alias refresh skipped: the key is being rotated").size());
    assertTrue(second.keyArn().endsWith(bed.alias(first.aliasName()).orElseThrow().targetKeyId()));
  }

  @Test
  void firstRunIsOneFullIntervalAfterStartThenEverySixHours() {
    TestBed.Server a = bed.server("srv-a").start();
    a.generate("x509-CA-A");
    bed.model.clearCalls();

    bed.advance(Duration.ofHours(6).minusMillis(1));
    assertEquals(0, bed.calls(UPDATE));
    bed.advance(Duration.ofSeconds(1));
    assertEquals(1, bed.calls(UPDATE));
    bed.advance(Duration.ofHours(6));
    assertEquals(2, bed.calls(UPDATE));
    List<Instant> at = bed.model.calls(UPDATE).stream().map(KmsCall::at).toList();
    assertEquals(TestBed.START.plus(Duration.ofHours(6)), at.get(0));
    assertEquals(TestBed.START.plus(Duration.ofHours(12)), at.get(1));
  }

  @Test
  void errorsNeverStopTheSchedule() {
    TestBed.Server a = bed.server("srv-a").start();
    a.generate("x509-CA-A");
    bed.model.faults().failAlways(UPDATE, Fault.internalError());
    bed.model
        .faults()
        .failNext(KmsOperations.DESCRIBE_KEY, 1, Fault.of(() -> new IllegalStateException("bug")));

    bed.advance(Duration.ofHours(24));

    var stopped =
        a.log.withMessage(
            "Background task stopped by an unexpected error; it runs again at its next interval");
    assertEquals(1, stopped.size());
    assertEquals(Level.ERROR, stopped.get(0).level());
    assertEquals("alias refresh", stopped.get(0).field("task"));
    // runs at 6 h (bug), 12 h, 18 h and 24 h (UpdateAlias fails)
    assertEquals(3, bed.calls(UPDATE));
    assertEquals(3, a.log.withMessage(FAILED).size());
  }

  @Test
  void anUnexpectedErrorFailsTheRun() {
    TestBed.Server a = bed.server("srv-a").start();
    a.generate("x509-CA-A");
    bed.model
        .faults()
        .failNext(KmsOperations.DESCRIBE_KEY, 1, Fault.of(() -> new IllegalStateException("bug")));
    CompletableFuture<AliasRefresher.Summary> run = a.lifecycle.refresher().runOnce();
    bed.advance(Duration.ofSeconds(5));
    assertTrue(run.isCompletedExceptionally());
    var e = assertThrows(CompletionException.class, run::join);
    assertEquals("bug", e.getCause().getMessage());
  }

  @Test
  void aRunStillUnderWayIsNotStartedTwice() {
    TestBed.Server a = bed.server("srv-a").start();
    a.generate("x509-CA-A");
    a.generate("JWT-Signer-A");
    CompletableFuture<AliasRefresher.Summary> first = a.lifecycle.refresher().runOnce();
    bed.timeline.runDue();
    CompletableFuture<AliasRefresher.Summary> second = a.lifecycle.refresher().runOnce();

    assertSame(first, second);
    assertEquals(
        "alias refresh",
        a.log
            .withMessage("Background task still busy with its previous run; skipping this run")
            .get(0)
            .field("task"));
    bed.advance(Duration.ofSeconds(5));
    assertEquals(new AliasRefresher.Summary(2, 0, 0, 0, 0), first.join());
  }

  @Test
  void describeIsByAliasName() {
    TestBed.Server a = bed.server("srv-a").start();
    KeyEntry ca = a.generate("x509-CA-A");
    bed.model.clearCalls();
    a.refresh();
    assertEquals(
        List.of(ca.aliasName()),
        bed.model.requests(KmsOperations.DESCRIBE_KEY, DescribeKeyRequest.class).stream()
            .map(DescribeKeyRequest::keyId)
            .toList());
  }
}
