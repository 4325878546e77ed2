package dev.spirekms.doctor;

import dev.spirekms.keys.KeyMessages;

/**
 * Every FAIL and WARN line of the doctor command, with the fix printed after it: the message of a
 * {@link Finding} that is not OK, and its fix. Each has an entry in docs/troubleshooting.md
 * (MessageCatalogueTest checks it); {@code %s} and {@code %d} are the values filled in. A finding
 * whose message is an AWS call's error (aws.AwsMessages) or a configuration error takes only its
 * fix from here.
 */
public final class DoctorMessages {
  private DoctorMessages() {}

  // any check
  public static final String UNEXPECTED = "the %s check stopped on an unexpected error: %s";
  public static final String FIX_UNEXPECTED =
      "run doctor again; if it persists, report it with this line";

  // configuration: the message is the configuration's error or warning
  public static final String FIX_CONFIG_ERROR =
      "correct the setting in the plugin_data of the KeyManager \"aws_kms\" block (see"
          + " docs/configuration.md); the plugin refuses Configure until then";
  public static final String FIX_CONFIG_WARNING =
      "see docs/configuration.md for the setting named in the note";

  // server id: a FAIL's message is the keys room's error reading the file
  public static final String SERVER_ID_FILE_MISSING =
      "key_identifier_file %s does not exist: a new server id would be made at first start, and"
          + " keys made under another id would not be found";
  public static final String FIX_SERVER_ID_FILE_MISSING =
      "nothing to do for a new server; for a server that ran before, restore the file from the"
          + " server's backup (its old id is the <server id> part of its aliases,"
          + " alias/SPIRE_SERVER/<trust domain>/<server id>/...)";
  public static final String FIX_SERVER_ID_FILE_UNREADABLE =
      "make the file readable by the plugin's user, or restore it; remove it only if the old id"
          + " is lost for good (a new id is then made, and SPIRE makes new keys)";

  // endpoint
  public static final String CERT_EXPIRES = "%s %s: its TLS certificate expires at %s";
  public static final String FIX_CERT_EXPIRES =
      "renew the endpoint's certificate (a VPC endpoint or proxy of your own), or check the"
          + " endpoint setting";
  public static final String UNREACHABLE = "%s %s is not reachable: %s";
  public static final String HOST_NOT_RESOLVED = "its host name does not resolve";
  public static final String NO_ANSWER = "no answer within %ds";
  public static final String CONNECTION_REFUSED = "connection refused";
  public static final String FIX_UNREACHABLE =
      "check the %s setting, DNS, firewalls and security groups from this host; on a private"
          + " network use a VPC endpoint for %s";
  public static final String TLS_FAILED = "%s %s: the TLS handshake failed: %s";
  public static final String FIX_TLS =
      "the JVM does not trust the endpoint's certificate or its name does not match: check the"
          + " %s setting, or add the CA of a TLS-inspecting proxy to the JVM's trust store";

  // credentials: a failed hop's or GetCallerIdentity's message is the AWS call's error
  public static final String NO_CREDENTIALS =
      "no AWS credentials were found (static settings, environment, web identity, profile,"
          + " container or instance metadata)";
  public static final String FIX_NO_CREDENTIALS =
      "give the plugin's process credentials: an instance profile, IRSA or Pod Identity, the"
          + " AWS_* environment variables, or access_key_id and secret_access_key";
  public static final String HOP_SKIPPED = "%s not tried: an earlier hop failed";
  public static final String FIX_HOP =
      "fix the role's trust policy (or the previous identity's sts:AssumeRole permission), as the"
          + " message says";
  public static final String FIX_CALLER =
      "check that STS is reachable (sts_endpoint) and that the credentials are valid and not"
          + " expired";

