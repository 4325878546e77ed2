package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.bridge.SLF4JBridgeHandler;

class LoggingTest {
  private final CapturedLines out = new CapturedLines();

  @Test
  void installRoutesJulIntoSlf4jOnceAndSetsJulLevels() {
    Logging.install();
    Logging.install();
    Logger root = LogManager.getLogManager().getLogger("");
    Handler[] handlers = root.getHandlers();
    assertEquals(1, handlers.length);
    assertInstanceOf(SLF4JBridgeHandler.class, handlers[0]);
    assertEquals(Level.INFO, root.getLevel());
    assertEquals(Level.WARNING, Logger.getLogger("io.grpc").getLevel());
    assertTrue(Logger.getLogger("io.grpc.internal.ServerImpl").isLoggable(Level.WARNING));
    assertEquals(false, Logger.getLogger("io.grpc.internal.ServerImpl").isLoggable(Level.INFO));
    assertEquals(false, Logger.getLogger("com.example").isLoggable(Level.FINE));
  }

  @Test
  void aJulRecordBecomesAJsonLine() {
    HclogLoggerFactory factory = out.factory("debug");
    SLF4JBridgeHandler bridge =
        new SLF4JBridgeHandler() {
          @Override
          protected org.slf4j.Logger getSLF4JLogger(LogRecord record) {
            return factory.getLogger(record.getLoggerName());
          }
        };
    Logger jul = Logger.getLogger("com.example.JulSource");
    jul.setLevel(Level.ALL);
    jul.setUseParentHandlers(false);
    jul.addHandler(bridge);
    try {
      jul.log(Level.WARNING, "Stream {0} closed", "s1");
      jul.log(Level.SEVERE, "Transport failed", new IllegalStateException("reset"));
      jul.info("Literal {} stays");
      jul.fine("Fine is debug, below info for this logger");
    } finally {
      jul.removeHandler(bridge);
      jul.setUseParentHandlers(true);
      jul.setLevel(null);
    }
    List<Map<String, String>> entries = out.entries();
    assertEquals(3, entries.size(), out::text);
    assertEquals("warn", entries.get(0).get("@level"));
    assertEquals("Stream s1 closed", entries.get(0).get("@message"));
    assertEquals("com.example.JulSource", entries.get(0).get("@module"));
    assertEquals("error", entries.get(1).get("@level"));
    assertEquals("java.lang.IllegalStateException: reset", entries.get(1).get("error"));
    assertEquals("info", entries.get(2).get("@level"));
    assertEquals("Literal {} stays", entries.get(2).get("@message"));
  }
}
