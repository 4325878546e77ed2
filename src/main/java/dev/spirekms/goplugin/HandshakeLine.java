package dev.spirekms.goplugin;

/**
 * The line a plugin prints on stdout so that its go-plugin host knows where to connect, e.g. {@code
 * 1|1|unix|/tmp/plugin123/plugin.sock|grpc|}.
 */
public final class HandshakeLine {
  /** go-plugin CoreProtocolVersion: the host refuses any other. */
  static final int CORE_PROTOCOL_VERSION = 1;

  private HandshakeLine() {}

  /**
   * Formats {@code CORE|APP|NETWORK|ADDRESS|grpc|} without a line terminator. The sixth field, the
   * server certificate for automatic mTLS, is empty, as in Go plugins built with the SPIRE SDK.
   */
  public static String format(int appProtocolVersion, String network, String address) {
    if (!network.equals("unix") && !network.equals("tcp")) {
      throw new IllegalArgumentException("network must be unix or tcp, got " + network);
    }
    if (address.isEmpty() || address.contains("|") || address.contains("\n")) {
      throw new IllegalArgumentException("address cannot be put in a handshake line: " + address);
    }
    // the empty last field is the server certificate
    return String.join(
        "|",
        Integer.toString(CORE_PROTOCOL_VERSION),
        Integer.toString(appProtocolVersion),
        network,
        address,
        "grpc",
        "");
  }
}
