package dev.spirekms.goplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

class PosixSignalsTest {
  @Test
  void sigintIsIgnoredAndSigtermAsksToStop() throws InterruptedException {
    ShutdownSignal shutdown = new ShutdownSignal();
    Runnable restore = new PosixSignals().install(shutdown);
    try {
      // with the JVM's own handler, SIGINT would end this test run
      Signal.raise(PosixSignals.INT);
      assertFalse(shutdown.isRequested());

      Signal.raise(PosixSignals.TERM);

      assertTrue(shutdown.await(Duration.ofSeconds(10)));
      assertEquals("received SIGTERM", shutdown.await());
    } finally {
      restore.run();
    }
  }
}
