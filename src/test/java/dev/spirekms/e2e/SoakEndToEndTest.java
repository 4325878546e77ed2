package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.bench.Soak;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The 30-second form of {@code src/bench/soak.sh}: the packaged plugin signs and rotates against a
 * local KMS that meets a fault every few seconds. No RPC ends with a code other than OK or
 * Unavailable, no key is leaked or lost, and the plugin's file descriptors do not pile up. Timings
 * are printed, not asserted.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SoakEndToEndTest {
  /** Head room for descriptors a fault leaves open for a while (a held or reset connection). */
  private static final int FD_SLACK = 32;

  @Test
  void thirtySecondsOfSigningRotationsAndFaultsLeaveNothingBehind() throws Exception {
    Soak.Result result = Soak.run(LocalKmsPlugin.DIST, Duration.ofSeconds(30), 20, System.out);
    Soak.print(result, System.out);

    assertEquals(Map.of(), result.unexpectedCodes());
    assertTrue(
        result.codes().getOrDefault("OK", 0L) > result.requests() / 2, result.codes().toString());
    assertTrue(
        result.rotationCodes().getOrDefault("OK", 0L) >= 1, result.rotationCodes().toString());
    assertTrue(result.faultsInjected().size() >= 5, result.faultsInjected().toString());
    assertTrue(result.faultsInjected().contains("gone 3s"), result.faultsInjected().toString());
    assertEquals(List.of(), result.leaked());
    assertEquals(List.of(), result.lostAliases());
    int firstFds = result.samples().get(1).fds();
    assertTrue(
        result.fdsAtEnd() <= firstFds + FD_SLACK,
        "fds grew from " + firstFds + " to " + result.fdsAtEnd());
  }
}
