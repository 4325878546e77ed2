package dev.spirekms.lifecycle;

import static dev.spirekms.lifecycle.TestBed.TD;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;

class KmsDeletionQueueTest {
  private static final String SCHEDULE = KmsOperations.SCHEDULE_KEY_DELETION;
  private static final String SCHEDULED = "Key scheduled for deletion";
  private static final String NOT_SCHEDULED = "Key not scheduled for deletion";
  private static final String RETRY = "Failed to schedule key deletion; will retry";

  private final TestBed bed = new TestBed();

  private static LifecycleSettings.Builder settings() {
    return LifecycleSettings.builder();
  }

  private String ourOrphan(String spireKeyId) {
    return bed.createKey("SPIRE_SERVER_KEY/" + TD + "/" + spireKeyId);
  }

  @Test
  void rotatedKeyIsScheduledForDeletionWithTheConfiguredWindow() {
    TestBed.Server server = bed.server("srv-a", settings().pendingWindowDays(30).build()).start();
    KeyEntry first = server.generate("x509-CA-A");
    bed.advance(Duration.ofHours(1));
    KeyEntry second = server.generate("x509-CA-A");

    bed.advance(Duration.ofSeconds(10));

    assertEquals(KeyState.PENDING_DELETION, bed.state(first.keyArn()));
    assertEquals(KeyState.ENABLED, bed.state(second.keyArn()));
    List<ScheduleKeyDeletionRequest> requests =
        bed.model.requests(SCHEDULE, ScheduleKeyDeletionRequest.class);
    assertEquals(1, requests.size());
    assertEquals(first.keyArn(), requests.get(0).keyId());
    assertEquals(30, requests.get(0).pendingWindowInDays());
    var lines = server.log.withMessage(SCHEDULED);
    assertEquals(1, lines.size());
    var line = lines.get(0);
    assertEquals(Level.INFO, line.level());
    assertEquals(first.keyArn(), line.field("key_arn"));
    assertEquals("30", line.field("pending_window_days"));
    assertEquals("replaced by a new key for x509-CA-A", line.field("reason"));
    assertEquals("1h0m", line.field("age"));
    assertEquals(
        TestBed.START.plus(Duration.ofHours(1)).plus(Duration.ofDays(30)).toString(),
        line.field("deletion_date"));
    assertEquals(0, server.queue().size());
  }

  @Test
  void keysWaitUntilTheLifecycleStarts() {
    TestBed.Server server = bed.server("srv-a");
    String orphan = ourOrphan("old");
    server.lifecycle.deletionQueue().enqueue(orphan, "test");

    bed.advance(Duration.ofHours(1));
    assertEquals(0, bed.calls(SCHEDULE));
    assertEquals(1, server.queue().size());

    server.start();
    bed.advance(Duration.ofSeconds(1));
    assertEquals(KeyState.PENDING_DELETION, bed.state(orphan));
  }

  static Stream<Arguments> finalOutcomes() {
    return Stream.of(
        Arguments.of(Fault.notFound(), Level.INFO, "no such key"),
        Arguments.of(
            Fault.serviceError("InvalidArnException", 400, "Invalid arn"),
            Level.ERROR,
            "invalid ARN"),
        Arguments.of(
            Fault.invalidState(),
            Level.INFO,
            "the key is in a state that rules out deletion, usually already pending"));
  }

  @ParameterizedTest
  @MethodSource("finalOutcomes")
  void finalOutcomesAreLoggedOnceAndNeverRetried(Fault fault, Level level, String reason) {
    TestBed.Server server = bed.server("srv-a").start();
    String orphan = ourOrphan("old");
    bed.model.faults().failAlways(SCHEDULE, fault);

    server.queue().enqueue(orphan, "test");
    bed.advance(Duration.ofMinutes(30));

    assertEquals(1, bed.calls(SCHEDULE));
    var lines = server.log.withMessage(NOT_SCHEDULED);
    assertEquals(1, lines.size(), () -> server.log.lines().toString());
    assertEquals(level, lines.get(0).level());
    assertEquals(reason, lines.get(0).field("reason"));
    assertEquals(orphan, lines.get(0).field("key_arn"));
    assertEquals("test", lines.get(0).field("queued_because"));
    assertTrue(server.log.withMessage(RETRY).isEmpty());
    assertEquals(0, server.queue().size());
  }