  // permissions (and a key that cannot be described): the fix by the kind of AWS error
  public static final String DENIED_ON = "%s on %s (%s): %s";
  public static final String FIX_DENIED =
      "allow %s on this server's keys in the IAM policy of the plugin's identity and in the key"
          + " policy (docs/plugin_server_keymanager_aws_kms_java.md lists the permissions)";
  public static final String FIX_THROTTLED =
      "KMS throttled the request: run doctor again later; if it persists, raise the account's"
          + " KMS request quota";
  public static final String FIX_UNAVAILABLE =
      "check the endpoint finding above; then run doctor again";
  public static final String FIX_KEY_STATE =
      "the key cannot sign in its state: see the keys finding for this key";
  public static final String FIX_OTHER = "see docs/troubleshooting.md for the error code";

  // permissions in tag mode: the message is upstream's, as the plugin's start would fail with it
  public static final String TAGGING_DENIED = KeyMessages.TAG_DISCOVERY_DENIED + ": %s";
  public static final String FIX_TAGGING_DENIED =
      "allow tag:GetResources (on Resource \"*\") in an IAM policy of the plugin's identity (a"
          + " KMS key policy cannot grant it), or set enable_tag_based_key_discovery = false";

  // alias budget
  public static final String ALIAS_PREFIX_TOO_LONG =
      "the alias prefix takes %d of %d characters, leaving %d for key ids, less than the %d"
          + " needed";
  public static final String FIX_ALIAS_PREFIX_TOO_LONG =
      "use a shorter key_identifier_value (or key_identifier_file, whose ids take 36"
          + " characters); the trust domain itself cannot change without new keys";

  // keys
  public static final String ALIAS_WITHOUT_TARGET = "%s points to no key";
  public static final String FIX_ALIAS_WITHOUT_TARGET =
      "delete the alias (aws kms delete-alias --alias-name %s); SPIRE then makes a new key";
  public static final String KEY_DESCRIBE_FAILED = "%s: %s";
  public static final String KEY_NOT_ENABLED = "%s: its key %s is %s, so it cannot sign";
  public static final String FIX_KEY_DISABLED =
      "enable it (aws kms enable-key --key-id %s), or delete the alias so that SPIRE makes a new"
          + " key";
  public static final String FIX_KEY_PENDING_DELETION =
      "cancel the deletion and enable the key (aws kms cancel-key-deletion --key-id %1$s; aws kms"
          + " enable-key --key-id %1$s), or delete the alias so that SPIRE makes a new key";
  public static final String ALIAS_NOT_REFRESHED =
      "%s: the alias was last refreshed %s ago (refreshed every %s while the plugin runs); other"
          + " servers may dispose of it from %s";
  public static final String FIX_ALIAS_NOT_REFRESHED =
      "start the plugin if it is stopped; if it runs, look for \"Failed to refresh\" lines in its"
          + " log (kms:UpdateAlias must be allowed)";

  // keys in tag mode: this server's keys as GetResources finds them
  public static final String TAGGED_WITHOUT_KEY_ID =
      "%s is tagged active for this server but has no spire-key-id tag, so the plugin skips it";
  public static final String FIX_TAGGED_WITHOUT_KEY_ID =
      "tag it spire-key-id=<SPIRE key id> if it is one of this server's keys, or set its"
          + " spire-active tag to false";
  public static final String TAG_MISSING_LAST_UPDATE =
      "%s: its key %s has no spire-last-update tag; other servers in tag mode take it as stale"
          + " and may dispose of it";
  public static final String TAG_MALFORMED_LAST_UPDATE =
      "%s: its key %s has spire-last-update \"%s\", not Unix seconds; no server disposes of it,"
          + " and its liveness cannot be read";
  public static final String TAG_NOT_REFRESHED =
      "%s: spire-last-update of its key %s is %s old (stamped every %s while the plugin runs);"
          + " other servers may dispose of it from %s";
  public static final String FIX_TAG_NOT_REFRESHED =
      "start the plugin in tag mode if it is stopped: it stamps spire-last-update on its keys"
          + " every refresh interval; if it runs, look for \"Failed to refresh the"
          + " spire-last-update tag\" lines in its log (kms:TagResource must be allowed)";

