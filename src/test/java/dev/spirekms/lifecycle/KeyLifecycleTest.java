package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.DisposalMode;
import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KeyStoreException;
import dev.spirekms.keys.KeyStoreSettings;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.SpireKeyType;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsOperations;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.kms.model.KeyState;

class KeyLifecycleTest {
  private final TestBed bed = new TestBed();

  @Test
  void closeThenAwaitStoppedEndsTheSchedulerThread() {
    KeyLifecycle lifecycle =
        KeyLifecycle.create(
            dev.spirekms.localkms.FakeKmsClient.create(),
            new KeyNaming("acme.co", "srv-a"),
            LifecycleSettings.defaults());
    lifecycle.close();
    assertTrue(lifecycle.awaitStopped(Duration.ofSeconds(10)));
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals(KeyLifecycle.THREAD_NAME) && t.isAlive()));
  }

  @Test
  void startLogsWhatTheCleanupWillDo() {
    TestBed.Server a = bed.server("srv-a").start();
    var line = a.log.withMessage("Key cleanup started").get(0);
    assertEquals("srv-a", line.field("server_id"));
    assertEquals("delete", line.field("disposal_mode"));
    assertEquals("7", line.field("pending_window_days"));
    assertEquals("14d0h", line.field("stale_alias_threshold"));

    TestBed.Server b =
        bed.server("srv-b", LifecycleSettings.builder().mode(DisposalMode.REPORT).build()).start();
    assertEquals(
        1,
        b.log
            .withMessage(
                "Key cleanup started in report mode: what would be deleted is logged, and nothing"
                    + " is deleted")
            .size());
  }

  @Test
  void startSchedulesTheRefreshOneIntervalAwayAndTheCleanupMinutesAway() {
    TestBed.Server a = bed.server("srv-a", TestBed.PROMPT).start();
    assertEquals(
        java.util.List.of(
            TestBed.START.plus(Duration.ofMinutes(2)),
            TestBed.START.plus(Duration.ofMinutes(2)),
            TestBed.START.plus(Duration.ofHours(6))),
        a.scheduler.dueTimes());
  }

  @Test
  void theCleanupsFirstRunIsJitteredWithinItsBound() {
    TestBed.Server a = bed.server("srv-a", LifecycleSettings.defaults()).start();
    java.util.List<java.time.Instant> due = a.scheduler.dueTimes();
    assertEquals(TestBed.START.plus(Duration.ofHours(6)), due.get(2));
    for (java.time.Instant first : due.subList(0, 2)) {
      assertTrue(
          !first.isBefore(TestBed.START.plus(LifecycleSettings.DEFAULT_FIRST_RUN_DELAY))
              && !first.isAfter(
                  TestBed.START
                      .plus(LifecycleSettings.DEFAULT_FIRST_RUN_DELAY)
                      .plus(LifecycleSettings.DEFAULT_FIRST_RUN_JITTER)),
          first.toString());
    }
  }

  @Test
  void startIsOnceOnlyAndNeverAfterClose() {
    TestBed.Server a = bed.server("srv-a").start();
    var twice = assertThrows(IllegalStateException.class, () -> a.lifecycle.start(a.store));
    assertEquals("key lifecycle is already started", twice.getMessage());

    TestBed.Server b = bed.server("srv-b");
    b.lifecycle.close();
    var closed = assertThrows(IllegalStateException.class, b::start);
    assertEquals("key lifecycle is closed", closed.getMessage());
  }

  @Test
  void aStoreThatNamesItsKeysDifferentlyIsRejected() {
    TestBed.Server a = bed.server("srv-a");
    KmsKeyStore other =
        KmsKeyStore.open(
            bed.kms,
            new KeyStoreSettings(new KeyNaming("acme.co", "srv-b"), TestBed.NO_POLICY, Map.of(), 1),
            a.lifecycle.deletionQueue());
    var e = assertThrows(IllegalArgumentException.class, () -> a.lifecycle.start(other));
    assertEquals(
        "key store names keys under alias/SPIRE_SERVER/acme_co/srv-b/ but the lifecycle was made"
            + " for alias/SPIRE_SERVER/acme_co/srv-a/",
        e.getMessage());
  }

  @Test
  void closeMidRunLeavesNothingRunningAndStartsNoFurtherCall() {
    TestBed.Server a = bed.server("srv-a").start();
    a.generate("x509-CA-A");
    a.generate("JWT-Signer-A");
    bed.advance(Duration.ofHours(6));
    // the 6 h refresh has done its first alias and waits to do the second
    assertEquals(1, bed.calls(KmsOperations.UPDATE_ALIAS));
    CompletableFuture<AliasRefresher.Summary> run = a.lifecycle.refresher().runOnce();

    a.lifecycle.close();
    int calls = bed.model.calls().size();
    bed.advance(Duration.ofDays(30));

    assertTrue(run.isDone());
    assertEquals(new AliasRefresher.Summary(1, 0, 0, 0, 0), run.join());
    assertEquals(calls, bed.model.calls().size());
    assertEquals(0, a.scheduler.pending());
    assertTrue(a.scheduler.isShutdown());
    assertTrue(a.lifecycle.refresher().runOnce().isDone());
    a.lifecycle.close();
  }

  @Test
  void closeBeforeStartIsHarmless() {
    TestBed.Server a = bed.server("srv-a");
    a.lifecycle.close();
    assertTrue(a.scheduler.isShutdown());
    assertTrue(a.log.atLeast(Level.WARN).isEmpty());
  }

  @Test
  void reconfigureStopsTheOldLifecycleAndTheNewOneTakesOver() {
    TestBed.Server before = bed.server("srv-a").start();
    before.generate("x509-CA-A");
    before.generate("x509-CA-A");
    bed.model.faults().failAlways(KmsOperations.SCHEDULE_KEY_DELETION, Fault.throttling());
    bed.advance(Duration.ofSeconds(30));
    assertEquals(1, before.queue().size());

    before.lifecycle.close();
    bed.model.faults().clear();
    TestBed.Server after = bed.server("srv-a").start();
    int scheduleCalls = bed.calls(KmsOperations.SCHEDULE_KEY_DELETION);
    bed.advance(Duration.ofHours(6));

    assertEquals(scheduleCalls, bed.calls(KmsOperations.SCHEDULE_KEY_DELETION));
    assertEquals(1, after.log.withMessage("Alias refreshed").size());
    assertTrue(before.log.withMessage("Alias refreshed").isEmpty());
  }

  @Test
  void createGivesALifecycleOnItsOwnThread() {
    KeyLifecycle lifecycle =
        KeyLifecycle.create(
            bed.kms, new KeyNaming("acme.co", "srv-a"), LifecycleSettings.defaults());
    assertNotNull(lifecycle.deletionQueue());
    lifecycle.close();
    assertTrue(lifecycle.queue().remainingCapacity() == 0);
  }

  @Test
  void aKeyLeftByAFailedGenerateKeyIsDeleted() {
    TestBed.Server a = bed.server("srv-a").start();
    bed.model.faults().failNext(KmsOperations.CREATE_ALIAS, 1, Fault.internalError());

    assertThrows(
        KeyStoreException.class, () -> a.store.generate("x509-CA-A", SpireKeyType.EC_P256));
    bed.advance(Duration.ofSeconds(10));

    String leaked = bed.model.keys().get(0).arn();
    assertEquals(KeyState.PENDING_DELETION, bed.state(leaked));
    var line = a.log.withMessage("Key scheduled for deletion").get(0);
    assertEquals(leaked, line.field("key_arn"));
    assertEquals("its GenerateKey failed after the key was created", line.field("reason"));
  }

  static Stream<Arguments> scheduleOutcomes() {
    return Stream.of(
        Arguments.of(Fault.notFound(), "Key not scheduled for deletion", "no such key"),
        Arguments.of(
            Fault.serviceError("InvalidArnException", 400, "Invalid arn"),
            "Key not scheduled for deletion",
            "invalid ARN"),
        Arguments.of(
            Fault.invalidState(),
            "Key not scheduled for deletion",
            "the key is in a state that rules out deletion, usually already pending"),
        Arguments.of(Fault.internalError(), "Failed to schedule key deletion; will retry", null));
  }

  /** Upstream TestGenerateKey: the outcomes of deleting the key a rotation replaced. */
  @ParameterizedTest
  @MethodSource("scheduleOutcomes")
  void generateKeyReplacingAKeyHandsItToTheQueue(Fault fault, String message, String reason) {
    TestBed.Server a = bed.server("srv-a").start();
    KeyEntry old = a.generate("x509-CA-A");
    bed.model.faults().failNext(KmsOperations.SCHEDULE_KEY_DELETION, 1, fault);

    KeyEntry replacement = a.generate("x509-CA-A");
    bed.advance(Duration.ofSeconds(1));

    var lines = a.log.withMessage(message);
    assertEquals(1, lines.size(), () -> a.log.lines().toString());
    assertEquals(old.keyArn(), lines.get(0).field("key_arn"));
    if (reason != null) {
      assertEquals(reason, lines.get(0).field("reason"));
      assertEquals(KeyState.ENABLED, bed.state(old.keyArn()));
    } else {
      bed.advance(Duration.ofSeconds(10));
      assertEquals(KeyState.PENDING_DELETION, bed.state(old.keyArn()));
    }
    assertEquals(KeyState.ENABLED, bed.state(replacement.keyArn()));
  }
}
