package dev.spirekms.cli;

/**
 * Every message of the cli room that an operator can see: what the program prints on standard error
 * when a person runs it, and the errors of setting up the AWS backend that are returned to SPIRE.
 * Each has an entry in docs/troubleshooting.md (MessageCatalogueTest checks it); {@code %s} is a
 * value filled in.
 */
public final class CliMessages {
  private CliMessages() {}

  public static final String NOT_STARTED_BY_SPIRE =
      Cli.NAME
          + ": this is a SPIRE plugin, start it from SPIRE server (plugin_cmd in server.conf); see "
          + Cli.GUIDE
          + " in the directory the plugin is installed in, or run '"
          + Cli.NAME
          + " help'";
  public static final String UNKNOWN_COMMAND = Cli.NAME + ": unknown command \"%s\"";
  public static final String DEMO_TAKES_NO_ARGUMENTS = Cli.NAME + ": demo takes no arguments";
  public static final String DEMO_FAILED = Cli.NAME + " demo: failed while %s: %s";

  // the doctor command's arguments
  public static final String DOCTOR_NEEDS_CONFIG = Cli.NAME + ": doctor needs --config FILE";
  public static final String DOCTOR_NEEDS_TRUST_DOMAIN =
      Cli.NAME + ": doctor needs --trust-domain TRUST_DOMAIN";
  public static final String DOCTOR_UNKNOWN_ARGUMENT =
      Cli.NAME + ": doctor: unknown argument \"%s\"";
  public static final String DOCTOR_NO_VALUE = Cli.NAME + ": doctor: %s needs a value";
  public static final String DOCTOR_CONFIG_UNREADABLE = Cli.NAME + ": doctor: cannot read %s: %s";

  // the <reason> of DEMO_FAILED when one of the demo's own checks fails
  public static final String DEMO_EXTENSION_NOT_ENCODED = "cannot encode a certificate extension";
  public static final String DEMO_JWT_NOT_SIGNED = "cannot sign the JWT-SVID: %s";
  public static final String DEMO_JWT_KEY_NOT_EC = "the JWT signing key is not an EC key";
  public static final String DEMO_JWT_SIGNATURE_INVALID =
      "the JWT-SVID's signature does not verify";
  public static final String DEMO_JWT_EXPIRED = "the JWT-SVID has expired";
  public static final String DEMO_JWT_NOT_PARSED = "the JWT-SVID does not parse: %s";
  public static final String DEMO_JWT_NOT_VERIFIED = "cannot verify the JWT-SVID: %s";
  public static final String DEMO_JWT_KEY_TYPE = "the demo signs JWTs with EC keys, not %s";
  public static final String DEMO_JWS_ALGORITHM = "this signer makes %s signatures only";
  public static final String DEMO_SIGN_DATA_FAILED = "SignData failed: %s";
  public static final String DEMO_SIGNED_BY_ANOTHER_KEY =
      "SignData for %s answered for another key";
  public static final String DEMO_KEY_NOT_LISTED = "GetPublicKeys did not list %s";
  public static final String DEMO_ROTATION_KEPT_KEY = "rotation kept the same public key";
  public static final String DEMO_RESTART_FOUND_OTHER_KEYS =
      "after the restart the plugin found %s, not %s";
  public static final String DEMO_SIGNED_WITH_ANOTHER_FINGERPRINT =
      "SignData for %s answered for another key fingerprint";
  public static final String DEMO_SIGNATURE_INVALID = "%s signature by %s did not verify";
  public static final String DEMO_WORK_DIR_NOT_REMOVED =
      "cannot remove the demo's work directory %s";

  // upstream aws_kms: byte-identical
  public static final String KEY_POLICY_FILE_NOT_READ =
      "failed to read file configured in 'key_policy_file': %s";
  public static final String ROLE_CHAIN_NOT_ASSUMED = "the AWS role chain could not be assumed";
}
