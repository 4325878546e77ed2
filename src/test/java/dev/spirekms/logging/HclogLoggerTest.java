package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.event.DefaultLoggingEvent;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.NOPLoggingEventBuilder;

class HclogLoggerTest {
  private static final String MODULE = "dev.spirekms.keys.KmsKeyStore";

  private final CapturedLines out = new CapturedLines();

  private Logger logger(String levelSetting) {
    return out.factory(levelSetting).getLogger(MODULE);
  }

  @Test
  void writesTheExactHclogLine() {
    logger("debug")
        .atInfo()
        .addKeyValue("key_arn", "arn:aws:kms:eu-west-1:1:key/k")
        .log("Key created");
    assertEquals(
        "{\"@level\":\"info\",\"@message\":\"Key created\",\"@module\":\""
            + MODULE
            + "\","
            + "\"@timestamp\":\"2026-11-23T02:10:43.123456Z\","
            + "\"key_arn\":\"arn:aws:kms:eu-west-1:1:key/k\"}\n",
        out.text());
  }

  @ParameterizedTest
  @EnumSource(Level.class)
  void everyLevelIsWrittenUnderItsHclogName(Level level) {
    Logger logger = logger("trace");
    String name = level.name().toLowerCase();
    switch (level) {
      case TRACE:
        logger.trace("classic");
        break;
      case DEBUG:
        logger.debug("classic");
        break;
      case INFO:
        logger.info("classic");
        break;
      case WARN:
        logger.warn("classic");
        break;
      default:
        logger.error("classic");
    }
    logger.atLevel(level).log("fluent");
    logger.makeLoggingEventBuilder(level).log("builder");

    List<Map<String, String>> entries = out.entries();
    assertEquals(3, entries.size());
    for (Map<String, String> entry : entries) {
      assertEquals(name, entry.get("@level"));
      assertEquals(MODULE, entry.get("@module"));
      assertEquals(CapturedLines.NOW_TEXT, entry.get("@timestamp"));
      assertEquals(
          List.of("@level", "@message", "@module", "@timestamp"), List.copyOf(entry.keySet()));
    }
    assertEquals("classic", entries.get(0).get("@message"));
    assertEquals("fluent", entries.get(1).get("@message"));
  }

  @Test
  void placeholdersAreFilledTheSlf4jWay() {
    Logger logger = logger("debug");
    logger.info("Deleted {} of {} keys", 3, 5);
    logger.info("one {}", "arg");
    logger.info("{} {} {}", "a", "b", "c");
    logger.info("no arguments keeps {} as is");
    logger.info("escaped \\{} stays", "x");
    logger.info("array {}", (Object) new int[] {1, 2});
    logger.atInfo().log("fluent {} and {}", "x", 7);
    logger.atInfo().addArgument("late").log("added {}");
    logger.atInfo().setMessage(() -> "supplied").log();
    logger.info(null);
    List<String> messages = messages();
    assertEquals(
        List.of(
            "Deleted 3 of 5 keys",
            "one arg",
            "a b c",
            "no arguments keeps {} as is",
            "escaped {} stays",
            "array [1, 2]",
            "fluent x and 7",
            "added late",
            "supplied",
            "null"),
        messages);
  }

  @Test
  void keyValuesBecomeStringFields() {
    Object failing =
        new Object() {
          @Override
          public String toString() {
            throw new IllegalStateException("no text");
          }
        };
    logger("debug")
        .atInfo()
        .addKeyValue("count", 3)
        .addKeyValue("enabled", true)
        .addKeyValue("nothing", (Object) null)
        .addKeyValue(null, "null key")
        .addKeyValue("lazy", () -> "from supplier")
        .addKeyValue("broken", failing)
        .addKeyValue("multi\nline", "a\"b\\c")
        .log("Fields");
    Map<String, String> entry = out.only();
    assertEquals("3", entry.get("count"));
    assertEquals("true", entry.get("enabled"));
    assertEquals("null", entry.get("nothing"));
    assertEquals("null key", entry.get("null"));
    assertEquals("from supplier", entry.get("lazy"));
    assertEquals("[toString failed: java.lang.IllegalStateException]", entry.get("broken"));
    assertEquals("a\"b\\c", entry.get("multi\nline"));
  }

