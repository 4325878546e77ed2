package dev.spirekms.keys;

/**
 * Every message of the keys room that an operator can see: the errors returned to SPIRE (as status
 * descriptions, see spire.StatusMapper) and Warn and Error log messages with their reasons. Each
 * has an entry in docs/troubleshooting.md (MessageCatalogueTest checks it); {@code %s} and {@code
 * %d} are the values filled in. A context such as {@link #FAILED_TO_SIGN} is followed by ": " and
 * the failed AWS call's message (aws.AwsMessages).
 */
public final class KeyMessages {
  private KeyMessages() {}

  // upstream aws_kms (spire-plugin-facts §1.6, §6.3, §6.5 to §6.8): byte-identical
  public static final String KEY_NOT_FOUND = "key \"%s\" not found";
  public static final String FAILED_TO_SIGN = "failed to sign";
  public static final String FAILED_TO_CREATE_KEY = "failed to create key";
  public static final String FAILED_TO_GET_PUBLIC_KEY = "failed to get public key";
  public static final String FAILED_TO_CREATE_ALIAS = "failed to create alias";
  public static final String FAILED_TO_UPDATE_ALIAS = "failed to update alias";
  public static final String FAILED_TO_FETCH_ALIASES = "failed to fetch aliases";
  public static final String MALFORMED_CREATE_KEY_RESPONSE = "malformed create key response";
  public static final String MALFORMED_GET_PUBLIC_KEY_RESPONSE =
      "malformed get public key response";
  public static final String UNSUPPORTED_COMBINATION =
      "unsupported combination of keytype: %s and hashing algorithm: %s";
  public static final String HASH_ALGORITHM_REQUIRED = "hash algorithm is required";
  public static final String NO_CALLER_IDENTITY =
      "unable to create policy: cannot get caller identity";
  public static final String SERVER_ID_NOT_READ = "failed to read server id from path: %s: %s";
  public static final String SERVER_ID_NOT_PERSISTED =
      "failed to persist server id on path: %s: %s";
  public static final String SERVER_ID_NOT_A_UUID =
      "failed to parse server id from path: %s: the file does not hold a UUID; restore the original"
          + " file or, if the id is lost, remove the file to start with a new id";
  public static final String ALIAS_WITHOUT_KEY =
      "failed to fetch aliases: found SPIRE alias without key: name=\"%s\"";
  public static final String DISABLED_KEY =
      "failed to fetch aliases: found disabled SPIRE key: \"%s\", alias: \"%s\"; enable the key, or"
          + " delete the alias so that SPIRE replaces the key";
  public static final String UNSUPPORTED_KEY_SPEC =
      "failed to fetch aliases: unsupported key spec: %s, alias: \"%s\"";
  public static final String LOAD_MALFORMED_PUBLIC_KEY =
      "failed to fetch aliases: malformed get public key response";
  public static final String LOAD_GET_PUBLIC_KEY =
      "failed to fetch aliases: failed to get public key";
  public static final String LOAD_DESCRIBE_KEY = "failed to fetch aliases: failed to describe key";

  // upstream aws_kms in tag mode (spire-plugin-facts §6.6): byte-identical
  public static final String FAILED_TO_FETCH_BY_TAGS = "failed to fetch keys by tags";
  public static final String TAG_DISCOVERY_DENIED =
      "tag-based key discovery requires the \"tag:GetResources\" permission in an identity-based"
          + " IAM policy (it cannot be granted through the KMS key policy); grant the permission or"
          + " disable enable_tag_based_key_discovery";
  public static final String FETCH_ENTRIES_GET_PUBLIC_KEY =
      "failed to fetch key entries: failed to get public key";
  public static final String FETCH_ENTRIES_MALFORMED_PUBLIC_KEY =
      "failed to fetch key entries: malformed get public key response";
  public static final String FETCH_ENTRIES_UNSUPPORTED_KEY_SPEC =
      "failed to fetch key entries: unsupported key spec: %s, key: \"%s\"";

  // errors of this plugin
  public static final String KEY_ID_TOO_LONG =
      "key id \"%s\" is too long: its KMS alias would have %d characters, and KMS allows %d";
  public static final String KEY_ID_NOT_IN_ALIAS =
      "key id \"%s\" cannot be part of a KMS alias name: only letters, digits, '-', '_', '.' and"
          + " '+' are allowed";
  public static final String WRONG_KEY_SPEC = "KMS created a %s key where %s was asked";
  public static final String KEY_IN_UNUSABLE_STATE =
      "failed to fetch aliases: SPIRE key \"%s\" behind alias \"%s\" is in state %s and cannot be"
          + " used";
  public static final String LOAD_FAILED = "failed to fetch aliases: %s";
  public static final String LOAD_INTERRUPTED = "interrupted while loading keys";
  public static final String PSS_NOT_RSA = "PSS options are only valid for RSA keys, not %s";
  public static final String UNSUPPORTED_SALT_LENGTH =
      "unsupported PSS salt length %d: KMS signs with a salt as long as the hash (%d bytes for %s)";
  public static final String DIGEST_LENGTH = "digest is %d bytes long but %s needs %d";

  /** Why a replica was left to the background repair without a call. */
  public static final String REPLICA_OUT_OF_TIME =
      "GenerateKey had no time left for this replica within SPIRE's deadline";

  // Warn log lines
  public static final String REPLICA_NOT_MADE =
      "Could not make a replica of a new key; the key works in its home region, and the replica"
          + " is retried in the background";
  public static final String ALIAS_APPEARED =
      "Alias appeared after start-up, probably made by a server with the same server id;"
          + " repointing it";
  public static final String ALIAS_TO_DELETED_KEY =
      "Alias points at a key that is being deleted; treating the key as absent so SPIRE generates"
          + " a new one and the alias is repointed";
  public static final String DEFAULT_POLICY_WITHOUT_ROLE =
      "The server does not run as an IAM role, so new keys get KMS's default key policy; assign an"
          + " IAM role to this server or set key_policy_file";

  // Warn log lines of tag mode; the first three are upstream aws_kms's
  public static final String TAGGED_KEY_WITHOUT_KEY_ID = "Could not get SPIRE key ID from tags";
  public static final String TAGGED_KEY_UNUSABLE = "Skipping disabled SPIRE key found via tags";
  public static final String MIGRATION_FAILED =
      "Failed to apply SPIRE tags to legacy key during migration to tag-based discovery; key will"
          + " still be available";
  public static final String DUPLICATE_ACTIVE_KEY =
      "Two keys are tagged active for one SPIRE key id; keeping the one its alias points at and"
          + " deleting the other";
  public static final String AMBIGUOUS_ACTIVE_KEYS =
      "Several keys are tagged active for one SPIRE key id and its alias points at none of them;"
          + " using the first and deleting none";

  // reasons of DEFAULT_POLICY_WITHOUT_ROLE; the last two are upstream aws_kms's
  public static final String NOT_AN_ARN = "not an ARN: \"%s\"";
  public static final String INCOMPLETE_RESOURCE =
      "incomplete resource, expected 'resource-type/resource-id' but got \"%s\"";
  public static final String NOT_AN_ASSUMED_ROLE = "arn does not contain an assumed role: \"%s\"";
}
