package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.FaultRule;
import dev.spirekms.localkms.KmsOperations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;

/**
 * Several servers of one trust domain on one KMS account, over weeks of simulated time: rotations,
 * refreshes, disposals and sweeps of all of them interleave on one timeline.
 */
class HighAvailabilityTest {
  private static final Duration THRESHOLD = Duration.ofDays(14);
  private static final List<String> KEY_IDS = List.of("x509-CA-A", "JWT-Signer-A");

  private final TestBed bed = new TestBed();
  private final List<TestBed.Server> live = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();

  /** Watches every ScheduleKeyDeletion as it happens: none may name a key a live server holds. */
  @BeforeEach
  void watchDeletions() {
    bed.model
        .faults()
        .add(
            FaultRule.on(KmsOperations.SCHEDULE_KEY_DELETION)
                .when(
                    ScheduleKeyDeletionRequest.class,
                    r -> {
                      for (TestBed.Server s : live) {
                        if (s.store.holds(r.keyId())) {
                          violations.add(bed.clock.instant() + " " + r.keyId());
                        }
                      }
                      return false;
                    })
                .always()
                .failWith(Fault.internalError()));
  }

  private TestBed.Server startServer(String serverId) {
    TestBed.Server s = bed.server(serverId, LifecycleSettings.defaults()).start();
    live.add(s);
    return s;
  }

  private void stop(TestBed.Server s) {
    live.remove(s);
    s.lifecycle.close();
  }

  /** Every key a live server holds is enabled, and its alias exists and points at it. */
  private void assertLiveKeysIntact() {
    assertEquals(List.of(), violations);
    for (TestBed.Server s : live) {
      for (KeyEntry entry : s.store.all()) {
        assertEquals(KeyState.ENABLED, bed.state(entry.keyArn()), () -> at() + entry);
        Optional<AliasListEntry> alias = bed.alias(entry.aliasName());
        assertTrue(alias.isPresent(), () -> at() + "alias missing " + entry.aliasName());
        assertTrue(entry.keyArn().endsWith(alias.get().targetKeyId()), () -> at() + entry);
      }
    }
  }

  private String at() {
    return "at " + Duration.between(TestBed.START, bed.clock.instant()) + ": ";
  }

  private static boolean gone(TestBed bed, String keyArn) {
    return !bed.model.hasKey(keyArn) || bed.state(keyArn) == KeyState.PENDING_DELETION;
  }

  @Test
  void liveServersKeepTheirKeysAndAStoppedServerIsCleanedUpAfterTheThreshold() {
    TestBed.Server s1 = startServer("srv-1");
    TestBed.Server s2 = startServer("srv-2");
    TestBed.Server s3 = startServer("srv-3");
    for (TestBed.Server s : List.of(s1, s2, s3)) {
      KEY_IDS.forEach(s::generate);
    }
    List<String> replaced = new ArrayList<>();
    Map<String, String> stoppedAliases = new HashMap<>();
    Instant stoppedRefresh = null;

    for (int hour = 1; hour <= 24 * 28; hour++) {
      bed.advance(Duration.ofHours(1));
      // rotations land on the same instants as refreshes and disposals of the other servers
      if (hour % 48 == 24) {
        replaced.add(s1.store.require("x509-CA-A").keyArn());
        s1.generate("x509-CA-A");
      }
      if (hour % 72 == 6) {
        replaced.add(s2.store.require("JWT-Signer-A").keyArn());
        s2.generate("JWT-Signer-A");
      }
      if (hour == 24 * 3 + 1) {
        for (KeyEntry e : s3.store.all()) {
          stoppedAliases.put(e.aliasName(), e.keyArn());
        }
        stoppedRefresh =
            bed.alias(s3.store.all().get(0).aliasName()).orElseThrow().lastUpdatedDate();
        stop(s3);
      }
      assertLiveKeysIntact();
      if (stoppedRefresh != null && bed.clock.instant().isBefore(stoppedRefresh.plus(THRESHOLD))) {
        for (var e : stoppedAliases.entrySet()) {
          assertTrue(bed.alias(e.getKey()).isPresent(), at() + "disposed too early " + e.getKey());
          assertEquals(KeyState.ENABLED, bed.state(e.getValue()));
        }
      }
    }

    // the stopped server last refreshed at 72 h: disposed at the first daily run after 72 h + 14 d
    for (var e : stoppedAliases.entrySet()) {
      assertFalse(bed.alias(e.getKey()).isPresent(), e.getKey());
      assertTrue(gone(bed, e.getValue()), e.getValue());
    }
    for (String old : replaced) {
      assertTrue(gone(bed, old), old);
    }
    // s1 rotated 14 times, s2 10 times
    assertEquals(14 + 10, replaced.size());
    assertLiveKeysIntact();
  }

