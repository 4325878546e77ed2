package dev.spirekms.lifecycle;

/**
 * Every Warn and Error message of the background key lifecycle, and the reasons logged with "Key
 * not scheduled for deletion". Each has an entry in docs/troubleshooting.md (MessageCatalogueTest
 * checks it); {@code %s} and {@code %d} are the values filled in.
 */
public final class LifecycleMessages {
  private LifecycleMessages() {}

  // alias refresh
  public static final String REFRESH_FAILED =
      "Failed to refresh alias; other servers delete an alias left unrefreshed for"
          + " stale_alias_threshold";
  public static final String REFRESH_FINISHED_WITH_FAILURES =
      "Alias refresh finished with failures; the failed aliases are retried at the next refresh";
  public static final String ALIAS_TARGET_DIFFERS =
      "Alias target differs from cache, skipping refresh to avoid reverting a rotation";
  public static final String KEY_IN_USE_PENDING_DELETION =
      "A key this server uses is pending deletion, so signing with it fails; cancel the deletion in"
          + " KMS and enable the key, or restart the server so that SPIRE generates a new key";
  public static final String ALIAS_RECREATED =
      "Alias of a key this server uses was missing; recreated it so that no server takes the key"
          + " for an orphan";

  // stale alias disposal
  public static final String ALIAS_LISTING_FAILED =
      "Failed to list aliases, so stale aliases of stopped servers were not looked for; this runs"
          + " again at the next disposal interval";
  public static final String STALE_ALIAS_NOT_SPIRE_KEY =
      "Stale SPIRE alias left alone: its key's description does not mark it as a SPIRE key of this"
          + " trust domain; delete the alias by hand if it is no longer needed";
  public static final String STALE_ALIAS_KEY_IN_USE =
      "Stale SPIRE alias left alone: this server uses its key";
  public static final String STALE_ALIAS_OTHER_ALIASES =
      "Stale SPIRE alias and its key left alone: other aliases point to the key; remove them by"
          + " hand if the key is no longer needed";
  public static final String DISPOSAL_FAILED =
      "Failed to dispose of stale alias; it is tried again at the next disposal interval";

  // orphan key sweep
  public static final String KEY_LISTING_FAILED =
      "Failed to list keys, so the orphan key sweep stopped early; it runs again at the next sweep"
          + " interval";
  public static final String KEY_ALIASES_NOT_LISTED =
      "Could not list the aliases of a SPIRE key; it is checked again at the next sweep";

  // background tasks
  public static final String TASK_STILL_BUSY =
      "Background task still busy with its previous run; skipping this run";
  public static final String TASK_STOPPED =
      "Background task stopped by an unexpected error; it runs again at its next interval";
  public static final String TASK_FAILED =
      "Background key lifecycle task failed; the other tasks keep running";

  // role credentials
  public static final String RENEWAL_FAILED =
      "Failed to renew role credentials; retrying, and signing goes on until they expire";
  public static final String CREDENTIALS_EXPIRE_SOON =
      "Role credentials expire soon and could not be renewed; KMS calls will fail when they do";
  public static final String CREDENTIALS_EXPIRED =
      "Role credentials expired and could not be renewed; KMS calls fail until STS answers again";

  // deletion queue
  public static final String DELETION_RETRY = "Failed to schedule key deletion; will retry";
  public static final String KEY_NOT_SCHEDULED = "Key not scheduled for deletion";
  public static final String NOT_QUEUED_STOPPING =
      "Key not queued for deletion because the plugin is stopping; the orphan key sweep will find"
          + " it later";
  public static final String QUEUE_FULL =
      "Deletion queue is full, so the key was not queued; its description still marks it as a"
          + " SPIRE key, so the orphan key sweep will find it later";
  public static final String QUEUE_STOPPED_WITH_KEYS =
      "Deletion queue stopped with keys not yet scheduled for deletion; the orphan key sweep will"
          + " find them later";

