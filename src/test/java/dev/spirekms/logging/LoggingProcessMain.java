package dev.spirekms.logging;

import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Run in a child JVM by {@link LoggingProcessTest}: logs the way the plugin does, then exits. */
public final class LoggingProcessMain {
  private LoggingProcessMain() {}

  public static void main(String[] args) {
    Logging.install();
    Logger log = LoggerFactory.getLogger("dev.spirekms.keys.KmsKeyStore");
    log.atInfo()
        .addKeyValue("key_arn", "arn:aws:kms:eu-west-1:111122223333:key/k")
        .log("Key created");
    log.debug("Debug from the project");
    log.atError().setCause(new IllegalStateException("boom")).log("Failed to sign");

    Logger netty =
        LoggerFactory.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap");
    netty.warn("Unknown channel option 'SO_KEEPALIVE' for channel");
    netty.error("Netty error");

    java.util.logging.Logger grpc =
        java.util.logging.Logger.getLogger("io.grpc.internal.ServerImpl");
    grpc.info("Dropped by JUL: io.grpc is at WARNING");
    grpc.log(Level.WARNING, "Transport {0} failed", "t1");
    java.util.logging.Logger other = java.util.logging.Logger.getLogger("com.example.Other");
    other.fine("Dropped by JUL: the root is at INFO");
    other.info("Info through JUL");
    LoggerFactory.getLogger("com.example.Other").debug("Dropped: others write info and up");
  }
}
