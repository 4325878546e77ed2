package dev.spirekms.doctor;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.SpireTags;
import dev.spirekms.keys.TaggedKeys.TaggedKey;
import dev.spirekms.lifecycle.Ages;
import dev.spirekms.lifecycle.CleanupRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * This server's keys, as the aliases under {@code alias/SPIRE_SERVER/<td>/<server id>/} point to
 * them: each key's state, spec and age, and when its alias was last refreshed. In tag mode also the
 * keys tagged active for this server, with the age of their {@code spire-last-update} stamp.
 */
final class ServerKeysCheck implements Check {
  static final String NAME = "keys";
  static final String NO_SERVER_ID = "none: no server id yet (see the server id finding)";
  static final String NONE = "none yet: SPIRE server asks for its keys at its first start";
  static final String KEY = "%s: %s, %s, created %s ago, alias refreshed %s ago (%s)";
  static final String TAGGED_NONE = "no key is tagged active for this server yet";
  static final String TAGGED = "%s: tagged active, spire-last-update %s ago (%s)";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(DoctorContext context, List<Finding> findings) {
    if (context.serverId().isEmpty()) {
      findings.add(Finding.ok(NAME, NO_SERVER_ID));
      return;
    }
    runAliased(context, findings);
    if (context.tagMode() && !context.taggedKeysFailed()) {
      runTagged(context, findings);
    }
  }

  private static void runTagged(DoctorContext context, List<Finding> findings) {
    List<TaggedKey> tagged = context.taggedKeys();
    if (tagged.isEmpty()) {
      findings.add(Finding.ok(NAME, TAGGED_NONE));
      return;
    }
    Instant now = context.clock().instant();
    Duration refresh = context.settings().refreshInterval();
    for (TaggedKey key : tagged) {
      Optional<String> spireKeyId = key.tag(SpireTags.KEY_ID).filter(id -> !id.isEmpty());
      if (spireKeyId.isEmpty()) {
        findings.add(
            Finding.warn(
                NAME,
                String.format(DoctorMessages.TAGGED_WITHOUT_KEY_ID, key.keyArn()),
                DoctorMessages.FIX_TAGGED_WITHOUT_KEY_ID));
        continue;
      }
      String id = spireKeyId.get();
      Optional<String> stamp = key.tag(SpireTags.LAST_UPDATE);
      Optional<Instant> updated = SpireTags.lastUpdateOf(key);
      if (stamp.isEmpty() || updated.isEmpty()) {
        String message =
            stamp.isEmpty()
                ? String.format(DoctorMessages.TAG_MISSING_LAST_UPDATE, id, key.keyArn())
                : String.format(
                    DoctorMessages.TAG_MALFORMED_LAST_UPDATE, id, key.keyArn(), stamp.get());
        findings.add(Finding.warn(NAME, message, DoctorMessages.FIX_TAG_NOT_REFRESHED));
        continue;
      }
      Duration age = Ages.between(updated.get(), now);
      if (age.compareTo(refresh.multipliedBy(2)) > 0) {
        findings.add(
            Finding.warn(
                NAME,
                String.format(
                    DoctorMessages.TAG_NOT_REFRESHED,
                    id,
                    key.keyArn(),
                    Ages.format(age),
                    Ages.format(refresh),
                    CleanupRules.staleAt(updated.get(), context.settings())),
                DoctorMessages.FIX_TAG_NOT_REFRESHED));
        continue;
      }
      findings.add(Finding.ok(NAME, String.format(TAGGED, id, Ages.format(age), key.keyArn())));
    }
  }

  private static void runAliased(DoctorContext context, List<Finding> findings) {
    if (context.aliasesFailed()) {
      return;
    }
    List<AliasListEntry> own = context.ownAliases();
    if (own.isEmpty()) {
      findings.add(Finding.ok(NAME, NONE));
      return;
    }
    Instant now = context.clock().instant();
    for (AliasListEntry alias : own) {
      String spireKeyId = context.naming().spireKeyIdOf(alias.aliasName()).orElseThrow();
      if (alias.targetKeyId() == null) {
        findings.add(
            Finding.fail(
                NAME,
                String.format(DoctorMessages.ALIAS_WITHOUT_TARGET, alias.aliasName()),
                String.format(DoctorMessages.FIX_ALIAS_WITHOUT_TARGET, alias.aliasName())));
        continue;
      }
      KeyMetadata key;
      try {
        key = context.describe(alias.targetKeyId());
      } catch (KmsCallException e) {
        findings.add(
            Finding.fail(
                NAME,
                String.format(DoctorMessages.KEY_DESCRIBE_FAILED, spireKeyId, e.getMessage()),
                PermissionsCheck.fix(e)));
        continue;
      }
      if (key.keyState() != KeyState.ENABLED) {
        String fix =
            key.keyState() == KeyState.PENDING_DELETION
                ? DoctorMessages.FIX_KEY_PENDING_DELETION
                : DoctorMessages.FIX_KEY_DISABLED;
        findings.add(
            Finding.fail(
                NAME,
                String.format(
                    DoctorMessages.KEY_NOT_ENABLED, spireKeyId, key.arn(), key.keyStateAsString()),
                String.format(fix, key.arn())));
        continue;
      }
      Instant updated = alias.lastUpdatedDate();
      Duration sinceRefresh = Ages.between(updated, now);
      Duration refresh = context.settings().refreshInterval();
      if (updated != null && sinceRefresh.compareTo(refresh.multipliedBy(2)) > 0) {
        findings.add(
            Finding.warn(
                NAME,
                String.format(
                    DoctorMessages.ALIAS_NOT_REFRESHED,
                    spireKeyId,
                    Ages.format(sinceRefresh),
                    Ages.format(refresh),
                    CleanupRules.staleAt(updated, context.settings())),
                DoctorMessages.FIX_ALIAS_NOT_REFRESHED));
        continue;
      }
      findings.add(
          Finding.ok(
              NAME,
              String.format(
                  KEY,
                  spireKeyId,
                  key.keySpecAsString(),
                  key.keyStateAsString(),
                  Ages.format(Ages.between(key.creationDate(), now)),
                  updated == null ? "?" : Ages.format(sinceRefresh),
                  key.arn())));
    }
  }
}
