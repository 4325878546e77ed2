package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgesTest {

  @Test
  void showsTheTwoLargestUnits() {
    assertEquals("15d3h", Ages.format(Duration.ofDays(15).plusHours(3).plusMinutes(59)));
    assertEquals("2h5m", Ages.format(Duration.ofHours(2).plusMinutes(5).plusSeconds(7)));
    assertEquals("1m1s", Ages.format(Duration.ofSeconds(61)));
    assertEquals("0s", Ages.format(Duration.ZERO));
    assertEquals("0s", Ages.format(Duration.ofSeconds(-30)));
  }

  @Test
  void ageOfAMissingDateIsZero() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertEquals(Duration.ZERO, Ages.between(null, now));
    assertEquals(Duration.ofHours(1), Ages.between(now.minusSeconds(3600), now));
  }
}
