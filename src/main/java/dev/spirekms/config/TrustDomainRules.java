package dev.spirekms.config;

import java.util.Optional;

/**
 * The SPIFFE rules for a trust domain name (SPIFFE ID standard, section 2.1): lowercase letters,
 * digits, {@code .}, {@code -} and {@code _}, at most 255 characters. We also reject a {@code
 * spiffe://} prefix, which SPIRE never sends, and empty labels, which no DNS-style name has.
 */
final class TrustDomainRules {

  static final int MAX_LENGTH = 255;

  private TrustDomainRules() {}

  /** Why {@code name} is not a trust domain name, or empty when it is one. */
  static Optional<String> problem(String name) {
    if (name.isEmpty()) {
      return Optional.of(ConfigMessages.TRUST_DOMAIN_MISSING);
    }
    if (name.startsWith("spiffe://")) {
      return Optional.of(ConfigMessages.TRUST_DOMAIN_SCHEME);
    }
    if (name.contains("://")) {
      return Optional.of(ConfigMessages.TRUST_DOMAIN_URL);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
      if (!allowed) {
        return Optional.of(ConfigMessages.TRUST_DOMAIN_CHARACTERS);
      }
    }
    if (name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      return Optional.of(ConfigMessages.TRUST_DOMAIN_EMPTY_LABELS);
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of(ConfigMessages.TRUST_DOMAIN_TOO_LONG);
    }
    return Optional.empty();
  }
}
