package dev.spirekms.logging;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Renders throwables for the {@code error} and {@code stack} fields. */
final class Throwables {
  private static final String CAUSE_SEPARATOR = "; caused by: ";

  private Throwables() {}

  /**
   * Returns each throwable's {@code toString()} along the cause chain on one line, e.g. {@code
   * java.lang.IllegalStateException: boom; caused by: java.io.IOException: disk full}.
   */
  static String summary(Throwable thrown) {
    StringBuilder out = new StringBuilder();
    Set<Throwable> seen = identitySet();
    for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
      if (out.length() > 0) {
        out.append(CAUSE_SEPARATOR);
      }
      appendOnOneLine(out, describe(t));
    }
    return out.toString();
  }

  /**
   * Returns the stack trace in the JDK's layout ({@code at}, {@code ... n more}, {@code Caused
   * by:}, {@code Suppressed:}), built from the stack frames, lines separated by {@code \n}.
   */
  static String stackTrace(Throwable thrown) {
    StringBuilder out = new StringBuilder(1024);
    appendTrace(out, thrown, new StackTraceElement[0], "", "", identitySet());
    out.setLength(out.length() - 1);
    return out.toString();
  }

  private static void appendTrace(
      StringBuilder out,
      Throwable thrown,
      StackTraceElement[] enclosingTrace,
      String caption,
      String indent,
      Set<Throwable> seen) {
    if (!seen.add(thrown)) {
      out.append(indent).append(caption).append("[CIRCULAR REFERENCE: ");
      out.append(describe(thrown)).append("]\n");
      return;
    }
    StackTraceElement[] trace = thrown.getStackTrace();
    int last = trace.length - 1;
    int enclosingLast = enclosingTrace.length - 1;
    while (last >= 0 && enclosingLast >= 0 && trace[last].equals(enclosingTrace[enclosingLast])) {
      last--;
      enclosingLast--;
    }
    out.append(indent).append(caption).append(describe(thrown)).append('\n');
    for (int i = 0; i <= last; i++) {
      out.append(indent).append("\tat ").append(trace[i]).append('\n');
    }
    int framesInCommon = trace.length - 1 - last;
    if (framesInCommon > 0) {
      out.append(indent).append("\t... ").append(framesInCommon).append(" more\n");
    }
    for (Throwable suppressed : thrown.getSuppressed()) {
      appendTrace(out, suppressed, trace, "Suppressed: ", indent + "\t", seen);
    }
    Throwable cause = thrown.getCause();
    if (cause != null) {
      appendTrace(out, cause, trace, "Caused by: ", indent, seen);
    }
  }

  /** The throwable's {@code toString()}, or its class name when that throws. */
  private static String describe(Throwable thrown) {
    try {
      return String.valueOf(thrown);
    } catch (RuntimeException e) {
      return thrown.getClass().getName();
    }
  }

  /**
   * Appends {@code text} with each line break ({@code \r\n}, {@code \r}, {@code \n}) as a space.
   */
  private static void appendOnOneLine(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        continue;
      }
      out.append(c == '\r' || c == '\n' ? ' ' : c);
    }
  }

  private static Set<Throwable> identitySet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }
}