  @Test
  void fieldsCannotReplaceReservedKeys() {
    out.mdc.put("@message", "from mdc");
    logger("debug")
        .atWarn()
        .addKeyValue("@level", "error")
        .addKeyValue("@message", "forged")
        .addKeyValue("@timestamp", 12)
        .addKeyValue("@module", "other")
        .addKeyValue("@caller", "kept as is")
        .log("Real message");
    Map<String, String> entry = out.only();
    assertEquals("warn", entry.get("@level"));
    assertEquals("Real message", entry.get("@message"));
    assertEquals(CapturedLines.NOW_TEXT, entry.get("@timestamp"));
    assertEquals(MODULE, entry.get("@module"));
    assertEquals("error", entry.get("_@level"));
    assertEquals("forged", entry.get("_@message"));
    assertEquals("12", entry.get("_@timestamp"));
    assertEquals("other", entry.get("_@module"));
    assertEquals("kept as is", entry.get("@caller"));
  }

  @Test
  void theLastValueForAKeyWinsAndTheKeyKeepsItsPlace() {
    out.mdc.put("request_id", "from mdc");
    out.mdc.put("a_first", "mdc");
    logger("debug")
        .atInfo()
        .addKeyValue("a", "1")
        .addKeyValue("b", "2")
        .addKeyValue("a", "3")
        .addKeyValue("request_id", "from pair")
        .addKeyValue("@level", "x")
        .addKeyValue("_@level", "y")
        .log("Duplicates");
    Map<String, String> entry = out.only();
    assertEquals(
        List.of(
            "@level",
            "@message",
            "@module",
            "@timestamp",
            "a_first",
            "request_id",
            "a",
            "b",
            "_@level"),
        List.copyOf(entry.keySet()));
    assertEquals("3", entry.get("a"));
    assertEquals("from pair", entry.get("request_id"));
    assertEquals("y", entry.get("_@level"));
  }

  @Test
  void mdcEntriesBecomeFieldsSortedByKey() {
    out.mdc.put("zone", "z");
    out.mdc.put("alias", "a");
    logger("debug").info("With context");
    out.mdc.clear();
    logger("debug").info("Without context");
    List<Map<String, String>> entries = out.entries();
    assertEquals(
        List.of("@level", "@message", "@module", "@timestamp", "alias", "zone"),
        List.copyOf(entries.get(0).keySet()));
    assertEquals(4, entries.get(1).size());
  }

  @Test
  void aThrowableAddsErrorAndAtDebugAStack() {
    Exception failure = new IllegalStateException("boom", new IOException("disk full"));
    logger("debug").error("Failed to sign", failure);
    Map<String, String> entry = out.only();
    assertEquals("Failed to sign", entry.get("@message"));
    assertEquals(
        "java.lang.IllegalStateException: boom; caused by: java.io.IOException: disk full",
        entry.get("error"));
    String stack = entry.get("stack");
    assertTrue(stack.startsWith("java.lang.IllegalStateException: boom\n\tat "), stack);
    assertTrue(stack.contains("\tat dev.spirekms.logging.HclogLoggerTest."), stack);
    assertTrue(stack.contains("\nCaused by: java.io.IOException: disk full\n"), stack);
  }

  @Test
  void aboveDebugThrowablesCarryNoStack() {
    logger("info").error("Failed to sign", new IllegalStateException("boom"));
    out.factory("trace")
        .getLogger("software.amazon.awssdk.core")
        .warn("x", new RuntimeException("y"));
    for (Map<String, String> entry : out.entries()) {
      assertFalse(entry.containsKey("stack"), entry.toString());
      assertTrue(entry.get("error").startsWith("java.lang."), entry.toString());
    }
    assertEquals(2, out.entries().size());
  }

  @Test
  void everyWayOfPassingAThrowableIsRecognised() {
    Logger logger = logger("info");
    Exception failure = new IllegalArgumentException("bad");
    logger.warn("two {}", "args", failure);
    logger.warn("{} {} {}", "three", "args", failure);
    logger.atWarn().setCause(failure).log("fluent cause");
    logger.atWarn().log("fluent trailing {}", "arg", failure);
    logger.warn(new BasicMarkerFactory().getMarker("M"), "with marker", failure);
    List<Map<String, String>> entries = out.entries();
    assertEquals(
        List.of("two args", "three args {}", "fluent cause", "fluent trailing arg", "with marker"),
        messages());
    for (Map<String, String> entry : entries) {
      assertEquals("java.lang.IllegalArgumentException: bad", entry.get("error"));
    }
  }

