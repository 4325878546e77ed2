package dev.spirekms.testing;

import java.util.Arrays;
import java.util.List;

/**
 * A go-plugin handshake line as a host reads it: {@code CORE|APP|NETWORK|ADDRESS|PROTOCOL[|...]}.
 *
 * @param line the line as read, without its terminator
 */
public record Handshake(
    int coreVersion, int appVersion, String network, String address, String protocol, String line) {

  /**
   * Parses a line the way go-plugin's client does (trim, split on '|'), but stricter: it also
   * requires the protocol field, since SPIRE accepts only grpc.
   */
  public static Handshake parse(String line) {
    List<String> parts = Arrays.asList(line.trim().split("\\|", -1));
    if (parts.size() < 5) {
      throw new IllegalArgumentException("not a go-plugin handshake line: \"" + line + "\"");
    }
    try {
      return new Handshake(
          Integer.parseInt(parts.get(0)),
          Integer.parseInt(parts.get(1)),
          parts.get(2),
          parts.get(3),
          parts.get(4),
          line);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a go-plugin handshake line: \"" + line + "\"", e);
    }
  }
}
