package dev.spirekms.goplugin;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a go-plugin host told the plugin process through its environment: the negotiated app
 * protocol version, the TCP port range and the directory for the unix socket.
 */
public final class PluginEnvironment {
  // go-plugin server.go: the env var names read by a plugin process
  static final String PROTOCOL_VERSIONS = "PLUGIN_PROTOCOL_VERSIONS";
  static final String MIN_PORT = "PLUGIN_MIN_PORT";
  static final String MAX_PORT = "PLUGIN_MAX_PORT";
  static final String UNIX_SOCKET_DIR = "PLUGIN_UNIX_SOCKET_DIR";

  private static final int MAX_TCP_PORT = 65_535;

  private final String pluginType;
  private final int appProtocolVersion;
  private final int minPort;
  private final int maxPort;
  private final Optional<Path> unixSocketDir;

  private PluginEnvironment(
      String pluginType,
      int appProtocolVersion,
      int minPort,
      int maxPort,
      Optional<Path> unixSocketDir) {
    this.pluginType = pluginType;
    this.appProtocolVersion = appProtocolVersion;
    this.minPort = minPort;
    this.maxPort = maxPort;
    this.unixSocketDir = unixSocketDir;
  }

  /**
   * Whether the magic cookie is present: SPIRE sets the env var named after the plugin type to the
   * plugin type itself (SPIRE pkg/common/catalog: MagicCookieKey = MagicCookieValue = type).
   */
  public static boolean hasMagicCookie(String pluginType, Map<String, String> env) {
    return pluginType.equals(env.get(pluginType));
  }

  /**
   * Reads the environment of a plugin process.
   *
   * @param pluginType the SPIRE plugin type, e.g. {@code KeyManager}; also the magic cookie
   * @param supportedAppVersions the app protocol versions this plugin can speak, at least one
   * @throws PluginEnvironmentException if the cookie is missing or a value is malformed
   */
  public static PluginEnvironment parse(
      String pluginType, Map<String, String> env, int... supportedAppVersions) {
    Objects.requireNonNull(pluginType, "pluginType");
    if (supportedAppVersions.length == 0) {
      throw new IllegalArgumentException("at least one supported app protocol version is required");
    }
    if (!hasMagicCookie(pluginType, env)) {
      throw new PluginEnvironmentException(
          String.format(GoPluginMessages.MAGIC_COOKIE_MISSING, pluginType, pluginType));
    }
    int version = negotiateVersion(env.getOrDefault(PROTOCOL_VERSIONS, ""), supportedAppVersions);
    int minPort = port(env, MIN_PORT);
    int maxPort = port(env, MAX_PORT);
    if (minPort > maxPort) {
      throw new PluginEnvironmentException(
          String.format(
              GoPluginMessages.PORT_RANGE_REVERSED, MIN_PORT, minPort, MAX_PORT, maxPort));
    }
    String dir = env.getOrDefault(UNIX_SOCKET_DIR, "");
    Optional<Path> socketDir = dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir));
    return new PluginEnvironment(pluginType, version, minPort, maxPort, socketDir);
  }

  /**
   * Picks the highest version both sides support; when there is none, picks our lowest and lets the
   * host report the mismatch (go-plugin server.go protocolVersion).
   */
  static int negotiateVersion(String offered, int... supported) {
    int[] ours = supported.clone();
    Arrays.sort(ours);
    int best = -1;
    for (String item : offered.split(",", -1)) {
      String trimmed = item.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int candidate;
      try {
        candidate = Integer.parseInt(trimmed);
      } catch (NumberFormatException e) {
        // go-plugin skips entries it cannot parse, so do we
        continue;
      }
      if (candidate > best && Arrays.binarySearch(ours, candidate) >= 0) {
        best = candidate;
      }
    }
    return best >= 0 ? best : ours[0];
  }

  private static int port(Map<String, String> env, String name) {
    String value = env.getOrDefault(name, "").trim();
    if (value.isEmpty()) {
      // go-plugin: an unset bound is 0, so an unset range means "any free port"
      return 0;
    }
    int port;
    try {
      port = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new PluginEnvironmentException(
          String.format(GoPluginMessages.PORT_NOT_A_NUMBER, name, value));
    }
    if (port < 0 || port > MAX_TCP_PORT) {
      throw new PluginEnvironmentException(
          String.format(GoPluginMessages.PORT_OUT_OF_RANGE, name, MAX_TCP_PORT, port));
    }
    return port;
  }

  /** The plugin type, which is also the magic cookie's name and value. */
  public String pluginType() {
    return pluginType;
  }

  /** The app protocol version to announce in the handshake. */
  public int appProtocolVersion() {
    return appProtocolVersion;
  }

  /** Lowest TCP port for the fallback listener; 0 means any free port. */
  public int minPort() {
    return minPort;
  }

  /** Highest TCP port for the fallback listener; 0 means any free port. */
  public int maxPort() {
    return maxPort;
  }

  /** Where to create the socket's directory; empty means the system temp directory. */
  public Optional<Path> unixSocketDir() {
    return unixSocketDir;
  }

  @Override
  public String toString() {
    return "PluginEnvironment[pluginType="
        + pluginType
        + ", appProtocolVersion="
        + appProtocolVersion
        + ", ports="
        + minPort
        + ".."
        + maxPort
        + ", unixSocketDir="
        + unixSocketDir.map(Path::toString).orElse("")
        + "]";
  }
}
