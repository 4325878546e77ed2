package dev.spirekms.logging;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Process-wide logging set-up.
 *
 * <p>Code logs through SLF4J; the provider in this package writes each line as hclog JSON to the
 * process's standard error, where SPIRE picks it up. Data goes in fields, not in the message:
 *
 * <pre>{@code
 * log.atInfo().addKeyValue("key_arn", arn).log("Key created");
 * log.atWarn().addKeyValue("reason", reason).setCause(e).log("Failed to clean up old KMS keys");
 * }</pre>
 */
public final class Logging {
  /** The environment variable that sets the level of this project's loggers. */
  public static final String LEVEL_ENV_VAR = LogLevels.ENV_VAR;

  // java.util.logging holds named loggers weakly; without this reference the level could be lost.
  private static Logger julGrpc;

  private Logging() {}

  /**
   * Routes java.util.logging (used by grpc-java) through SLF4J, dropping JUL's own console handler,
   * and sets JUL's levels so that records below them are dropped before anything formats them:
   * {@code INFO} at the root, {@code WARNING} for {@code io.grpc}. Call once, first thing in the
   * serving process; calling again changes nothing.
   */
  public static synchronized void install() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    LogManager.getLogManager().getLogger("").setLevel(Level.INFO);
    julGrpc = Logger.getLogger("io.grpc");
    julGrpc.setLevel(Level.WARNING);
  }
}
