package dev.spirekms.keys;

import dev.spirekms.config.KmsAliasNames;
import java.util.Objects;
import java.util.Optional;

/**
 * KMS names for SPIRE keys, exactly as SPIRE's built-in aws_kms plugin writes them, so that a
 * server can move between the two without losing a key.
 *
 * <ul>
 *   <li>alias: {@code alias/SPIRE_SERVER/<td, '.'→'_'>/<server id>/<key id, '.'→'_2e', '+'→'_2b'>}
 *   <li>description: {@code SPIRE_SERVER_KEY/<td, '.'→'_'>/<key id>}
 * </ul>
 *
 * Every prefix ends with '/', so {@code acme_co} never matches {@code acme_co_uk}.
 */
public final class KeyNaming {
  static final String DESCRIPTION_ROOT = "SPIRE_SERVER_KEY/";

  private final String trustDomain;
  private final String sanitizedTrustDomain;
  private final String serverId;

  public KeyNaming(String trustDomain, String serverId) {
    this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
    this.sanitizedTrustDomain = sanitize(trustDomain);
    this.serverId = Objects.requireNonNull(serverId, "serverId");
  }

  /** upstream aws_kms: every '.' of the trust domain becomes '_'. */
  public static String sanitize(String trustDomain) {
    return KmsAliasNames.sanitizeTrustDomain(trustDomain);
  }

  /** upstream aws_kms: KMS alias names allow neither '.' nor '+'. */
  public static String encodeKeyId(String spireKeyId) {
    return spireKeyId.replace(".", "_2e").replace("+", "_2b");
  }

  /** upstream aws_kms: decodes '_2e' first, then '_2b'. */
  public static String decodeKeyId(String encoded) {
    return encoded.replace("_2e", ".").replace("_2b", "+");
  }

  public String serverId() {
    return serverId;
  }

  /** The trust domain as SPIRE names it; upstream's {@code spire-server-td} tag holds it so. */
  public String trustDomain() {
    return trustDomain;
  }

  public String sanitizedTrustDomain() {
    return sanitizedTrustDomain;
  }

  public String aliasName(String spireKeyId) {
    return serverAliasPrefix() + encodeKeyId(spireKeyId);
  }

  public String description(String spireKeyId) {
    return descriptionPrefix() + spireKeyId;
  }

  /** {@code alias/SPIRE_SERVER/<td>/}: every server of this trust domain. */
  public String trustDomainAliasPrefix() {
    return KmsAliasNames.PREFIX + sanitizedTrustDomain + "/";
  }

  /** {@code alias/SPIRE_SERVER/<td>/<server id>/}: this server's aliases. */
  public String serverAliasPrefix() {
    return trustDomainAliasPrefix() + serverId + "/";
  }

  /** {@code SPIRE_SERVER_KEY/<td>/}: descriptions of keys of this trust domain. */
  public String descriptionPrefix() {
    return DESCRIPTION_ROOT + sanitizedTrustDomain + "/";
  }

  /**
   * The SPIRE key id of one of this server's aliases; empty for any other alias. SPIRE key ids
   * never contain '/', so {@code <server id>/x/<key id>} belongs to a server whose id is {@code
   * <server id>/x}, not to this one.
   */
  public Optional<String> spireKeyIdOf(String aliasName) {
    String prefix = serverAliasPrefix();
    if (aliasName == null
        || !aliasName.startsWith(prefix)
        || aliasName.length() == prefix.length()) {
      return Optional.empty();
    }
    String encoded = aliasName.substring(prefix.length());
    if (encoded.indexOf('/') >= 0) {
      return Optional.empty();
    }
    return Optional.of(decodeKeyId(encoded));
  }

  /**
   * The server id of another server's alias in this trust domain: everything between the trust
   * domain prefix and the last '/', since key ids never contain one; empty for any other alias.
   */
  public Optional<String> otherServerIdOf(String aliasName) {
    String prefix = trustDomainAliasPrefix();
    if (aliasName == null || !aliasName.startsWith(prefix) || spireKeyIdOf(aliasName).isPresent()) {
      return Optional.empty();
    }
    String rest = aliasName.substring(prefix.length());
    int last = rest.lastIndexOf('/');
    if (last <= 0 || last == rest.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(rest.substring(0, last));
  }

  /** Whether the alias belongs to another server of this trust domain. */
  public boolean isOtherServerAlias(String aliasName) {
    return otherServerIdOf(aliasName).isPresent();
  }

  /** Whether a key description marks a SPIRE key of this trust domain (with a key id after it). */
  public boolean isTrustDomainDescription(String description) {
    return description != null
        && description.startsWith(descriptionPrefix())
        && description.length() > descriptionPrefix().length();
  }
}
