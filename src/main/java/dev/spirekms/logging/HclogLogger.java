package dev.spirekms.logging;

import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * An SLF4J logger writing hclog JSON lines. Implementing {@link LoggingEventAware} makes SLF4J hand
 * over fluent-API events whole, so their key-value pairs become fields instead of message text.
 */
final class HclogLogger extends AbstractLogger implements LoggingEventAware {
  private static final long serialVersionUID = 1L;

  private final int threshold;
  private final transient HclogLoggerFactory factory;

  HclogLogger(String name, Level threshold, HclogLoggerFactory factory) {
    this.name = name;
    this.threshold = threshold.toInt();
    this.factory = factory;
  }

  @Override
  public boolean isTraceEnabled() {
    return isEnabled(Level.TRACE);
  }

  @Override
  public boolean isTraceEnabled(Marker marker) {
    return isEnabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return isEnabled(Level.DEBUG);
  }

  @Override
  public boolean isDebugEnabled(Marker marker) {
    return isEnabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return isEnabled(Level.INFO);
  }

  @Override
  public boolean isInfoEnabled(Marker marker) {
    return isEnabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return isEnabled(Level.WARN);
  }

  @Override
  public boolean isWarnEnabled(Marker marker) {
    return isEnabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return isEnabled(Level.ERROR);
  }

  @Override
  public boolean isErrorEnabled(Marker marker) {
    return isEnabled(Level.ERROR);
  }

  @Override
  public void log(LoggingEvent event) {
    if (!isEnabled(event.getLevel())) {
      return;
    }
    Object[] arguments = event.getArgumentArray();
    Throwable thrown = event.getThrowable();
    if (thrown == null) {
      // as in the classic API, a trailing throwable argument is the cause
      thrown = MessageFormatter.getThrowableCandidate(arguments);
      if (thrown != null) {
        arguments = MessageFormatter.trimmedCopy(arguments);
      }
    }
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    factory.write(
        this,
        event.getLevel(),
        MessageFormatter.basicArrayFormat(event.getMessage(), arguments),
        pairs == null ? List.of() : pairs,
        thrown);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
    factory.write(
        this, level, MessageFormatter.basicArrayFormat(pattern, arguments), List.of(), thrown);
  }

  /** Whether throwables logged here carry a {@code stack} field: when debug lines are written. */
  boolean writesStacks() {
    return isEnabled(Level.DEBUG);
  }

  private boolean isEnabled(Level level) {
    return level.toInt() >= threshold;
  }
}
