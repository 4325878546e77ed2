package dev.spirekms.lifecycle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventAware;

/** A logger that keeps every line, with its fields, for assertions. All levels are enabled. */
final class CapturedLog extends LegacyAbstractLogger implements LoggingEventAware {
  private static final long serialVersionUID = 1L;

  /** One captured line. */
  record Line(Level level, String message, Map<String, String> fields, Throwable cause) {
    String field(String key) {
      return fields.get(key);
    }

    @Override
    public String toString() {
      return level + " " + message + " " + fields;
    }
  }

  private final List<Line> lines = new ArrayList<>();

  CapturedLog() {
    this.name = "captured";
  }

  @Override
  public synchronized void log(LoggingEvent event) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        fields.put(kv.key, String.valueOf(kv.value));
      }
    }
    lines.add(new Line(event.getLevel(), event.getMessage(), fields, event.getThrowable()));
  }

  @Override
  protected synchronized void handleNormalizedLoggingCall(
      Level level, Marker marker, String message, Object[] args, Throwable cause) {
    lines.add(new Line(level, message, Map.of(), cause));
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  public boolean isTraceEnabled() {
    return true;
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  synchronized List<Line> lines() {
    return List.copyOf(lines);
  }

  synchronized List<Line> matching(Predicate<Line> filter) {
    return lines.stream().filter(filter).toList();
  }

  /** Lines with exactly this message. */
  List<Line> withMessage(String message) {
    return matching(l -> l.message().equals(message));
  }

  /** Lines at this level or above. */
  List<Line> atLeast(Level level) {
    return matching(l -> l.level().toInt() >= level.toInt());
  }

  synchronized void clear() {
    lines.clear();
  }
}
