package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/** A sink that keeps what is written, and factories that write into it. */
final class CapturedLines {
  static final Instant NOW = Instant.parse("2026-11-23T02:10:43.123456789Z");
  static final String NOW_TEXT = "2026-11-23T02:10:43.123456Z";

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final LineSink sink = new LineSink(bytes);
  final MDCAdapter mdc = new BasicMDCAdapter();

  LineSink sink() {
    return sink;
  }

  /** A factory at the given level setting with a clock fixed at {@link #NOW}. */
  HclogLoggerFactory factory(String levelSetting) {
    return new HclogLoggerFactory(
        LogLevels.fromSetting(levelSetting),
        Clock.fixed(NOW, ZoneOffset.UTC),
        mdc,
        new HclogLineEncoder(),
        sink);
  }

  byte[] bytes() {
    return bytes.toByteArray();
  }

  String text() {
    return HclogLines.decodeStrictly(bytes());
  }

  List<String> lines() {
    return HclogLines.split(bytes());
  }

  List<Map<String, String>> entries() {
    return lines().stream().map(HclogLines::parse).collect(Collectors.toList());
  }

  /** The one line written so far, parsed; fails if there is not exactly one. */
  Map<String, String> only() {
    List<Map<String, String>> entries = entries();
    assertEquals(1, entries.size(), () -> "lines: " + text());
    return entries.get(0);
  }

  void clear() {
    bytes.reset();
  }
}
