package dev.spirekms.doctor;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.config.DisposalMode;
import dev.spirekms.lifecycle.Ages;
import dev.spirekms.lifecycle.CleanupRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;

/**
 * The keys of this trust domain that cost money without serving: keys pending deletion, and orphan
 * candidates under the orphan key sweep's rules (a SPIRE key of this trust domain, enabled, older
 * than the sweep's minimum age, with no alias), with what they cost a month. Like the sweep, it
 * describes every key of the account and region once.
 */
final class CleanupCheck implements Check {
  static final String NAME = "cleanup";
  // KMS pricing (an assumption, not read from AWS): each customer managed key costs USD 1 a
  // month, keys pending deletion included, prorated hourly.
  static final int USD_PER_KEY_MONTH = 1;
  static final String PRICE_NOTE = "at an assumed USD 1 per key per month";
  static final int LISTED = 5;
  // KMS ListKeys: Limit is 1 to 1000
  private static final int KEY_PAGE = 1000;

  static final String PENDING =
      "%d keys of this trust domain pending deletion, USD %d/month %s: %s";
  static final String NO_PENDING = "no key of this trust domain is pending deletion";
  static final String ORPHANS_DELETE = "the orphan key sweep schedules them for deletion";
  static final String NO_ORPHANS = "no orphan candidates among %d keys of the account and region";
  static final String UNREADABLE =
      "%d keys of the account and region could not be described (keys of other applications"
          + " may be closed to this identity): %s";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(DoctorContext context, List<Finding> findings) {
    if (context.aliasesFailed()) {
      return;
    }
    List<KeyListEntry> keys;
    try {
      keys = listKeys(context);
    } catch (KmsCallException e) {
      findings.add(Finding.fail(NAME, e.getMessage(), DoctorMessages.FIX_LIST_KEYS));
      return;
    }
    Set<String> aliased = new HashSet<>();
    for (AliasListEntry alias : context.aliases()) {
      if (alias.targetKeyId() != null) {
        aliased.add(alias.targetKeyId());
      }
    }
    Instant now = context.clock().instant();
    List<String> pending = new ArrayList<>();
    List<String> orphans = new ArrayList<>();
    int unreadable = 0;
    String lastError = "";
    for (KeyListEntry listed : keys) {
      String id = listed.keyArn() != null ? listed.keyArn() : listed.keyId();
      KeyMetadata key;
      try {
        key = context.describe(id);
      } catch (KmsCallException e) {
        if (e.kind() != KmsCallException.Kind.NOT_FOUND) {
          unreadable++;
          lastError = e.getMessage();
        }
        continue;
      }
      if (!context.naming().isTrustDomainDescription(key.description())) {
        continue;
      }
      if (key.keyState() == KeyState.PENDING_DELETION) {
        pending.add(key.arn() + " (deleted from " + key.deletionDate() + ")");
      } else if (CleanupRules.mayBeOrphan(key, context.naming(), now, context.settings())
          && !aliased.contains(key.keyId())
          && !aliased.contains(key.arn())) {
        orphans.add(key.arn() + " (" + Ages.format(Ages.between(key.creationDate(), now)) + ")");
      }
    }
    if (pending.isEmpty()) {
      findings.add(Finding.ok(NAME, NO_PENDING));
    } else {
      findings.add(
          Finding.ok(
              NAME,
              String.format(
                  PENDING,
                  pending.size(),
                  pending.size() * USD_PER_KEY_MONTH,
                  PRICE_NOTE,
                  first(pending))));
    }
    if (orphans.isEmpty()) {
      findings.add(Finding.ok(NAME, String.format(NO_ORPHANS, keys.size())));
    } else {
      boolean report = context.settings().mode() == DisposalMode.REPORT;
      String message =
          String.format(
              DoctorMessages.ORPHANS,
              orphans.size(),
              Ages.format(context.settings().orphanMinimumAge()),
              orphans.size() * USD_PER_KEY_MONTH,
              PRICE_NOTE,
              first(orphans),
              report ? DoctorMessages.ORPHANS_REPORTED : ORPHANS_DELETE);
      findings.add(
          report
              ? Finding.warn(NAME, message, DoctorMessages.FIX_ORPHANS)
              : Finding.ok(NAME, message));
    }
    if (unreadable > 0) {
      findings.add(Finding.ok(NAME, String.format(UNREADABLE, unreadable, lastError)));
    }
  }

  private static List<KeyListEntry> listKeys(DoctorContext context) {
    List<KeyListEntry> all = new ArrayList<>();
    String marker = null;
    do {
      String m = marker;
      ListKeysResponse page =
          AwsCalls.call(
              "kms:ListKeys", () -> context.kms().listKeys(b -> b.limit(KEY_PAGE).marker(m)));
      all.addAll(page.keys());
      marker = Boolean.TRUE.equals(page.truncated()) ? page.nextMarker() : null;
    } while (marker != null);
    return all;
  }

  private static String first(List<String> items) {
    String shown = items.stream().limit(LISTED).collect(Collectors.joining(", "));
    return items.size() > LISTED ? shown + " and " + (items.size() - LISTED) + " more" : shown;
  }
}
