package dev.spirekms.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for {@code endpoint} and {@code sts_endpoint}: an absolute http or https URL naming a
 * host.
 */
final class EndpointRules {

  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private EndpointRules() {}

  /**
   * Checks the endpoint setting {@code key}, adding its problems to {@code errors} and {@code
   * warnings}.
   *
   * @param key the setting's name, which messages start with
   * @param service the AWS service the endpoint serves, for messages: {@code KMS}, {@code STS}
   * @return the endpoint as a URI, or {@code null} when it is not valid
   */
  static URI check(
      String key, String service, String endpoint, List<String> errors, List<String> warnings) {
    String invalid = String.format(ConfigMessages.ENDPOINT_NOT_A_URL, key, endpoint);
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      errors.add(invalid);
      return null;
    }
    if (uri.getRawUserInfo() != null) {
      // The value is not repeated: user information may hold a password.
      errors.add(String.format(ConfigMessages.ENDPOINT_USER_INFO, key));
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute()
        || !(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      errors.add(invalid);
      return null;
    }
    if (scheme.equals("http") && !isLoopback(uri.getHost())) {
      warnings.add(
          String.format(ConfigMessages.ENDPOINT_PLAIN_HTTP, key, GoQuote.quote(endpoint), service));
    }
    return uri;
  }

  /** Whether {@code host} is loopback by its spelling alone; no name is looked up. */
  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost") || IPV4_LOOPBACK.matcher(host).matches()) {
      return true;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      try {
        // An IPv6 literal: parsed without any name lookup.
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }
}