  @Test
  void aKeyKmsDoesNotKnowIsDroppedAfterDescribeKey() {
    TestBed.Server server = bed.server("srv-a").start();
    String unknown = "arn:aws:kms:us-east-1:111122223333:key/0a0b0c0d-1111-2222-3333-444455556666";
    server.queue().enqueue(unknown, "test");
    bed.advance(Duration.ofMinutes(5));

    assertEquals(0, bed.calls(SCHEDULE));
    var line = server.log.withMessage(NOT_SCHEDULED).get(0);
    assertEquals("no such key", line.field("reason"));
  }

  @Test
  void anInvalidArnIsDroppedAfterDescribeKey() {
    TestBed.Server server = bed.server("srv-a").start();
    server.queue().enqueue("arn:aws:kms:us-east-1:111122223333:bogus/1", "test");
    bed.advance(Duration.ofMinutes(5));

    assertEquals(0, bed.calls(SCHEDULE));
    var line = server.log.withMessage(NOT_SCHEDULED).get(0);
    assertEquals(Level.ERROR, line.level());
    assertEquals("invalid ARN", line.field("reason"));
  }

  @Test
  void otherFailuresAreRetriedWithAPerKeyBackoffCappedAtOneMinute() {
    TestBed.Server server =
        bed.server("srv-a", settings().callInterval(Duration.ZERO).build()).start();
    String orphan = ourOrphan("old");
    FaultRule rule = bed.model.faults().failAlways(SCHEDULE, Fault.internalError());

    server.queue().enqueue(orphan, "test");
    bed.advance(Duration.ofMinutes(5));

    List<Instant> attempts = bed.model.calls(SCHEDULE).stream().map(KmsCall::at).toList();
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < attempts.size(); i++) {
      gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toSeconds());
    }
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L), gaps);
    var retries = server.log.withMessage(RETRY);
    assertEquals(10, retries.size());
    assertEquals("1", retries.get(0).field("attempt"));
    assertEquals("1s", retries.get(0).field("retry_in"));
    assertEquals("1m0s", retries.get(9).field("retry_in"));
    assertTrue(
        retries.get(0).field("reason").contains("KMSInternalException"),
        retries.get(0).field("reason"));
    assertEquals(KeyState.ENABLED, bed.state(orphan));

    bed.model.faults().clear();
    bed.advance(Duration.ofMinutes(1));
    assertEquals(KeyState.PENDING_DELETION, bed.state(orphan));
    assertEquals(10, rule.fired());
  }

  static Stream<Fault> retryableFaults() {
    return Stream.of(
        Fault.throttling(),
        Fault.accessDenied(),
        Fault.dependencyTimeout(),
        Fault.timeout(),
        Fault.disabled(),
        Fault.of(() -> new IllegalStateException("unexpected")));
  }

  @ParameterizedTest
  @MethodSource("retryableFaults")
  void everythingElseIsRetried(Fault fault) {
    TestBed.Server server = bed.server("srv-a").start();
    String orphan = ourOrphan("old");
    bed.model.faults().failNext(SCHEDULE, 2, fault);

    server.queue().enqueue(orphan, "test");
    bed.advance(Duration.ofSeconds(30));

    assertEquals(3, bed.calls(SCHEDULE));
    assertEquals(2, server.log.withMessage(RETRY).size());
    assertEquals(KeyState.PENDING_DELETION, bed.state(orphan));
  }

  @Test
  void aKeyKmsKeepsDenyingIsGivenUpAfterThreeAttempts() {
    TestBed.Server server = bed.server("srv-a").start();
    String orphan = ourOrphan("old");
    String other = ourOrphan("other");
    bed.model
        .faults()
        .failAlwaysWhen(
            SCHEDULE,
            software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest.class,
            r -> r.keyId().equals(orphan),
            Fault.accessDenied());

    server.queue().enqueue(orphan, "test");
    bed.advance(Duration.ofMinutes(30));

    assertEquals(KmsDeletionQueue.MAX_ATTEMPTS_DENIED, bed.calls(SCHEDULE));
    var dropped = server.log.withMessage("Key not scheduled for deletion");
    assertEquals(1, dropped.size());
    assertTrue(dropped.get(0).field("reason").startsWith("gave up after 3 attempts: access denied"),
        dropped.get(0).field("reason"));
    assertEquals(KeyState.ENABLED, bed.state(orphan));

    server.queue().enqueue(other, "test");
    bed.advance(Duration.ofSeconds(30));
    assertEquals(KeyState.PENDING_DELETION, bed.state(other), "the queue keeps working");
  }

  @Test
  void aKeyThatKeepsFailingIsGivenUpEventually() {
    TestBed.Server server = bed.server("srv-a", settings().callInterval(Duration.ZERO).build()).start();
    String orphan = ourOrphan("old");
    bed.model.faults().failAlways(SCHEDULE, Fault.internalError());

    server.queue().enqueue(orphan, "test");
    bed.advance(Duration.ofHours(1));

    assertEquals(KmsDeletionQueue.MAX_ATTEMPTS, bed.calls(SCHEDULE));
    assertEquals(KmsDeletionQueue.MAX_ATTEMPTS - 1, server.log.withMessage(RETRY).size());
    assertTrue(
        server.log.withMessage("Key not scheduled for deletion").get(0).field("reason")
            .contains("the orphan key sweep will find the key again"));
  }

  @Test
  void failuresOfDescribeKeyAndListAliasesAreRetriedToo() {
    TestBed.Server server = bed.server("srv-a").start();
    String orphan = ourOrphan("old");
    bed.model.faults().failNext(KmsOperations.DESCRIBE_KEY, 1, Fault.throttling());
    bed.model.faults().failNext(KmsOperations.LIST_ALIASES, 1, Fault.internalError());

    server.queue().enqueue(orphan, "test");
    bed.advance(Duration.ofSeconds(30));

    assertEquals(2, server.log.withMessage(RETRY).size());
    assertEquals(KeyState.PENDING_DELETION, bed.state(orphan));
  }

  @Test
  void oneFailingKeyNeverDelaysTheOthers() {
    TestBed.Server server = bed.server("srv-a").start();
    String failing = ourOrphan("failing");
    String second = ourOrphan("second");
    String third = ourOrphan("third");
    bed.model
        .faults()
        .add(
            FaultRule.on(SCHEDULE)
                .when(ScheduleKeyDeletionRequest.class, r -> r.keyId().equals(failing))
                .always()
                .failWith(Fault.throttling()));

    server.queue().enqueue(failing, "test");
    server.queue().enqueue(second, "test");
    server.queue().enqueue(third, "test");
    // three calls per key at two calls a second: 1.5 s a key
    bed.advance(Duration.ofSeconds(5));

    assertEquals(KeyState.PENDING_DELETION, bed.state(second));
    assertEquals(KeyState.PENDING_DELETION, bed.state(third));
    assertEquals(KeyState.ENABLED, bed.state(failing));
    assertTrue(server.queue().contains(failing));
    assertEquals(1, server.queue().size());
  }

  @Test
  void callsArePacedAtTwoPerSecond() {
    TestBed.Server server = bed.server("srv-a").start();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      keys.add(ourOrphan("k" + i));
    }
    bed.model.clearCalls();
    keys.forEach(k -> server.queue().enqueue(k, "test"));
    bed.advance(Duration.ofSeconds(10));

    List<KmsCall> calls = bed.model.calls();
    assertEquals(12, calls.size());
    for (int i = 0; i < calls.size(); i += 3) {
      // one key per step: DescribeKey, ListAliases, ScheduleKeyDeletion; then 3 x 500 ms
      assertEquals(
          TestBed.START.plus(Duration.ofMillis(1500L * (i / 3))), calls.get(i).at(), "step " + i);
      assertEquals(calls.get(i).at(), calls.get(i + 2).at());
    }
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "SPIRE_SERVER_KEY",
        "SPIRE_SERVER_KEY/",
        "SPIRE_SERVER_KEY/acme_co",
        "SPIRE_SERVER_KEY/acme_co/",
        "SPIRE_SERVER_KEY/acme_co_uk/x509-CA-A",
        "SPIRE_SERVER_KEY/acme/co/x509-CA-A",
        "spire_server_key/acme_co/x509-CA-A",
        "my application key"
      })
  void keysWhoseDescriptionIsNotOursAreNeverDeleted(String description) {
    TestBed.Server server = bed.server("srv-a").start();
    String key = bed.createKey(description);

    server.queue().enqueue(key, "test");
    bed.advance(Duration.ofMinutes(5));

    assertEquals(0, bed.calls(SCHEDULE));
    assertEquals(KeyState.ENABLED, bed.state(key));
    var line = server.log.withMessage(NOT_SCHEDULED).get(0);
    assertEquals(Level.WARN, line.level());
    assertTrue(line.field("reason").startsWith("its description does not mark it"));
  }

  @Test
  void aKeyAnyAliasPointsToIsNeverDeleted() {
    TestBed.Server server = bed.server("srv-a").start();
    String key = ourOrphan("old");
    bed.createAlias("alias/my-app", key);

    server.queue().enqueue(key, "test");
    bed.advance(Duration.ofMinutes(5));

    assertEquals(0, bed.calls(SCHEDULE));
    assertEquals(KeyState.ENABLED, bed.state(key));
    assertEquals(
        "an alias still points to it: alias/my-app",
        server.log.withMessage(NOT_SCHEDULED).get(0).field("reason"));
  }

  @Test
  void aKeyThisServerUsesIsNeverDeleted() {
    TestBed.Server server = bed.server("srv-a").start();
    KeyEntry live = server.generate("x509-CA-A");
    // the alias check comes first; take the alias away to reach the last check
    bed.model.deleteAlias(
        software.amazon.awssdk.services.kms.model.DeleteAliasRequest.builder()
            .aliasName(live.aliasName())
            .build());

    server.queue().enqueue(live.keyArn(), "test");
    bed.advance(Duration.ofMinutes(5));

    assertEquals(0, bed.calls(SCHEDULE));
    assertEquals(KeyState.ENABLED, bed.state(live.keyArn()));
    assertEquals(
        "this server still uses it", server.log.withMessage(NOT_SCHEDULED).get(0).field("reason"));
  }

  @Test
  void aKeyAlreadyPendingDeletionIsDroppedQuietly() {
    TestBed.Server server = bed.server("srv-a").start();
    String key = ourOrphan("old");
    bed.model.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(key).pendingWindowInDays(7).build());
    bed.model.clearCalls();

    server.queue().enqueue(key, "test");
    bed.advance(Duration.ofMinutes(5));

    assertEquals(0, bed.calls(SCHEDULE));
    var line = server.log.withMessage(NOT_SCHEDULED).get(0);
    assertEquals(Level.INFO, line.level());
    assertEquals("the key is already pending deletion", line.field("reason"));
  }

  @Test
  void aDisabledKeyOfOursIsDeleted() {
    TestBed.Server server = bed.server("srv-a").start();
    String key = ourOrphan("old");
    bed.model.disableKey(
        software.amazon.awssdk.services.kms.model.DisableKeyRequest.builder().keyId(key).build());

    server.queue().enqueue(key, "test");
    bed.advance(Duration.ofMinutes(1));

    assertEquals(KeyState.PENDING_DELETION, bed.state(key));
  }

  @Test
  void reportModeLogsWhatWouldBeDeletedAndDeletesNothing() {
    TestBed.Server server =
        bed.server("srv-a", settings().mode(DisposalMode.REPORT).build()).start();
    KeyEntry first = server.generate("x509-CA-A");
    server.generate("x509-CA-A");

    bed.advance(Duration.ofMinutes(5));

    assertEquals(0, bed.calls(SCHEDULE));
    assertEquals(KeyState.ENABLED, bed.state(first.keyArn()));
    var lines =
        server.log.withMessage(
            "Key would be scheduled for deletion; disposal_mode is report, so nothing was deleted");
    assertEquals(1, lines.size());
    assertEquals(first.keyArn(), lines.get(0).field("key_arn"));
    assertEquals("replaced by a new key for x509-CA-A", lines.get(0).field("reason"));
    assertEquals("report", lines.get(0).field("disposal_mode"));
    assertEquals(0, server.queue().size());
  }

  @Test
  void aFullQueueDropsTheNewKeyWithAnErrorNamingIt() {
    TestBed.Server server = bed.server("srv-a", settings().queueCapacity(2).build()).start();
    bed.model.faults().failAlways(SCHEDULE, Fault.throttling());
    String a = ourOrphan("a");
    String b = ourOrphan("b");
    String c = ourOrphan("c");

    server.queue().enqueue(a, "test");
    server.queue().enqueue(b, "test");
    bed.advance(Duration.ofSeconds(10));
    server.queue().enqueue(c, "rotated");

    assertEquals(2, server.queue().size());
    assertFalse(server.queue().contains(c));
    assertEquals(0, server.queue().remainingCapacity());
    var errors =
        server.log.matching(
            l -> l.level() == Level.ERROR && l.message().startsWith("Deletion queue is full"));
    assertEquals(1, errors.size());
    assertEquals(c, errors.get(0).field("key_arn"));
    assertEquals("rotated", errors.get(0).field("reason"));
    assertEquals("2", errors.get(0).field("capacity"));
    assertTrue(errors.get(0).message().contains("orphan key sweep will find it later"));
  }

  @Test
  void aKeyQueuedTwiceIsQueuedOnce() {
    TestBed.Server server = bed.server("srv-a");
    String a = ourOrphan("a");
    server.queue().enqueue(a, "test");
    server.queue().enqueue(a, "again");
    assertEquals(1, server.queue().size());
    assertEquals(1, server.log.withMessage("Key already queued for deletion").size());
  }

  @Test
  void closeCancelsRetriesCountsWhatIsLeftAndStartsNoFurtherCall() {
    TestBed.Server server = bed.server("srv-a").start();
    bed.model.faults().failAlways(SCHEDULE, Fault.throttling());
    server.queue().enqueue(ourOrphan("a"), "test");
    server.queue().enqueue(ourOrphan("b"), "test");
    bed.advance(Duration.ofSeconds(5));

    server.lifecycle.close();
    int callsAtClose = bed.model.calls().size();
    bed.advance(Duration.ofHours(1));

    assertEquals(callsAtClose, bed.model.calls().size());
    assertEquals(0, server.scheduler.pending());
    assertTrue(server.scheduler.isShutdown());
    var left =
        server.log.withMessage(
            "Deletion queue stopped with keys not yet scheduled for deletion; the orphan key sweep"
                + " will find them later");
    assertEquals(1, left.size());
    assertEquals("2", left.get(0).field("count"));
    assertEquals(2, server.log.withMessage("Key left in the deletion queue at shutdown").size());

    String late = ourOrphan("late");
    server.queue().enqueue(late, "rotated");
    assertEquals(
        late,
        server
            .log
            .withMessage(
                "Key not queued for deletion because the plugin is stopping; the orphan key sweep"
                    + " will find it later")
            .get(0)
            .field("key_arn"));
    assertEquals(0, server.queue().remainingCapacity());
  }

  @Test
  void closeDuringAStepStopsItBeforeItsNextCall() {
    TestBed.Server server = bed.server("srv-a").start();
    String key = ourOrphan("a");
    bed.model
        .faults()
        .add(
            FaultRule.on(KmsOperations.DESCRIBE_KEY)
                .when(
                    DescribeKeyRequest.class,
                    r -> {
                      // shutdown arrives while DescribeKey is in flight
                      server.lifecycle.close();
                      return false;
                    })
                .always()
                .failWith(Fault.internalError()));
    bed.model.clearCalls();

    server.queue().enqueue(key, "test");
    bed.advance(Duration.ofMinutes(5));

    assertEquals(1, bed.model.calls().size());
    assertEquals(KmsOperations.DESCRIBE_KEY, bed.model.calls().get(0).operation());
    assertEquals(KeyState.ENABLED, bed.state(key));
    assertEquals(
        "1",
        server
            .log
            .withMessage(
                "Deletion queue stopped with keys not yet scheduled for deletion; the orphan key"
                    + " sweep will find them later")
            .get(0)
            .field("count"));
  }

  @Test
  void closingAnEmptyQueueSaysNothing() {
    TestBed.Server server = bed.server("srv-a").start();
    server.lifecycle.close();
    server.lifecycle.close();
    assertTrue(server.log.atLeast(Level.WARN).isEmpty());
  }

  @Test
  void backoffDoublesFromOneSecondToAMinute() {
    TestBed.Server server = bed.server("srv-a");
    List<Long> waits = new ArrayList<>();
    for (int failures : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 1_000_000}) {
      waits.add(server.queue().backoff(failures).toSeconds());
    }
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L), waits);
  }
}
