package dev.spirekms.spire;

/**
 * Every message of the SPIRE services that an operator can see: the descriptions of the statuses
 * returned to SPIRE that are made here, and Warn and Error log messages. Each has an entry in
 * docs/troubleshooting.md (MessageCatalogueTest checks it); {@code %s} and {@code %d} are the
 * values filled in.
 */
public final class SpireMessages {
  private SpireMessages() {}

  // status descriptions; spire-plugin-sdk conformance suite and upstream aws_kms: byte-identical
  public static final String KEY_ID_REQUIRED = "key id is required";
  public static final String KEY_TYPE_REQUIRED = "key type is required";
  public static final String SIGNER_OPTS_REQUIRED = "signer opts is required";
  // spire pluginconf: checked before the plugin's own configuration
  public static final String CORE_CONFIGURATION_REQUIRED = "server core configuration is required";

  // status descriptions of this plugin
  public static final String UNSUPPORTED_KEY_TYPE = "unsupported key type: %d";
  public static final String INTERNAL_ERROR = "internal error: %s";
  public static final String NOT_CONFIGURED = "not configured";
  public static final String SHUTTING_DOWN = "plugin is shutting down";

  // log lines
  public static final String REQUEST_FAILED = "Request failed";
  public static final String REQUEST_FAILED_BUG =
      "Request failed unexpectedly; this is a bug in the plugin";
  public static final String CONFIGURATION_REJECTED =
      "Configuration rejected; the running configuration, if any, stays in place";
  public static final String CONFIGURATION_WARNING = "Configuration warning";
}
