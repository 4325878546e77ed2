package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HclogTimestampTest {
  // Go layout 2006-01-02T15:04:05.000000Z07:00 written in UTC
  private static final Pattern GO_LAYOUT =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");

  @ParameterizedTest
  @CsvSource({
    "2026-11-23T02:10:43.123456789Z, 2026-11-23T02:10:43.123456Z",
    "2026-11-23T02:10:43.1234569Z, 2026-11-23T02:10:43.123456Z",
    "2026-11-23T02:10:43Z, 2026-11-23T02:10:43.000000Z",
    "2026-01-02T03:04:05.000001Z, 2026-01-02T03:04:05.000001Z",
    "2026-01-02T03:04:05.000000999Z, 2026-01-02T03:04:05.000000Z",
    "2026-12-31T23:59:59.999999999Z, 2026-12-31T23:59:59.999999Z",
    "1970-01-01T00:00:00Z, 1970-01-01T00:00:00.000000Z",
    "0999-02-03T04:05:06.1Z, 0999-02-03T04:05:06.100000Z",
  })
  void writesUtcWithExactlySixFractionalDigits(String instant, String expected) {
    assertEquals(expected, HclogTimestamp.format(Instant.parse(instant)));
  }

  @Test
  void randomInstantsMatchTheGoLayoutAndReadBackTruncatedToMicroseconds() {
    Random random = new Random(7);
    long end = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 20_000; i++) {
      Instant instant =
          Instant.ofEpochSecond((long) (random.nextDouble() * end), random.nextInt(1_000_000_000));
      String text = HclogTimestamp.format(instant);
      assertTrue(GO_LAYOUT.matcher(text).matches(), text);
      assertEquals(instant.truncatedTo(ChronoUnit.MICROS), Instant.parse(text), text);
    }
  }

  @Test
  void appendsToWhatIsAlreadyThere() {
    StringBuilder out = new StringBuilder("at ");
    HclogTimestamp.append(out, Instant.parse("2026-01-02T03:04:05Z"));
    assertEquals("at 2026-01-02T03:04:05.000000Z", out.toString());
  }
}