  // cleanup: a failed key listing's message is the AWS call's error
  public static final String FIX_LIST_KEYS =
      "allow kms:ListKeys for the plugin's identity: without it the orphan key sweep cannot run";
  public static final String ORPHANS =
      "%d orphan candidates (no alias, older than %s), USD %d/month %s: %s; %s";
  public static final String ORPHANS_REPORTED = "disposal_mode is report, so nothing deletes them";
  public static final String FIX_ORPHANS =
      "schedule their deletion by hand (aws kms schedule-key-deletion --key-id <arn>"
          + " --pending-window-in-days 7) once you are sure no server needs them, or set"
          + " disposal_mode to delete";

  // status file
  public static final String STATUS_FILE_MISSING =
      "%s does not exist: the plugin has not written it yet";
  public static final String FIX_STATUS_FILE_MISSING =
      "start the plugin with this configuration; if it runs, check that it may write to the"
          + " file's directory (look for \"Failed to write the status file\" in its log)";
  public static final String STATUS_FILE_UNREADABLE = "%s cannot be read: %s";
  public static final String FIX_STATUS_FILE_UNREADABLE =
      "check the file's permissions; the plugin rewrites it whole after its next task run";
  public static final String STATUS_FILE_STALE =
      "%s was written %s ago, more than %s: the plugin is stopped, or cannot write it";
  public static final String FIX_STATUS_FILE_STALE =
      "check that the plugin runs; look for \"Failed to write the status file\" in its log";
  public static final String STATUS_FILE_OTHER_TRUST_DOMAIN = "%s is for trust domain %s, not %s";
  public static final String FIX_STATUS_FILE_OTHER_TRUST_DOMAIN =
      "give each server's plugin a status_file of its own";
  public static final String STATUS_FILE_RECENT_ERROR = "%s: %s failed %s ago: %s";
  public static final String FIX_STATUS_FILE_RECENT_ERROR =
      "see the plugin's log around that time and docs/troubleshooting.md for the message";

  // replicas: with replica_regions, each current key's copy and alias in each replica region
  public static final String REPLICA_MISSING = "%s has no replica in %s (%s)";
  public static final String FIX_REPLICA_MISSING =
      "the replica repair makes it while the plugin runs (the status file's replica_repair task"
          + " says why it has not yet); check kms:ReplicateKey on the key in its region, and"
          + " kms:CreateKey in an IAM policy in %s";
  public static final String REPLICA_ALIAS_MISSING = "%s: no alias %s in %s for its replica %s";
  public static final String FIX_REPLICA_ALIAS_MISSING =
      "the alias refresh finds it missing within 6 hours and the replica repair makes it; or"
          + " create it by hand: aws kms create-alias --region %s --alias-name %s"
          + " --target-key-id %s";
  public static final String REPLICA_ALIAS_ELSEWHERE =
      "%s: alias %s in %s points at %s, not at its replica %s";
  public static final String FIX_REPLICA_ALIAS_ELSEWHERE =
      "another server with the same server id moved it; the alias refresh leaves it alone, so a"
          + " standby there would sign with that key: check which servers share this server id";
  public static final String REPLICA_NOT_ENABLED = "%s: its replica %s in %s is %s";
  public static final String FIX_REPLICA_NOT_ENABLED =
      "enable it (aws kms enable-key --region %s --key-id %s), or cancel its deletion"
          + " (aws kms cancel-key-deletion); a standby there cannot sign with it";
  public static final String SINGLE_REGION_KEY =
      "%s is a single-Region key (%s): a standby in %s does not have it";
  public static final String FIX_SINGLE_REGION_KEY =
      "KMS cannot replicate a single-Region key; SPIRE's next rotation of this key makes a"
          + " multi-Region key with all its replicas";
}
