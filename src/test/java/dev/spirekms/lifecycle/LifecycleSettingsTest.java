package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spirekms.config.DisposalMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LifecycleSettingsTest {

  @Test
  void defaultsAreUpstreams() {
    LifecycleSettings s = LifecycleSettings.defaults();
    assertEquals(7, s.pendingWindowDays());
    assertEquals(Duration.ofDays(14), s.staleAliasThreshold());
    assertEquals(DisposalMode.DELETE, s.mode());
    assertEquals(Duration.ofHours(6), s.refreshInterval());
    assertEquals(Duration.ofHours(24), s.disposeInterval());
    assertEquals(Duration.ofHours(48), s.sweepInterval());
    assertEquals(Duration.ofHours(48), s.orphanMinimumAge());
    assertEquals(Duration.ofSeconds(1), s.initialBackoff());
    assertEquals(Duration.ofSeconds(60), s.maxBackoff());
    assertEquals(Duration.ofMillis(500), s.callInterval());
    assertEquals(500, s.queueCapacity());
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 8, 29, 30})
  void pendingWindowInsideKmsRangeIsAccepted(int days) {
    assertEquals(
        days, LifecycleSettings.builder().pendingWindowDays(days).build().pendingWindowDays());
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 6, 31, 365})
  void pendingWindowOutsideKmsRangeIsRejected(int days) {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LifecycleSettings.builder().pendingWindowDays(days).build());
    assertEquals(
        "key_deletion_pending_window_days must be between 7 and 30, got " + days, e.getMessage());
  }

  @Test
  void staleThresholdOfOneDayIsTheMinimum() {
    assertEquals(
        Duration.ofDays(1),
        LifecycleSettings.builder()
            .staleAliasThreshold(Duration.ofDays(1))
            .build()
            .staleAliasThreshold());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LifecycleSettings.builder()
                    .staleAliasThreshold(Duration.ofDays(1).minusSeconds(1))
                    .build());
    assertEquals("stale_alias_threshold must be at least 1 day, got PT23H59M59S", e.getMessage());
  }

  @Test
  void staleThresholdMustLeaveRoomForTwoRefreshes() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LifecycleSettings.builder()
                    .refreshInterval(Duration.ofHours(13))
                    .staleAliasThreshold(Duration.ofDays(1))
                    .build());
    assertEquals(
        "stale_alias_threshold must be at least twice the alias refresh interval (PT13H), got"
            + " PT24H",
        e.getMessage());
  }

  @Test
  void everyOtherRuleIsChecked() {
    assertRejected(b -> b.queueCapacity(0), "deletion queue capacity must be at least 1");
    assertRejected(
        b -> b.refreshInterval(Duration.ZERO), "alias refresh interval must be positive");
    assertRejected(
        b -> b.disposeInterval(Duration.ofSeconds(-1)), "alias disposal interval must be positive");
    assertRejected(b -> b.sweepInterval(Duration.ZERO), "orphan sweep interval must be positive");
    assertRejected(b -> b.initialBackoff(Duration.ZERO), "initial backoff must be positive");
    assertRejected(
        b -> b.orphanMinimumAge(Duration.ofSeconds(-1)), "orphan minimum age must not be negative");
    assertRejected(
        b -> b.callInterval(Duration.ofMillis(-1)), "call interval must not be negative");
    assertRejected(
        b -> b.maxBackoff(Duration.ofMillis(999)),
        "maximum backoff must not be shorter than the initial one");
    assertThrows(NullPointerException.class, () -> LifecycleSettings.builder().mode(null).build());
  }

  @Test
  void toBuilderKeepsEveryField() {
    LifecycleSettings s =
        LifecycleSettings.builder()
            .pendingWindowDays(30)
            .staleAliasThreshold(Duration.ofDays(3))
            .mode(DisposalMode.REPORT)
            .queueCapacity(3)
            .refreshInterval(Duration.ofHours(1))
            .disposeInterval(Duration.ofHours(2))
            .sweepInterval(Duration.ofHours(3))
            .orphanMinimumAge(Duration.ofHours(4))
            .callInterval(Duration.ZERO)
            .initialBackoff(Duration.ofSeconds(2))
            .maxBackoff(Duration.ofSeconds(8))
            .build();
    assertEquals(s, s.toBuilder().build());
  }

  @Test
  void disposalModesMatchTheConfigurationsByName() {
    for (dev.spirekms.config.DisposalMode configured : dev.spirekms.config.DisposalMode.values()) {
      DisposalMode mode = DisposalMode.valueOf(configured.name());
      assertEquals(configured.configValue(), mode.configValue());
    }
    assertEquals(dev.spirekms.config.DisposalMode.values().length, DisposalMode.values().length);
  }

  private static void assertRejected(
      java.util.function.UnaryOperator<LifecycleSettings.Builder> change, String message) {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> change.apply(LifecycleSettings.builder()).build());
    assertEquals(message, e.getMessage());
  }
}
