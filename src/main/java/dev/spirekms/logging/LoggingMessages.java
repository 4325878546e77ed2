package dev.spirekms.logging;

/**
 * Every Warn and Error message of the logging room. Each has an entry in docs/troubleshooting.md
 * (MessageCatalogueTest checks it).
 */
public final class LoggingMessages {
  private LoggingMessages() {}

  public static final String UNKNOWN_LEVEL = "Unknown log level, using the default";
}
