package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.DisposalMode;
import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.FaultRule;
import dev.spirekms.localkms.KmsOperations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;

class StaleAliasDisposerTest {
  private static final String DELETE_ALIAS = KmsOperations.DELETE_ALIAS;
  private static final String SCHEDULE = KmsOperations.SCHEDULE_KEY_DELETION;
  private static final String DELETED = "Stale alias deleted";
  private static final String LEFT = "Stale alias left alone";
  private static final String FAILED =
      "Failed to dispose of stale alias; it is tried again at the next disposal interval";
  private static final Duration THRESHOLD = Duration.ofDays(14);

  private final TestBed bed = new TestBed();

  /** Periodic disposal and sweep out of the way, so that each test runs them itself. */
  private static LifecycleSettings.Builder manual() {
    return LifecycleSettings.builder()
        .firstRunDelay(Duration.ofDays(1000))
        .firstRunJitter(Duration.ZERO)
        .refreshInterval(Duration.ofDays(7))
        .disposeInterval(Duration.ofDays(1000))
        .sweepInterval(Duration.ofDays(1000));
  }

  private static String alias(String serverId, String keyId) {
    return "alias/SPIRE_SERVER/acme_co/" + serverId + "/" + keyId;
  }

  @Test
  void deletesOnlyStaleAliasesOfOtherServersOfThisTrustDomain() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    KeyEntry own = a.generate("x509-CA-A");
    String ownUnheld = bed.createKey("SPIRE_SERVER_KEY/acme_co/old");
    bed.createAlias(alias("srv-a", "old"), ownUnheld);
    String stale = bed.otherServersKey("srv-b", "x509-CA-A");
    String fresh = bed.otherServersKey("srv-b", "JWT-Signer-A");
    String lookAlike = bed.otherServersKey("srv-a-2", "x509-CA-A");
    String shorter = bed.otherServersKey("srv", "x509-CA-A");
    String otherTd = bed.createKey("SPIRE_SERVER_KEY/acme_co_uk/x509-CA-A");
    bed.createAlias("alias/SPIRE_SERVER/acme_co_uk/srv-b/x509-CA-A", otherTd);
    String shortTd = bed.createKey("SPIRE_SERVER_KEY/acme/x509-CA-A");
    bed.createAlias("alias/SPIRE_SERVER/acme/srv-b/x509-CA-A", shortTd);
    String app = bed.createKey("application key");
    bed.createAlias("alias/my-app", app);
    String noKeyPart = bed.createKey("SPIRE_SERVER_KEY/acme_co/a");
    bed.createAlias("alias/SPIRE_SERVER/acme_co/srv-b", noKeyPart);
    bed.createAlias("alias/SPIRE_SERVER/acme_co/srv-b/", noKeyPart);
    bed.createAlias("alias/SPIRE_SERVER/acme_co//x509-CA-A", noKeyPart);
    String disabled = bed.otherServersKey("srv-c", "x509-CA-A");
    bed.model.disableKey(DisableKeyRequest.builder().keyId(disabled).build());
    String pending = bed.otherServersKey("srv-d", "x509-CA-A");
    bed.model.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(pending).pendingWindowInDays(30).build());

    bed.advance(THRESHOLD.minusDays(1));
    bed.touchAlias(alias("srv-b", "JWT-Signer-A"), fresh);
    bed.advance(Duration.ofDays(1));
    bed.model.clearCalls();

    StaleAliasDisposer.Summary summary = a.dispose();

    assertEquals(3, summary.deleted(), summary::toString);
    assertEquals(0, summary.failed());
    assertEquals(
        List.of(
            alias("srv-a-2", "x509-CA-A"), alias("srv-b", "x509-CA-A"), alias("srv", "x509-CA-A")),
        bed.model.requests(DELETE_ALIAS, DeleteAliasRequest.class).stream()
            .map(DeleteAliasRequest::aliasName)
            .sorted()
            .toList());
    for (String gone : List.of(stale, lookAlike, shorter)) {
      assertEquals(KeyState.PENDING_DELETION, bed.state(gone));
    }
    for (String kept : List.of(own.keyArn(), ownUnheld, fresh, otherTd, shortTd, app, noKeyPart)) {
      assertEquals(KeyState.ENABLED, bed.state(kept), kept);
    }
    assertEquals(KeyState.DISABLED, bed.state(disabled));
    assertTrue(bed.alias(alias("srv-c", "x509-CA-A")).isPresent());
    assertTrue(bed.alias(alias("srv-d", "x509-CA-A")).isPresent());
    for (String kept :
        List.of(
            own.aliasName(),
            alias("srv-a", "old"),
            alias("srv-b", "JWT-Signer-A"),
            "alias/SPIRE_SERVER/acme_co_uk/srv-b/x509-CA-A",
            "alias/SPIRE_SERVER/acme/srv-b/x509-CA-A",
            "alias/my-app",
            "alias/SPIRE_SERVER/acme_co/srv-b",
            "alias/SPIRE_SERVER/acme_co/srv-b/",
            "alias/SPIRE_SERVER/acme_co//x509-CA-A",
            "alias/aws/s3")) {
      assertTrue(bed.alias(kept).isPresent(), kept);
    }

    var deleted = a.log.withMessage(DELETED);
    assertEquals(3, deleted.size());
    var line =
        deleted.stream()
            .filter(l -> l.field("alias_name").equals(alias("srv-b", "x509-CA-A")))
            .findFirst()
            .orElseThrow();
    assertEquals(Level.INFO, line.level());
    assertEquals(stale, line.field("key_arn"));
    assertEquals("14d0h", line.field("age"));
    assertEquals(
        "alias of server srv-b not refreshed for 14d0h (stale_alias_threshold 14d0h), so that"
            + " server has stopped",
        line.field("reason"));
    var scheduled =
        a.log.withMessage("Key scheduled for deletion").stream()
            .filter(l -> stale.equals(l.field("key_arn")))
            .toList();
    assertEquals(1, scheduled.size());
    assertEquals(alias("srv-b", "x509-CA-A"), scheduled.get(0).field("alias_name"));
    assertEquals(line.field("reason"), scheduled.get(0).field("reason"));
  }

  @Test
  void everyPageOfAliasesIsRead() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    // names that sort before alias/SPIRE_SERVER/..., so that the stale alias is on the second page;
    // a key takes at most 50 aliases
    List<String> fillers = List.of(bed.createKey("f"), bed.createKey("f"), bed.createKey("f"));
    for (int i = 0; i < LifecycleKms.ALIAS_PAGE; i++) {
      bed.createAlias("alias/A-filler-" + i, fillers.get(i / 40));
    }
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    bed.model.clearCalls();

    StaleAliasDisposer.Summary summary = a.dispose();

    assertEquals(
        2,
        bed.model.requests(KmsOperations.LIST_ALIASES, ListAliasesRequest.class).stream()
            .filter(r -> r.keyId() == null)
            .count());
    assertEquals(1, summary.deleted());
    // the fillers, the stale alias and the eight AWS managed aliases
    assertEquals(LifecycleKms.ALIAS_PAGE + 1 + 8, summary.aliasesSeen());
    bed.advance(Duration.ofSeconds(10));
    assertEquals(KeyState.PENDING_DELETION, bed.state(key));
  }

  @Test
  void anAliasJustUnderTheThresholdIsKept() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD.minusSeconds(1));

    assertEquals(0, a.dispose().stale());
    assertEquals(KeyState.ENABLED, bed.state(key));

    bed.advance(Duration.ofSeconds(1));
    assertEquals(1, a.dispose().deleted());
  }

  @Test
  void theThresholdIsConfigurable() {
    TestBed.Server a =
        bed.server(
                "srv-a",
                manual()
                    .refreshInterval(Duration.ofHours(6))
                    .staleAliasThreshold(Duration.ofDays(1))
                    .build())
            .start();
    bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(Duration.ofDays(1));
    assertEquals(1, a.dispose().deleted());
  }

  @Test
  void aliasesWithoutTargetsAreSkipped() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    bed.advance(THRESHOLD.plusDays(1));
    bed.model.clearCalls();

    StaleAliasDisposer.Summary summary = a.dispose();

    // only the AWS managed aliases (no target, no dates) are in the account
    assertEquals(0, summary.stale());
    assertEquals(1, bed.model.calls().size());
    assertEquals(0, bed.calls(KmsOperations.DESCRIBE_KEY));
  }

  @Test
  void spireAliasesWithoutTargetOrDateAreSkipped() {
    String noTarget = alias("srv-b", "x509-CA-A");
    String noDate = alias("srv-c", "x509-CA-A");
    String key1 = bed.otherServersKey("srv-b", "x509-CA-A");
    String key2 = bed.otherServersKey("srv-c", "x509-CA-A");
    KmsClient kms =
        EditedListings.eachAlias(
            bed.kms,
            e ->
                e.aliasName().equals(noTarget)
                    ? e.toBuilder().targetKeyId(null).build()
                    : e.aliasName().equals(noDate)
                        ? e.toBuilder().lastUpdatedDate(null).creationDate(null).build()
                        : e);
    CapturedLog log = new CapturedLog();
    KeyNaming naming = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-a");
    LifecycleSettings settings = manual().build();
    ManualScheduler scheduler = bed.timeline.child();
    StopSwitch stop = new StopSwitch();
    LifecycleKms lifecycleKms = new LifecycleKms(kms, stop);
    KmsDeletionQueue queue =
        new KmsDeletionQueue(lifecycleKms, naming, settings, bed.clock, scheduler, log);
    StaleAliasDisposer disposer =
        new StaleAliasDisposer(
            new CleanupScope(
                naming, queue, arn -> false, settings, bed.clock, scheduler, stop, log),
            lifecycleKms);
    bed.advance(THRESHOLD.plusDays(30));
    bed.model.clearCalls();

    CompletableFuture<StaleAliasDisposer.Summary> run = disposer.runOnce();
    bed.advance(Duration.ofMinutes(1));

    assertEquals(0, run.join().stale());
    assertEquals(0, bed.calls(KmsOperations.DESCRIBE_KEY));
    assertEquals(KeyState.ENABLED, bed.state(key1));
    assertEquals(KeyState.ENABLED, bed.state(key2));
    assertEquals(
        List.of(noTarget, noDate),
        log.withMessage("Alias has no target or no LastUpdatedDate; leaving it alone").stream()
            .map(l -> l.field("alias_name"))
            .toList());
  }

  @Test
  void listAliasesErrorEndsTheRunWithAWarning() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    bed.model.faults().failNext(KmsOperations.LIST_ALIASES, 1, Fault.accessDenied());

    StaleAliasDisposer.Summary summary = a.dispose();

    assertEquals(1, summary.failed());
    assertEquals(0, summary.deleted());
    assertEquals(KeyState.ENABLED, bed.state(key));
    var warn =
        a.log.withMessage(
            "Failed to list aliases, so stale aliases of stopped servers were not looked for; this"
                + " runs again at the next disposal interval");
    assertEquals(Level.WARN, warn.get(0).level());
  }

  @Test
  void describeKeyErrorSkipsThatAliasOnly() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String first = bed.otherServersKey("srv-b", "JWT-Signer-A");
    String second = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    bed.model.faults().failNext(KmsOperations.DESCRIBE_KEY, 1, Fault.internalError());

    StaleAliasDisposer.Summary summary = a.dispose();

    assertEquals(1, summary.failed());
    assertEquals(1, summary.deleted());
    assertEquals(
        alias("srv-b", "JWT-Signer-A"), a.log.withMessage(FAILED).get(0).field("alias_name"));
    assertEquals(KeyState.ENABLED, bed.state(first));
    bed.advance(Duration.ofSeconds(10));
    assertEquals(KeyState.PENDING_DELETION, bed.state(second));
  }

  @Test
  void deleteAliasErrorLeavesTheKeyAlone() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    bed.model.faults().failNext(DELETE_ALIAS, 1, Fault.throttling());

    StaleAliasDisposer.Summary summary = a.dispose();
    bed.advance(Duration.ofMinutes(1));

    assertEquals(1, summary.failed());
    assertTrue(bed.alias(alias("srv-b", "x509-CA-A")).isPresent());
    assertEquals(KeyState.ENABLED, bed.state(key));
    assertEquals(0, bed.calls(SCHEDULE));
  }

  @Test
  void listingTheKeysAliasesFailsSafe() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    // the second ListAliases of the run is the one filtered by the key
    bed.model
        .faults()
        .add(
            FaultRule.on(KmsOperations.LIST_ALIASES)
                .when(ListAliasesRequest.class, r -> r.keyId() != null)
                .failWith(Fault.internalError()));

    assertEquals(1, a.dispose().failed());
    assertEquals(0, bed.calls(DELETE_ALIAS));
    assertEquals(KeyState.ENABLED, bed.state(key));
  }

  @Test
  void anAliasRefreshedSinceItWasListedIsKept() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    CompletableFuture<StaleAliasDisposer.Summary> run = a.lifecycle.disposer().runOnce();
    bed.timeline.runDue();
    // srv-b comes back between the listing and the next step
    bed.touchAlias(alias("srv-b", "x509-CA-A"), key);

    StaleAliasDisposer.Summary summary = a.run(run, Duration.ofMinutes(1));

    assertEquals(1, summary.stale());
    assertEquals(0, summary.deleted());
    assertEquals(1, summary.skipped());
    assertEquals(0, bed.calls(DELETE_ALIAS));
    assertTrue(a.log.withMessage(LEFT).get(0).field("reason").contains("refreshed or moved"));
  }

  @Test
  void anAliasRepointedSinceItWasListedIsKept() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    String newer = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.advance(THRESHOLD);
    CompletableFuture<StaleAliasDisposer.Summary> run = a.lifecycle.disposer().runOnce();
    bed.timeline.runDue();
    bed.touchAlias(alias("srv-b", "x509-CA-A"), newer);

    StaleAliasDisposer.Summary summary = a.run(run, Duration.ofMinutes(1));

    assertEquals(1, summary.skipped());
    assertEquals(0, bed.calls(DELETE_ALIAS));
    assertEquals(KeyState.ENABLED, bed.state(key));
    assertTrue(a.log.withMessage(LEFT).get(0).field("reason").contains("repointed"));
  }

  @Test
  void anAliasAnotherServerDisposedOfFirstIsLeftToIt() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    CompletableFuture<StaleAliasDisposer.Summary> run = a.lifecycle.disposer().runOnce();
    bed.timeline.runDue();
    bed.model.deleteAlias(
        DeleteAliasRequest.builder().aliasName(alias("srv-b", "x509-CA-A")).build());

    StaleAliasDisposer.Summary summary = a.run(run, Duration.ofMinutes(1));

    assertEquals(1, summary.skipped());
    assertEquals(0, a.queue().size());
    assertEquals(KeyState.ENABLED, bed.state(key));
  }

  @Test
  void losingTheDeleteAliasRaceQueuesNothing() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    bed.model.faults().failNext(DELETE_ALIAS, 1, Fault.notFound());

    StaleAliasDisposer.Summary summary = a.dispose();

    assertEquals(1, summary.skipped());
    assertEquals(0, bed.calls(SCHEDULE));
    assertEquals(KeyState.ENABLED, bed.state(key));
  }

  @Test
  void aStaleAliasWhoseKeyIsNotASpireKeyOfThisTrustDomainIsKept() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String foreign = bed.createKey("SPIRE_SERVER_KEY/acme_co_uk/x509-CA-A");
    bed.createAlias(alias("srv-b", "x509-CA-A"), foreign);
    bed.advance(THRESHOLD);

    assertEquals(1, a.dispose().skipped());
    assertEquals(0, bed.calls(DELETE_ALIAS));
    var warn = a.log.atLeast(Level.WARN);
    assertEquals(1, warn.size());
    assertEquals(foreign, warn.get(0).field("key_arn"));
    assertEquals("SPIRE_SERVER_KEY/acme_co_uk/x509-CA-A", warn.get(0).field("description"));
  }

  @Test
  void aKeyThatAnAliasOutsideOurSchemePointsToIsNeverTouched() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.createAlias("alias/my-app", key);
    bed.advance(THRESHOLD);

    assertEquals(1, a.dispose().skipped());
    assertEquals(0, bed.calls(DELETE_ALIAS));
    assertEquals(KeyState.ENABLED, bed.state(key));
    var warn = a.log.atLeast(Level.WARN).get(0);
    assertEquals("alias/my-app", warn.field("other_aliases"));
  }

  @Test
  void aKeyThisServerUsesIsNeverTouched() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    KeyEntry live = a.generate("x509-CA-A");
    bed.createAlias(alias("srv-b", "x509-CA-A"), live.keyArn());
    bed.advance(THRESHOLD);

    assertEquals(1, a.dispose().skipped());
    assertEquals(0, bed.calls(DELETE_ALIAS));
    assertEquals(
        "Stale SPIRE alias left alone: this server uses its key",
        a.log.atLeast(Level.WARN).get(0).message());
  }

  @Test
  void reportModeLogsEachWouldBeDeletionAndDeletesNothing() {
    TestBed.Server a = bed.server("srv-a", manual().mode(DisposalMode.REPORT).build()).start();
    String first = bed.otherServersKey("srv-b", "x509-CA-A");
    String second = bed.otherServersKey("srv-c", "x509-CA-A");
    bed.advance(THRESHOLD.plusDays(3));
    bed.model.clearCalls();

    StaleAliasDisposer.Summary summary = a.dispose();
    bed.advance(Duration.ofHours(1));

    assertEquals(2, summary.reported());
    assertEquals(0, summary.deleted());
    assertEquals(0, bed.calls(DELETE_ALIAS));
    assertEquals(0, bed.calls(SCHEDULE));
    assertEquals(KeyState.ENABLED, bed.state(first));
    assertEquals(KeyState.ENABLED, bed.state(second));
    var lines =
        a.log.withMessage(
            "Stale alias would be deleted and its key scheduled for deletion; disposal_mode is"
                + " report, so nothing was deleted");
    assertEquals(2, lines.size());
    assertEquals(alias("srv-b", "x509-CA-A"), lines.get(0).field("alias_name"));
    assertEquals(first, lines.get(0).field("key_arn"));
    assertEquals("17d0h", lines.get(0).field("age"));
    assertEquals(second, lines.get(1).field("key_arn"));
  }

  @Test
  void aFullQueueHoldsTheDisposalBackBeforeAnyAliasIsDeleted() {
    TestBed.Server a = bed.server("srv-a", manual().queueCapacity(1).build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    // a key that keeps failing holds the only slot (for minutes, until it is given up)
    String stuck = bed.createKey("SPIRE_SERVER_KEY/acme_co/stuck");
    bed.model
        .faults()
        .add(
            FaultRule.on(SCHEDULE)
                .when(ScheduleKeyDeletionRequest.class, r -> r.keyId().equals(stuck))
                .always()
                .failWith(Fault.throttling()));
    a.queue().enqueue(stuck, "test");

    CompletableFuture<StaleAliasDisposer.Summary> run = a.lifecycle.disposer().runOnce();
    bed.advance(Duration.ofMinutes(5));
    assertFalse(run.isDone());
    assertEquals(0, bed.calls(DELETE_ALIAS));
    assertTrue(bed.alias(alias("srv-b", "x509-CA-A")).isPresent());

    bed.model.faults().clear();
    StaleAliasDisposer.Summary summary = a.run(run, Duration.ofMinutes(2));
    assertEquals(1, summary.deleted());
    bed.advance(Duration.ofSeconds(10));
    assertEquals(KeyState.PENDING_DELETION, bed.state(stuck));
    assertEquals(KeyState.PENDING_DELETION, bed.state(key));
  }

  @Test
  void twoServersDisposingAtOnceDeleteTheAliasOnce() {
    TestBed.Server a = bed.server("srv-a", manual().build()).start();
    TestBed.Server c = bed.server("srv-c", manual().build()).start();
    String key = bed.otherServersKey("srv-b", "x509-CA-A");
    bed.advance(THRESHOLD);
    bed.model.clearCalls();

    CompletableFuture<StaleAliasDisposer.Summary> runA = a.lifecycle.disposer().runOnce();
    CompletableFuture<StaleAliasDisposer.Summary> runC = c.lifecycle.disposer().runOnce();
    bed.advance(Duration.ofMinutes(1));

    assertEquals(1, runA.join().deleted() + runC.join().deleted());
    assertEquals(1, runA.join().skipped() + runC.join().skipped());
    assertEquals(1, bed.calls(DELETE_ALIAS));
    assertEquals(1, bed.calls(SCHEDULE));
    assertEquals(KeyState.PENDING_DELETION, bed.state(key));
  }

  @Test
  void runsOnceADayTheFirstTimeMinutesAfterStart() {
    TestBed.Server a = bed.server("srv-a", TestBed.PROMPT).start();
    bed.model.clearCalls();
    bed.advance(Duration.ofMinutes(2).minusMillis(1));
    assertEquals(0, bed.calls(KmsOperations.LIST_ALIASES));
    bed.advance(Duration.ofMillis(1));
    assertEquals(1, bed.calls(KmsOperations.LIST_ALIASES));
    bed.advance(Duration.ofHours(24));
    assertEquals(2, bed.calls(KmsOperations.LIST_ALIASES));
    assertNull(a.log.atLeast(Level.WARN).stream().findFirst().orElse(null));
  }
}
