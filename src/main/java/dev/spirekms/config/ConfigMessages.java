package dev.spirekms.config;

/**
 * Every error and warning of the configuration: the notes {@code Config.Validate} answers, the
 * error {@code Config.Configure} returns (the first error) and the {@code Configuration warning}
 * lines. Each has an entry in docs/troubleshooting.md (MessageCatalogueTest checks it); {@code %s}
 * and {@code %d} are the values filled in. A quoted value ({@code "..."}) is filled in already
 * quoted, as Go's {@code %q} quotes it ({@link GoQuote}); a setting's name is filled in as it is.
 * The problems of the HCL or JSON text itself stay the reason of {@link #UNABLE_TO_DECODE}.
 */
public final class ConfigMessages {
  private ConfigMessages() {}

  // spire pluginconf and upstream aws_kms: byte-identical
  public static final String CORE_TRUST_DOMAIN_MISSING =
      "server core configuration must contain trust_domain";
  public static final String CORE_TRUST_DOMAIN_MALFORMED =
      "server core configuration trust_domain is malformed: %s";
  public static final String UNABLE_TO_DECODE = "unable to decode configuration: %s";
  public static final String MISSING_REGION = "configuration is missing a region";
  public static final String KEY_IDENTIFIER_REQUIRED =
      "configuration requires a key identifier file or a key identifier value";
  public static final String KEY_IDENTIFIER_FILE_AND_VALUE =
      "configuration can't have a key identifier file and a key identifier value at the same time";
  public static final String KEY_IDENTIFIER_CHARACTERS =
      "key identifier must contain only alphanumeric characters, forward slashes (/),"
          + " underscores (_), and dashes (-)";
  public static final String KEY_IDENTIFIER_AWS_PREFIX =
      "key identifier must not start with alias/aws/";
  public static final String KEY_IDENTIFIER_TOO_LONG =
      "key identifier must not be longer than 256 characters";

  // key_tags: upstream aws_kms (SPIRE validateTags); each problem is wrapped by KEY_TAGS_INVALID
  public static final String KEY_TAGS_INVALID = "invalid configuration for key tags: %s";
  public static final String TOO_MANY_TAGS = "too many tags: %d tags exceed AWS limit of %d";
  public static final String TAG_KEY_EMPTY = "tag key cannot be empty";
  public static final String TAG_KEY_TOO_LONG =
      "tag key %s exceeds maximum length of %d characters";
  public static final String TAG_KEY_AWS_PREFIX = "tag key %s uses reserved prefix 'aws:'";
  public static final String TAG_KEY_SPIRE_PREFIX = "tag key %s uses reserved prefix 'spire-'";
  public static final String TAG_KEY_CHARACTERS =
      "tag key %s contains invalid characters (allowed: letters, numbers, spaces, + - = . _ : / @)";
  public static final String TAG_VALUE_TOO_LONG =
      "tag value for key %s exceeds maximum length of %d characters";
  public static final String TAG_VALUE_CHARACTERS =
      "tag value for key %s contains invalid characters (allowed: letters, numbers, spaces, + - ="
          + " . _ : / @)";

  // reasons of CORE_TRUST_DOMAIN_MALFORMED
  public static final String TRUST_DOMAIN_MISSING = "trust domain is missing";
  public static final String TRUST_DOMAIN_SCHEME =
      "trust domain must be a name without the spiffe:// scheme";
  public static final String TRUST_DOMAIN_URL = "trust domain must be a name, not a URL";
  public static final String TRUST_DOMAIN_CHARACTERS =
      "trust domain characters are limited to lowercase letters, numbers, dots, dashes, and"
          + " underscores";
  public static final String TRUST_DOMAIN_EMPTY_LABELS = "trust domain must not have empty labels";
  public static final String TRUST_DOMAIN_TOO_LONG =
      "trust domain must not be longer than 255 characters";

  // values of the wrong type (the first %s is the setting)
  public static final String SET_MORE_THAN_ONCE = "%s is set more than once (as %s and as %s)";
  public static final String NOT_A_STRING = "%s must be a string";
  public static final String NOT_A_STRING_OR_LIST = "%s must be a string or a list of strings";
  public static final String LIST_ENTRY_NOT_A_STRING = "%s[%d] must be a string";
  public static final String NOT_AN_INTEGER = "%s must be an integer";
  public static final String NOT_A_BOOLEAN = "%s must be a boolean";
  public static final String NOT_A_MAP = "%s must be a map of strings";
  public static final String MAP_VALUE_NOT_A_STRING = "%s value for key %s must be a string";
  public static final String NOT_A_DURATION = "%s is not a valid duration: %s";
  public static final String NOT_A_PATH = "%s is not a valid path: %s";

