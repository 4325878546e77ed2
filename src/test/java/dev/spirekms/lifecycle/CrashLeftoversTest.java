package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spirekms.keys.KeyEntry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The keys a plugin killed in the middle of GenerateKey leaves behind without a journal entry (a
 * new key without an alias, killed after CreateKey or GetPublicKey; an old key no alias points to
 * any more, killed after UpdateAlias), swept by the next launch's orphan sweep within its period,
 * on simulated time; the key in use is never touched.
 */
class CrashLeftoversTest {
  private final TestBed bed = new TestBed();

  @Test
  void theNextLaunchSchedulesEveryUnaliasedKeyAGenerateKeyLeftWithinOneSweepPeriod() {
    TestBed.Server first = bed.server("srv-a", TestBed.PROMPT).start();
    KeyEntry old = first.generate("x509-CA-A");
    // killed after CreateKey (or GetPublicKey): a key of ours that no alias names
    String unaliasedNew = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    // killed after UpdateAlias: the alias names a new key; the old one was never queued
    String current = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.touchAlias(old.aliasName(), current);
    first.lifecycle.close();

    bed.server("srv-a", TestBed.PROMPT).start();
    // the minimum age (48 h) and one sweep period (48 h) after the first sweep (minutes after
    // start)
    bed.advance(Duration.ofHours(48).plusMinutes(5));
    bed.advance(Duration.ofHours(48).plusMinutes(5));

    assertEquals(KeyState.PENDING_DELETION, bed.state(unaliasedNew));
    assertEquals(KeyState.PENDING_DELETION, bed.state(old.keyArn()));
    assertEquals(KeyState.ENABLED, bed.state(current));
  }
}
