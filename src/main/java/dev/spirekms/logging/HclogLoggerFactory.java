package dev.spirekms.logging;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.spi.MDCAdapter;

/** Hands out {@link HclogLogger}s and writes their lines. */
final class HclogLoggerFactory implements ILoggerFactory {
  private static final String ERROR_FIELD = "error";
  private static final String STACK_FIELD = "stack";

  private final ConcurrentMap<String, HclogLogger> loggers = new ConcurrentHashMap<>();
  private final LogLevels levels;
  private final Clock clock;
  private final MDCAdapter mdc;
  private final HclogLineEncoder encoder;
  private final LineSink sink;

  HclogLoggerFactory(
      LogLevels levels, Clock clock, MDCAdapter mdc, HclogLineEncoder encoder, LineSink sink) {
    this.levels = levels;
    this.clock = clock;
    this.mdc = mdc;
    this.encoder = encoder;
    this.sink = sink;
  }

  @Override
  public Logger getLogger(String name) {
    return loggers.computeIfAbsent(name, n -> new HclogLogger(n, levels.thresholdFor(n), this));
  }

  /** Writes one warning line if the level setting was not understood. */
  void reportRejectedLevel() {
    String rejected = levels.rejectedValue();
    if (rejected != null) {
      getLogger(HclogLoggerFactory.class.getPackageName())
          .atWarn()
          .addKeyValue("env_var", LogLevels.ENV_VAR)
          .addKeyValue("value", rejected)
          .addKeyValue("default", LogLevels.hclogName(LogLevels.PROJECT_DEFAULT))
          .log(LoggingMessages.UNKNOWN_LEVEL);
    }
  }

  /**
   * Writes one line: MDC entries (sorted by key), then key-value pairs, then {@code error} and,
   * when the logger writes debug lines, {@code stack}.
   */
  void write(
      HclogLogger logger, Level level, String message, List<KeyValuePair> pairs, Throwable thrown) {
    LogFields fields = new LogFields();
    Map<String, String> context = mdc.getCopyOfContextMap();
    if (context != null && !context.isEmpty()) {
      new TreeMap<>(context).forEach(fields::put);
    }
    for (KeyValuePair pair : pairs) {
      fields.put(pair.key, pair.value);
    }
    if (thrown != null) {
      fields.put(ERROR_FIELD, Throwables.summary(thrown));
      if (logger.writesStacks()) {
        fields.put(STACK_FIELD, Throwables.stackTrace(thrown));
      }
    }
    sink.write(
        encoder.encode(
            clock.instant(), level, logger.getName(), String.valueOf(message), fields.asMap()));
  }
}
