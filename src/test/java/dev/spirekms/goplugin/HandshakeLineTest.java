package dev.spirekms.goplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HandshakeLineTest {
  @Test
  void formatsAUnixSocketLikeAGoPlugin() {
    assertEquals(
        "1|1|unix|/tmp/plugin42/plugin.sock|grpc|",
        HandshakeLine.format(1, "unix", "/tmp/plugin42/plugin.sock"));
  }

  @Test
  void formatsALoopbackPort() {
    assertEquals(
        "1|3|tcp|127.0.0.1:10000|grpc|", HandshakeLine.format(3, "tcp", "127.0.0.1:10000"));
  }

  @Test
  void rejectsOtherNetworks() {
    assertThrows(IllegalArgumentException.class, () -> HandshakeLine.format(1, "udp", "x:1"));
  }

  @Test
  void rejectsAddressesThatWouldBreakTheLine() {
    assertThrows(IllegalArgumentException.class, () -> HandshakeLine.format(1, "unix", "/a|b"));
    assertThrows(IllegalArgumentException.class, () -> HandshakeLine.format(1, "unix", "/a\nb"));
    assertThrows(IllegalArgumentException.class, () -> HandshakeLine.format(1, "unix", ""));
  }
}
