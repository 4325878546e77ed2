package dev.spirekms.logging;

import java.time.Clock;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J 2 provider that writes every log line as hclog JSON to the process's standard error,
 * found by SLF4J through {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider}.
 *
 * <p>Levels: {@code dev.spirekms} loggers write {@code debug} and up unless {@code
 * SPIRE_AWS_KMS_LOG_LEVEL} says otherwise ({@code trace|debug|info|warn|error}); Netty writes
 * errors only; everything else writes {@code info} and up.
 */
public final class HclogServiceProvider implements SLF4JServiceProvider {
  // SLF4J 2.0.x accepts providers that ask for any 2.0 version.
  private static final String REQUESTED_API_VERSION = "2.0.99";

  private final IMarkerFactory markerFactory = new BasicMarkerFactory();
  private final MDCAdapter mdcAdapter = new BasicMDCAdapter();
  private final String levelSetting;
  private final LineSink sink;
  private HclogLoggerFactory loggerFactory;

  /** Called by SLF4J's service loading, right before {@link #initialize()}. */
  public HclogServiceProvider() {
    this(System.getenv(LogLevels.ENV_VAR), LineSink.standardError());
  }

  HclogServiceProvider(String levelSetting, LineSink sink) {
    this.levelSetting = levelSetting;
    this.sink = sink;
  }

  @Override
  public void initialize() {
    loggerFactory =
        new HclogLoggerFactory(
            LogLevels.fromSetting(levelSetting),
            Clock.systemUTC(),
            mdcAdapter,
            new HclogLineEncoder(),
            sink);
    loggerFactory.reportRejectedLevel();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggerFactory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markerFactory;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdcAdapter;
  }

  @Override
  public String getRequestedApiVersion() {
    return REQUESTED_API_VERSION;
  }
}
