package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.Level;

class LogLevelsTest {
  @ParameterizedTest
  @CsvSource({
    "trace, TRACE",
    "debug, DEBUG",
    "info, INFO",
    "warn, WARN",
    "error, ERROR",
    "WARN, WARN",
    "Trace, TRACE",
    "' error ', ERROR",
  })
  void knownSettingsSetTheProjectLevel(String setting, Level expected) {
    LogLevels levels = LogLevels.fromSetting(setting);
    assertEquals(expected, levels.thresholdFor("dev.spirekms.keys.KmsKeyStore"));
    assertNull(levels.rejectedValue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"warning", "verbose", "off", "all", "3", "debug,info"})
  void unknownSettingsFallBackToDebugAndAreKept(String setting) {
    LogLevels levels = LogLevels.fromSetting(setting);
    assertEquals(Level.DEBUG, levels.thresholdFor("dev.spirekms.keys.KmsKeyStore"));
    assertEquals(setting, levels.rejectedValue());
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "  "})
  void anUnsetSettingMeansTheDefaultWithoutComplaint(String setting) {
    LogLevels levels = LogLevels.fromSetting(setting);
    assertEquals(Level.DEBUG, levels.thresholdFor("dev.spirekms"));
    assertNull(levels.rejectedValue());
  }

  @Test
  void theEnvironmentVariableIsNamedForTheProject() {
    assertEquals("SPIRE_AWS_KMS_LOG_LEVEL", LogLevels.ENV_VAR);
    assertEquals(LogLevels.ENV_VAR, Logging.LEVEL_ENV_VAR);
  }

  @ParameterizedTest
  @CsvSource({
    "dev.spirekms, TRACE",
    "dev.spirekms.keys.KmsKeyStore, TRACE",
    "dev.spirekmsx.Other, INFO",
    "dev.spirekm, INFO",
    "io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap, ERROR",
    "io.grpc.netty.shaded.io.netty, ERROR",
    "io.grpc.netty.shaded.io.nettyx, INFO",
    "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler, INFO",
    "io.grpc.internal.ServerImpl, INFO",
    "software.amazon.awssdk.request, INFO",
    "ROOT, INFO",
    "'', INFO",
  })
  void thresholdsFollowPackageBoundaries(String loggerName, Level expected) {
    assertEquals(expected, LogLevels.fromSetting("trace").thresholdFor(loggerName));
  }

  @ParameterizedTest
  @EnumSource(Level.class)
  void hclogNamesAreLowerCaseAndWarnIsNotWarning(Level level) {
    String expected =
        Map.of(
                Level.TRACE, "trace",
                Level.DEBUG, "debug",
                Level.INFO, "info",
                Level.WARN, "warn",
                Level.ERROR, "error")
            .get(level);
    assertEquals(expected, LogLevels.hclogName(level));
  }
}
