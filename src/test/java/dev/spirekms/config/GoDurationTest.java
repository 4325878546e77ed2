package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  @ParameterizedTest
  @MethodSource
  void parsesGoDurationsAndWholeDays(String text, Duration expected) {
    assertEquals(Optional.of(expected), GoDuration.parse(text));
  }

  static Stream<Arguments> parsesGoDurationsAndWholeDays() {
    return Stream.of(
        Arguments.of("336h", Duration.ofHours(336)),
        Arguments.of("90m", Duration.ofMinutes(90)),
        Arguments.of("1h30m", Duration.ofMinutes(90)),
        Arguments.of("3600s", Duration.ofHours(1)),
        Arguments.of("1.5h", Duration.ofMinutes(90)),
        Arguments.of(".5h", Duration.ofMinutes(30)),
        Arguments.of("1.h", Duration.ofHours(1)),
        Arguments.of("250ms", Duration.ofMillis(250)),
        Arguments.of("10us", Duration.ofNanos(10_000)),
        Arguments.of("10\u00b5s", Duration.ofNanos(10_000)),
        Arguments.of("10\u03bcs", Duration.ofNanos(10_000)),
        Arguments.of("7ns", Duration.ofNanos(7)),
        Arguments.of("1h0m0s", Duration.ofHours(1)),
        Arguments.of("0", Duration.ZERO),
        Arguments.of("+5m", Duration.ofMinutes(5)),
        Arguments.of("-5m", Duration.ofMinutes(-5)),
        Arguments.of("14d", Duration.ofDays(14)),
        Arguments.of("1d", Duration.ofDays(1)),
        Arguments.of("2562047h", Duration.ofHours(2562047)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-",
        "+",
        "14",
        "h",
        "1x",
        "1.5d",
        "1d12h",
        "-1d",
        "1h 30m",
        " 1h",
        "1h.",
        ".h",
        "1e3s",
        "3000000h",
        "14D",
        "1H"
      })
  void rejectsWhatGoRejects(String text) {
    assertEquals(Optional.empty(), GoDuration.parse(text));
  }

  @ParameterizedTest
  @MethodSource
  void formatsWithoutZeroParts(Duration d, String expected) {
    assertEquals(expected, GoDuration.format(d));
  }

  static Stream<Arguments> formatsWithoutZeroParts() {
    return Stream.of(
        Arguments.of(Duration.ofDays(14), "336h"),
        Arguments.of(Duration.ofMinutes(90), "1h30m"),
        Arguments.of(Duration.ofSeconds(90), "1m30s"),
        Arguments.of(Duration.ofMillis(1500), "1.5s"),
        Arguments.of(Duration.ofMillis(1), "0.001s"),
        Arguments.of(Duration.ZERO, "0s"),
        Arguments.of(Duration.ofHours(-2), "-2h"));
  }
}
