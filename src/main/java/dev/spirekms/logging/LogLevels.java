package dev.spirekms.logging;

import java.util.Locale;
import org.slf4j.event.Level;

/** Which levels are enabled for which loggers, and how they are named in hclog lines. */
final class LogLevels {
  static final String ENV_VAR = "SPIRE_AWS_KMS_LOG_LEVEL";
  static final String PROJECT_PREFIX = "dev.spirekms";
  static final Level PROJECT_DEFAULT = Level.DEBUG;
  static final Level OTHERS = Level.INFO;
  // grpc sets SO_KEEPALIVE, which unix sockets lack, and Netty warns about it on every connection.
  static final String NETTY_PREFIX = "io.grpc.netty.shaded.io.netty";
  static final Level NETTY = Level.ERROR;

  private final Level project;
  private final String rejectedValue;

  private LogLevels(Level project, String rejectedValue) {
    this.project = project;
    this.rejectedValue = rejectedValue;
  }

  /**
   * Parses the value of {@link #ENV_VAR}: {@code trace|debug|info|warn|error}, ignoring case and
   * surrounding blanks. An unset or blank setting means the default; an unknown one means the
   * default too, and is remembered so that it can be reported.
   */
  static LogLevels fromSetting(String setting) {
    if (setting == null || setting.isBlank()) {
      return new LogLevels(PROJECT_DEFAULT, null);
    }
    switch (setting.strip().toLowerCase(Locale.ROOT)) {
      case "trace":
        return new LogLevels(Level.TRACE, null);
      case "debug":
        return new LogLevels(Level.DEBUG, null);
      case "info":
        return new LogLevels(Level.INFO, null);
      case "warn":
        return new LogLevels(Level.WARN, null);
      case "error":
        return new LogLevels(Level.ERROR, null);
      default:
        return new LogLevels(PROJECT_DEFAULT, setting);
    }
  }

  /** The least severe level that {@code loggerName} writes. */
  Level thresholdFor(String loggerName) {
    if (isUnder(loggerName, PROJECT_PREFIX)) {
      return project;
    }
    if (isUnder(loggerName, NETTY_PREFIX)) {
      return NETTY;
    }
    return OTHERS;
  }

  /** The setting that was not understood, or null when there was none. */
  String rejectedValue() {
    return rejectedValue;
  }

  // go-plugin matches these names case-insensitively and drops anything else, e.g. "warning"
  // (hclog LevelFromString).
  static String hclogName(Level level) {
    switch (level) {
      case TRACE:
        return "trace";
      case DEBUG:
        return "debug";
      case INFO:
        return "info";
      case WARN:
        return "warn";
      default:
        return "error";
    }
  }

  private static boolean isUnder(String name, String prefix) {
    return name.startsWith(prefix)
        && (name.length() == prefix.length() || name.charAt(prefix.length()) == '.');
  }
}
