package dev.spirekms.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HandshakeTest {
  @Test
  void parsesAllFields() {
    Handshake h = Handshake.parse("1|2|unix|/tmp/p/plugin.sock|grpc|\n");

    assertEquals(1, h.coreVersion());
    assertEquals(2, h.appVersion());
    assertEquals("unix", h.network());
    assertEquals("/tmp/p/plugin.sock", h.address());
    assertEquals("grpc", h.protocol());
  }

  @Test
  void rejectsShortOrNonNumericLines() {
    assertThrows(IllegalArgumentException.class, () -> Handshake.parse("1|1|tcp|127.0.0.1:1"));
    assertThrows(IllegalArgumentException.class, () -> Handshake.parse("a|1|tcp|x|grpc"));
    assertThrows(
        IllegalArgumentException.class, () -> Handshake.parse("Picked up JAVA_TOOL_OPTIONS"));
  }
}
