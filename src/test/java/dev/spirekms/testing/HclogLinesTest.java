package dev.spirekms.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HclogLinesTest {
  private static final String GOOD =
      "{\"@level\":\"info\",\"@message\":\"Key created\",\"@module\":\"aws_kms\","
          + "\"@timestamp\":\"2026-01-02T03:04:05.123456Z\",\"key_arn\":\"arn:x\"}";

  @Test
  void acceptsWhatTheGoSdkLoggerWrites() {
    assertNull(HclogLines.problem(GOOD));
    assertNull(
        HclogLines.problem(
            "{\"@level\":\"warn\",\"@message\":\"m\","
                + "\"@timestamp\":\"2026-01-02T03:04:05.000000+02:00\"}"));
    assertDoesNotThrow(() -> HclogLines.assertHclogLines(List.of(GOOD, GOOD)));
    assertDoesNotThrow(() -> HclogLines.assertHclogLines(List.of()));
  }

  @Test
  void rejectsWhatGoPluginWouldNotParse() {
    assertEquals("not JSON", HclogLines.problem("SLF4J(W): No SLF4J providers were found."));
    assertEquals("not a JSON object", HclogLines.problem("[1]"));
    assertEquals(
        "@level is missing or not a string",
        HclogLines.problem("{\"@level\":3,\"@message\":\"m\",\"@timestamp\":\"t\"}"));
    assertEquals(
        "@message is missing or not a string",
        HclogLines.problem("{\"@level\":\"info\",\"@timestamp\":\"t\"}"));
    assertTrue(
        HclogLines.problem(
                "{\"@level\":\"warning\",\"@message\":\"m\","
                    + "\"@timestamp\":\"2026-01-02T03:04:05.123456Z\"}")
            .startsWith("@level is not one of"));
    assertEquals(
        "@timestamp is not in go-plugin's layout",
        HclogLines.problem(
            "{\"@level\":\"info\",\"@message\":\"m\","
                + "\"@timestamp\":\"2026-01-02T03:04:05.123Z\"}"));
  }

  @Test
  void reportsEveryBadLine() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> HclogLines.assertHclogLines(List.of(GOOD, "plain text", "{}")));

    assertTrue(
        e.getMessage().startsWith("2 of 3 stderr lines are not hclog JSON:"), e.getMessage());
    assertTrue(e.getMessage().contains("not JSON: plain text"), e.getMessage());
  }
}
