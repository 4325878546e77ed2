package dev.spirekms.goplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShutdownSignalTest {
  @Test
  void theFirstReasonWins() throws InterruptedException {
    ShutdownSignal signal = new ShutdownSignal();
    assertFalse(signal.isRequested());
    assertFalse(signal.await(Duration.ZERO));

    signal.request("first");
    signal.request("second");

    assertTrue(signal.isRequested());
    assertTrue(signal.await(Duration.ZERO));
    assertEquals("first", signal.await());
  }
}
