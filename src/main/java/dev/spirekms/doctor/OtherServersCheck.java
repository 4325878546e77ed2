package dev.spirekms.doctor;

import dev.spirekms.config.DisposalMode;
import dev.spirekms.lifecycle.Ages;
import dev.spirekms.lifecycle.CleanupRules;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.kms.model.AliasListEntry;

/**
 * The aliases of the other servers of this trust domain, by server id, with the date each server's
 * first alias becomes due for disposal under the stale alias disposal's rule (not refreshed for
 * {@code stale_alias_threshold}). Nothing is deleted; at disposal time the task checks the key
 * again (enabled, a SPIRE key of this trust domain, no other alias), so a due alias may still be
 * left alone.
 */
final class OtherServersCheck implements Check {
  static final String NAME = "other servers";
  static final String NONE = "no aliases of other servers in this trust domain";
  static final String SERVER =
      "server %s: %d aliases, last refreshed %s ago, due for disposal from %s%s";
  static final String DUE_NOW = " (due now: %s)";
  static final String DELETE = "the next stale alias disposal deletes them";
  static final String REPORT = "disposal_mode is report, so they are only reported";
  static final String UNDATED = "server %s: %d aliases without a target or a date, left alone";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(DoctorContext context, List<Finding> findings) {
    if (context.aliasesFailed()) {
      return;
    }
    Map<String, Instant> earliest = new TreeMap<>();
    Map<String, Instant> latest = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, Integer> undated = new TreeMap<>();
    for (AliasListEntry alias : context.aliases()) {
      var server = context.naming().otherServerIdOf(alias.aliasName());
      if (server.isEmpty()) {
        continue;
      }
      String id = server.get();
      if (alias.targetKeyId() == null || alias.lastUpdatedDate() == null) {
        undated.merge(id, 1, Integer::sum);
        continue;
      }
      Instant updated = alias.lastUpdatedDate();
      counts.merge(id, 1, Integer::sum);
      earliest.merge(id, updated, (a, b) -> a.isBefore(b) ? a : b);
      latest.merge(id, updated, (a, b) -> a.isAfter(b) ? a : b);
    }
    if (counts.isEmpty() && undated.isEmpty()) {
      findings.add(Finding.ok(NAME, NONE));
      return;
    }
    Instant now = context.clock().instant();
    for (String id : counts.keySet()) {
      Instant due = CleanupRules.staleAt(earliest.get(id), context.settings());
      String when =
          CleanupRules.isStale(earliest.get(id), now, context.settings())
              ? String.format(
                  DUE_NOW, context.settings().mode() == DisposalMode.REPORT ? REPORT : DELETE)
              : "";
      findings.add(
          Finding.ok(
              NAME,
              String.format(
                  SERVER,
                  id,
                  counts.get(id),
                  Ages.format(Ages.between(latest.get(id), now)),
                  due,
                  when)));
    }
    undated.forEach((id, n) -> findings.add(Finding.ok(NAME, String.format(UNDATED, id, n))));
  }
}
