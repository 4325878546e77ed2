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

  // upstream aws_kms: byte-identical
  public static final String KEY_POLICY_FILE_NOT_READ =
      "failed to read file configured in 'key_policy_file': %s";
  public static final String ROLE_CHAIN_NOT_ASSUMED = "the AWS role chain could not be assumed";
}
