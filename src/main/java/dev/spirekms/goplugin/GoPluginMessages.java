package dev.spirekms.goplugin;

/**
 * Every message of the go-plugin room that an operator can see: Warn and Error log messages, and
 * the reasons logged with them. Each has an entry in docs/troubleshooting.md (MessageCatalogueTest
 * checks it); {@code %s} and {@code %d} are the values filled in.
 */
public final class GoPluginMessages {
  private GoPluginMessages() {}

  // Error log lines of a plugin that stops before or at its handshake
  public static final String CANNOT_START = "Plugin cannot start";
  public static final String NOT_CREATED = "Plugin could not be created";
  public static final String SERVER_NOT_STARTED = "Plugin server could not start";
  public static final String NOT_ANNOUNCED = "Plugin could not announce itself";
  public static final String STOP_TIMED_OUT = "Plugin did not stop in time; exiting now";

  // Warn log lines
  public static final String NOT_CLOSED_CLEANLY = "Plugin did not close cleanly";
  public static final String SOCKET_DIRECTORY_NOT_REMOVED =
      "Could not remove the plugin socket directory";
  public static final String TCP_FALLBACK =
      "Unix sockets are not available; serving on loopback TCP instead";
  public static final String CALLS_CANCELLED =
      "Calls still running after the grace period were cancelled";

  // reasons of "Plugin cannot start" (the environment SPIRE set)
  public static final String MAGIC_COOKIE_MISSING =
      "environment variable %s must be set to %s: this program is a plugin and is started by its"
          + " host, not run directly";
  public static final String PORT_RANGE_REVERSED = "%s (%d) is greater than %s (%d)";
  public static final String PORT_NOT_A_NUMBER = "%s must be a port number, got \"%s\"";
  public static final String PORT_OUT_OF_RANGE = "%s must be between 0 and %d, got %d";

  // reasons of "Plugin server could not start"
  public static final String NO_SOCKET_DIRECTORY = "no usable directory for the plugin socket: %s";
  public static final String SOCKET_PATH_TOO_LONG =
      "socket path %s is %d bytes, more than the %d a unix socket allows";
  public static final String SOCKET_PATH_UNANNOUNCEABLE =
      "socket path %s contains a character the handshake line cannot carry";
  public static final String NO_FREE_TCP_PORT = "no free TCP port on 127.0.0.1 between %d and %d";
}