  // rules of single settings and between settings
  public static final String OUT_OF_RANGE = "%s must be between %d and %d";
  public static final String STALE_ALIAS_THRESHOLD_TOO_SHORT =
      "stale_alias_threshold must be at least 24h";
  public static final String DISPOSAL_MODE_INVALID =
      "disposal_mode must be \"delete\" or \"report\"";
  public static final String STATIC_CREDENTIALS_HALF =
      "access_key_id and secret_access_key must be set together";
  public static final String JOURNAL_IS_KEY_IDENTIFIER_FILE =
      "deletion_journal_file must not be the key_identifier_file";
  public static final String STATUS_FILE_IS_KEY_IDENTIFIER_FILE =
      "status_file must not be the key_identifier_file";
  public static final String STATUS_FILE_IS_JOURNAL =
      "status_file must not be the deletion_journal_file";
  public static final String ALIAS_TOO_LONG_FILE =
      "trust domain is too long for KMS alias names (the server id from key_identifier_file takes"
          + " 36 characters): the alias prefix alias/SPIRE_SERVER/<trust domain>/<server id>/ takes"
          + " %d of the %d characters KMS allows, leaving less than the %d needed for key ids";
  public static final String ALIAS_TOO_LONG_VALUE =
      "trust domain and key identifier value are too long for KMS alias names: the alias prefix"
          + " alias/SPIRE_SERVER/<trust domain>/<server id>/ takes %d of the %d characters KMS"
          + " allows, leaving less than the %d needed for key ids";
  public static final String ENDPOINT_NOT_A_URL = "%s must be an absolute http or https URL: %s";
  public static final String ENDPOINT_USER_INFO = "%s must not contain user information";
  public static final String FIPS_WITH_ENDPOINT =
      "%s and use_fips_endpoint cannot be set together: the endpoint given is used as it is";

  // assume-role settings (an external id is never quoted)
  public static final String REQUIRES_ROLE_ARN = "%s requires assume_role_arn";
  public static final String TOO_MANY_ROLES =
      "assume_role_arn has %d roles but at most %d can be chained";
  public static final String NOT_A_ROLE_ARN = "%s is not an IAM role ARN: %s";
  public static final String PARTITION_MISMATCH =
      "%s is in partition %s but region %s is in partition %s";
  // replica_regions and replica_endpoints
  public static final String REPLICA_REGION_NOT_A_REGION = "%s is not an AWS region name: %s";
  public static final String REPLICA_REGION_DUPLICATE = "replica_regions lists %s more than once";
  public static final String REPLICA_REGION_IS_HOME =
      "replica_regions lists %s, which is region itself: the primary keys are made there";
  public static final String REPLICA_ENDPOINT_NOT_LISTED =
      "replica_endpoints has an endpoint for %s, which replica_regions does not list";

  public static final String EXTERNAL_ID_COUNT =
      "assume_role_external_id has %d entries but assume_role_arn has %d";
  public static final String EXTERNAL_ID_COUNT_ONE =
      "assume_role_external_id has 1 entry but assume_role_arn has %d";
  public static final String EXTERNAL_ID_CHARACTERS =
      "%s must be 2 to 1224 characters of letters, digits and _+=,.@:/-";
  public static final String SESSION_NAME_CHARACTERS =
      "assume_role_session_name must be 2 to 64 characters of letters, digits and _+=,.@-: %s";
  public static final String ROLE_DURATION_RANGE = "assume_role_duration must be between %s and %s";

  // warnings
  public static final String UNKNOWN_KEY = "unknown configuration key %s is ignored";
  public static final String KEY_CASE_DIFFERS = "configuration key %s is read as %s";
  public static final String KEY_METADATA_FILE_REMOVED =
      "key_metadata_file was removed in SPIRE 1.10 and is ignored: key_identifier_file replaces it";
  public static final String TRUST_DOMAIN_UNDERSCORE =
      "trust domain %s contains '_': its KMS names collide with those of %s (both sanitise to %s)";
  public static final String STATIC_CREDENTIALS_DISCOURAGED =
      "access_key_id and secret_access_key are set: static credentials are discouraged; prefer the"
          + " default AWS credential chain (instance profile, IRSA, environment)";
  public static final String ENDPOINT_PLAIN_HTTP =
      "%s %s uses plain http to a host that is not loopback: requests to %s travel unencrypted";
  public static final String ROLE_DURATION_CHAINED =
      "assume_role_duration is %s but AWS caps a role-chained session at %s: hops after the first"
          + " are capped at %s";
  public static final String NO_DELETION_JOURNAL =
      "key_identifier_value is set without deletion_journal_file: keys queued for deletion are"
          + " forgotten if the plugin stops before KMS accepts their deletion (the orphan key sweep"
          + " finds them after 48h)";

  // the message of an InvalidConfigException without errors; every caller passes at least one
  public static final String INVALID_CONFIGURATION = "invalid configuration";
}