  @Test
  void levelsBelowTheThresholdAreNotWritten() {
    Logger logger = logger("warn");
    logger.trace("t");
    logger.debug("d");
    logger.info("i");
    logger.info("i {}", "x");
    logger.atInfo().addKeyValue("k", "v").log("fluent i");
    logger.atDebug().log("fluent d");
    logger.warn("w");
    logger.error("e");
    assertEquals(List.of("w", "e"), messages());
    assertTrue(logger.atInfo() instanceof NOPLoggingEventBuilder);
    assertFalse(logger.isInfoEnabled());
    assertTrue(logger.isWarnEnabled());
  }

  @Test
  void anEventBelowTheThresholdHandedOverDirectlyIsNotWritten() {
    HclogLogger logger = (HclogLogger) logger("info");
    logger.log(new DefaultLoggingEvent(Level.DEBUG, logger));
    DefaultLoggingEvent info = new DefaultLoggingEvent(Level.INFO, logger);
    info.setMessage("Handed over");
    logger.log(info);
    assertEquals(List.of("Handed over"), messages());
  }

  @Test
  void enabledChecksFollowTheThresholdWithOrWithoutMarker() {
    HclogLoggerFactory factory = out.factory("info");
    Logger project = factory.getLogger("dev.spirekms.cli.Main");
    Logger netty = factory.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap");
    var marker = new BasicMarkerFactory().getMarker("M");
    assertEquals(
        List.of(false, false, true, true, true),
        List.of(
            project.isTraceEnabled(),
            project.isDebugEnabled(),
            project.isInfoEnabled(),
            project.isWarnEnabled(),
            project.isErrorEnabled()));
    assertEquals(
        List.of(false, false, true, true, true),
        List.of(
            project.isTraceEnabled(marker),
            project.isDebugEnabled(marker),
            project.isInfoEnabled(marker),
            project.isWarnEnabled(marker),
            project.isErrorEnabled(marker)));
    assertEquals(
        List.of(false, false, false, false, true),
        List.of(
            netty.isTraceEnabled(marker),
            netty.isDebugEnabled(marker),
            netty.isInfoEnabled(marker),
            netty.isWarnEnabled(marker),
            netty.isErrorEnabled()));
    netty.warn("Unknown channel option 'SO_KEEPALIVE' for channel");
    netty.error("Netty failed");
    assertEquals(List.of("Netty failed"), messages());
  }

  @Test
  void aFactoryHandsOutOneLoggerPerName() {
    HclogLoggerFactory factory = out.factory("debug");
    assertTrue(factory.getLogger("a.B") == factory.getLogger("a.B"));
    assertEquals("a.B", factory.getLogger("a.B").getName());
  }

  @Test
  void anUnnamedLoggerWritesNoModule() {
    out.factory("debug").getLogger("").info("Anonymous");
    assertFalse(out.only().containsKey("@module"));
  }

  @Test
  void nothingReachesStandardOutOrSystemErr() {
    PrintStream realOut = System.out;
    PrintStream realErr = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      Logger logger = logger("trace");
      for (Level level : Level.values()) {
        logger.atLevel(level).addKeyValue("k", "v").setCause(new RuntimeException("x")).log("m");
      }
      out.factory("verbose").reportRejectedLevel();
    } finally {
      System.setOut(realOut);
      System.setErr(realErr);
    }
    assertEquals(0, stdout.size(), () -> stdout.toString(StandardCharsets.UTF_8));
    assertEquals(0, stderr.size(), () -> stderr.toString(StandardCharsets.UTF_8));
    assertEquals(6, out.lines().size());
  }

  @Test
  void anUnknownLevelSettingIsReportedOnceAsAWarning() {
    HclogLoggerFactory factory = out.factory("verbose");
    factory.reportRejectedLevel();
    Map<String, String> entry = out.only();
    assertEquals("warn", entry.get("@level"));
    assertEquals("Unknown log level, using the default", entry.get("@message"));
    assertEquals("dev.spirekms.logging", entry.get("@module"));
    assertEquals("SPIRE_AWS_KMS_LOG_LEVEL", entry.get("env_var"));
    assertEquals("verbose", entry.get("value"));
    assertEquals("debug", entry.get("default"));
    assertTrue(factory.getLogger(MODULE).isDebugEnabled());
  }

  @Test
  void aKnownLevelSettingIsNotReported() {
    out.factory("info").reportRejectedLevel();
    out.factory(null).reportRejectedLevel();
    assertEquals("", out.text());
  }

  private List<String> messages() {
    return out.entries().stream().map(entry -> entry.get("@message")).toList();
  }
}
