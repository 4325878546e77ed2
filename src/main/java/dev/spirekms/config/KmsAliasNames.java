package dev.spirekms.config;

/**
 * The fixed parts of the KMS alias names of SPIRE keys, in one place for the naming itself ({@code
 * keys.KeyNaming}) and for the configuration check that a trust domain and server id leave room for
 * key ids. They live in config because keys may use config, while config uses no other package.
 */
public final class KmsAliasNames {

  /** upstream aws_kms: {@code alias/SPIRE_SERVER/<td>/<server id>/<encoded key id>}. */
  public static final String PREFIX = "alias/SPIRE_SERVER/";

  /** KMS CreateAlias: alias names are at most 256 characters. */
  public static final int MAX_LENGTH = 256;

  /**
   * Room kept after a server's alias prefix for the encoded SPIRE key id ("JWT-Signer-A",
   * "WIT-Signer-A", "x509-CA-A", ...).
   */
  public static final int RESERVED_KEY_ID_LENGTH = 32;

  private KmsAliasNames() {}

  /** upstream aws_kms: every '.' of the trust domain becomes '_' in KMS names. */
  public static String sanitizeTrustDomain(String trustDomain) {
    return trustDomain.replace('.', '_');
  }
}