  // reasons of KEY_NOT_SCHEDULED at Warn or Error
  public static final String NO_KEY_METADATA = "DescribeKey returned no key metadata";
  public static final String NOT_A_SPIRE_KEY =
      "its description does not mark it as a SPIRE key of this trust domain: \"%s\"";
  public static final String KEY_IN_STATE = "the key is in state %s";
  public static final String ALIAS_STILL_POINTS = "an alias still points to it: %s";
  public static final String REPLICA_FOUND_MISSING =
      "A replica, or its alias, of a key in use is missing in a replica region; the replica repair"
          + " will make it";
  public static final String REPLICA_CANNOT_BE_MADE =
      "The key's alias is missing in a replica region, and the key is not a multi-Region primary"
          + " key of this region, so no replica can be made from here; the next rotation makes a"
          + " key with replicas";
  public static final String STALE_ALIAS_KEPT_ELSEWHERE =
      "Stale alias left alone: its key is a multi-Region key whose copy in another region is"
          + " still in use, or in a region this server does not reach";
  public static final String REPLICA_NOT_REACHED =
      "Replica key not scheduled for deletion: its region is neither region nor one of"
          + " replica_regions; its"
          + " primary waits in PendingReplicaDeletion until the replica is deleted";
  public static final String REPLICA_ALIAS_STILL_POINTS =
      "Replica key not scheduled for deletion: an alias still points to it; its primary waits in"
          + " PendingReplicaDeletion until the replica is deleted";
  public static final String REPLICA_MISSING = "replica still missing (%s of %s): %s";
  public static final String REPLICA_RETRY_FAILED =
      "Could not make a missing replica of a key; retrying later";
  public static final String STILL_USED = "this server still uses it";
  public static final String INVALID_ARN = "invalid ARN";
  public static final String GAVE_UP = "gave up after %d attempts: %s%s";
  // the last value of GAVE_UP
  public static final String GAVE_UP_SWEEP_FINDS = "; the orphan key sweep will find the key again";
  public static final String GAVE_UP_JOURNALED =
      "; it stays in the deletion journal and is tried again at the next start";

  // reasons of KEY_NOT_SCHEDULED at Info: nothing to do
  public static final String ALREADY_PENDING_DELETION = "the key is already pending deletion";
  public static final String NO_SUCH_KEY = "no such key";
  public static final String STATE_RULES_OUT_DELETION =
      "the key is in a state that rules out deletion, usually already pending";

  // reasons of DELETION_RETRY and of REFRESH_FAILED, DISPOSAL_FAILED besides AWS's
  public static final String UNEXPECTED_ERROR = "unexpected error: %s";
  public static final String NO_KEY_ARN = "DescribeKey returned no key ARN";
  public static final String ALIAS_NOT_RECREATED =
      "the alias is missing and could not be recreated: %s";

  // deletion journal
  public static final String JOURNAL_MOVED_ASIDE =
      "Deletion journal could not be read and was moved aside; the keys it listed are left to the"
          + " orphan key sweep, and a new journal is started";
  public static final String JOURNAL_UNREADABLE =
      "Deletion journal could not be read; keys queued for deletion are kept in memory only until"
          + " it is fixed or removed";
  public static final String JOURNAL_WRITE_FAILED =
      "Failed to write the deletion journal; the key is queued, but a crash before its deletion"
          + " leaves it to the orphan key sweep";
  public static final String JOURNAL_REMOVE_FAILED =
      "Failed to remove a key from the deletion journal; it is checked again at the next start";

  // tag mode (upstream aws_kms's enable_tag_based_key_discovery)
  public static final String LIVENESS_FAILED =
      "Failed to refresh the spire-last-update tag of a key; other servers in tag mode delete a key"
          + " left unrefreshed for stale_alias_threshold";
  public static final String TAGGED_KEY_LISTING_FAILED =
      "Failed to list keys through the tagging API; the task runs again at its next interval";
  public static final String STALE_KEY_NOT_SCHEDULED =
      "Failed to schedule key for deletion; it stays active and is tried again at the next run";
  public static final String NOT_MARKED_INACTIVE = "Failed to mark key as inactive";
}