  @Test
  void aStoppedServersAliasesGoWithinADayOfTheThreshold() {
    TestBed.Server s1 = startServer("srv-1");
    TestBed.Server s3 = startServer("srv-3");
    KEY_IDS.forEach(s1::generate);
    KeyEntry stopped = s3.generate("x509-CA-A");
    stop(s3);
    Instant lastRefresh = bed.alias(stopped.aliasName()).orElseThrow().lastUpdatedDate();

    bed.advance(Duration.between(bed.clock.instant(), lastRefresh.plus(THRESHOLD)).minusSeconds(1));
    assertTrue(bed.alias(stopped.aliasName()).isPresent());
    bed.advance(Duration.ofDays(1).plusMinutes(5));

    assertFalse(bed.alias(stopped.aliasName()).isPresent());
    assertEquals(KeyState.PENDING_DELETION, bed.state(stopped.keyArn()));
    bed.advance(Duration.ofDays(7));
    assertFalse(bed.model.hasKey(stopped.keyArn()));
    assertLiveKeysIntact();
  }

  @Test
  void serversSharingOneServerIdNeverRevertEachOthersRotation() {
    TestBed.Server a = startServer("shared");
    KeyEntry first = a.generate("x509-CA-A");
    TestBed.Server b = startServer("shared");
    String alias = first.aliasName();
    List<String> targets = new ArrayList<>(List.of(first.keyArn()));
    // replicas sharing an id delete each other's replaced keys (see docs); only reverts are checked
    live.clear();
    List<String> reverts = new ArrayList<>();
    bed.model
        .faults()
        .add(
            FaultRule.on(KmsOperations.UPDATE_ALIAS)
                .when(
                    UpdateAliasRequest.class,
                    r -> {
                      String current = targets.get(targets.size() - 1);
                      if (!r.targetKeyId().equals(current) && targets.contains(r.targetKeyId())) {
                        reverts.add(at() + r.targetKeyId());
                      }
                      return false;
                    })
                .always()
                .failWith(Fault.internalError()));

    for (int hour = 1; hour <= 24 * 14; hour++) {
      bed.advance(Duration.ofHours(1));
      if (hour % 24 == 6) {
        // each day one of them rotates, on the hour of both refreshes
        TestBed.Server rotating = (hour / 24) % 2 == 0 ? a : b;
        targets.add(rotating.generate("x509-CA-A").keyArn());
      }
      String target = bed.alias(alias).orElseThrow().targetKeyId();
      String expected = targets.get(targets.size() - 1);
      assertTrue(expected.endsWith(target), at() + "alias reverted to " + target);
    }

    assertEquals(List.of(), reverts);
    assertEquals(15, targets.size());
    String skipped =
        "Alias target differs from cache, skipping refresh to avoid reverting a rotation";
    assertFalse(a.log.withMessage(skipped).isEmpty());
    assertFalse(b.log.withMessage(skipped).isEmpty());
    assertEquals(KeyState.ENABLED, bed.state(targets.get(targets.size() - 1)));
  }

  @Test
  void aServerThatLostItsIdFileHasItsOldKeysCleanedUpAfterTheThreshold() {
    TestBed.Server s1 = startServer("0b9c6a9e-0000-4000-8000-000000000001");
    TestBed.Server s2 = startServer("0b9c6a9e-0000-4000-8000-000000000002");
    List<KeyEntry> before = KEY_IDS.stream().map(s1::generate).toList();
    KEY_IDS.forEach(s2::generate);
    bed.advance(Duration.ofDays(2));

    // restart with a new id: nothing found under it, so SPIRE generates new keys
    stop(s1);
    TestBed.Server again = startServer("0b9c6a9e-0000-4000-8000-00000000000a");
    assertTrue(again.store.all().isEmpty());
    KEY_IDS.forEach(again::generate);

    for (int day = 0; day < 20; day++) {
      bed.advance(Duration.ofDays(1));
      assertLiveKeysIntact();
    }

    for (KeyEntry old : before) {
      assertFalse(bed.alias(old.aliasName()).isPresent(), old.aliasName());
      assertTrue(gone(bed, old.keyArn()));
    }
    assertLiveKeysIntact();
  }

  @Test
  void keysLeftByAStoppedQueueAreSweptByAnotherServer() {
    TestBed.Server s1 = startServer("srv-1");
    TestBed.Server s2 = startServer("srv-2");
    KeyEntry old = s1.generate("x509-CA-A");
    s2.generate("x509-CA-A");
    s1.generate("x509-CA-A");
    // s1 goes down before its queue gets to the replaced key
    stop(s1);
    assertEquals(KeyState.ENABLED, bed.state(old.keyArn()));
    TestBed.Server restarted = startServer("srv-1");
    KeyEntry current = restarted.store.require("x509-CA-A");

    bed.advance(Duration.ofHours(49));

    assertTrue(gone(bed, old.keyArn()));
    assertEquals(KeyState.ENABLED, bed.state(current.keyArn()));
    assertLiveKeysIntact();
  }
}
