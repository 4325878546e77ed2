package dev.spirekms.doctor;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.lifecycle.Ages;
import dev.spirekms.lifecycle.CleanupRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * This server's keys, as the aliases under {@code alias/SPIRE_SERVER/<td>/<server id>/} point to
 * them: each key's state, spec and age, and when its alias was last refreshed.
 */
final class ServerKeysCheck implements Check {
  static final String NAME = "keys";
  static final String NO_SERVER_ID = "none: no server id yet (see the server id finding)";
  static final String NONE = "none yet: SPIRE server asks for its keys at its first start";
  static final String KEY = "%s: %s, %s, created %s ago, alias refreshed %s ago (%s)";

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
