package dev.spirekms.lifecycle;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.config.DisposalMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.spi.LoggingEventBuilder;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;

/**
 * Deletes the aliases of stopped servers of this trust domain, and queues their keys for deletion.
 *
 * <p>An alias qualifies when it is named {@code alias/SPIRE_SERVER/<td>/<other server id>/<key id>}
 * (never under this server's own prefix), it has a target and a LastUpdatedDate, and it has not
 * been refreshed for {@code stale_alias_threshold} (upstream aws_kms: 14 days). Right before the
 * DeleteAlias, the alias is read again: it must still point at the same enabled key, whose
 * description marks it as a SPIRE key of this trust domain, it must still be stale, and no other
 * alias may point at that key.
 *
 * <p>With {@code replica_regions}, each pass lists the replica regions first, then the home region
 * (so a replica is queued before its primary). A multi-Region key is left while the same alias is
 * fresh in another of its regions, or while it has a copy in a region this server does not reach.
 */
final class StaleAliasDisposer {
  private static final Duration QUEUE_FULL_WAIT = Duration.ofSeconds(5);

  /** What one run did. */
  record Summary(int aliasesSeen, int stale, int deleted, int reported, int skipped, int failed) {}

  private final CleanupScope scope;
  private final LifecycleKms kms;
  private final PacedTask<Summary> task;

  StaleAliasDisposer(CleanupScope scope, LifecycleKms kms) {
    this.scope = scope;
    this.kms = kms;
    this.task = scope.pacedTask("stale alias disposal", Run::new, kms);
  }

  /**
   * Starts one pass over all aliases of the account, in each replica region, then the home region.
   */
  CompletableFuture<Summary> runOnce() {
    return task.runOnce();
  }

  PacedTask<Summary> task() {
    return task;
  }

  private boolean isStale(Instant lastUpdated, Instant now) {
    return CleanupRules.isStale(lastUpdated, now, scope.settings());
  }

  private enum Result {
    DELETED,
    REPORTED,
    SKIPPED,
    FAILED,
    WAIT
  }

  private final class Run implements PacedTask.Run<Summary> {
    private final List<LifecycleKms> regions = kms.everyRegion();
    private final List<AliasListEntry> stale = new ArrayList<>();
    private int region;
    private boolean listed;
    private String marker;
    private int next;
    private int seen;
    private int staleTotal;
    private int deleted;
    private int reported;
    private int skipped;
    private int failed;

    @Override
    public PacedTask.Next step() {
      if (!listed) {
        return listPage();
      }
      if (next >= stale.size()) {
        if (++region < regions.size()) {
          // the next region: its own listing, its own stale aliases
          stale.clear();
          next = 0;
          listed = false;
          return PacedTask.Next.MORE;
        }
        finish();
        return PacedTask.Next.DONE;
      }
      AliasListEntry alias = stale.get(next);
      Result result = dispose(regions.get(region), alias);
      if (result == Result.WAIT) {
        return PacedTask.Next.after(QUEUE_FULL_WAIT);
      }
      next++;
      switch (result) {
        case DELETED -> deleted++;
        case REPORTED -> reported++;
        case SKIPPED -> skipped++;
        default -> failed++;
      }
      return PacedTask.Next.MORE;
    }

    private PacedTask.Next listPage() {
      LifecycleKms here = regions.get(region);
      ListAliasesResponse page;
      try {
        page = here.listAliases(marker);
      } catch (KmsCallException e) {
        inRegion(scope.log().atWarn(), here)
            .addKeyValue("reason", e.getMessage())
            .log(LifecycleMessages.ALIAS_LISTING_FAILED);
        failed++;
        // as with a single region: nothing is disposed of from a listing that broke off; the
        // other regions still are
        staleTotal -= stale.size();
        stale.clear();
        marker = null;
        listed = true;
        return PacedTask.Next.MORE;
      }
      Instant now = scope.clock().instant();
      for (AliasListEntry alias : page.aliases()) {
        seen++;
        if (!scope.naming().isOtherServerAlias(alias.aliasName())) {
          continue;
        }
        if (alias.targetKeyId() == null || alias.lastUpdatedDate() == null) {
          // upstream aws_kms skips aliases without a target or a date
          inRegion(scope.log().atDebug(), here)
              .addKeyValue("alias_name", alias.aliasName())
              .log("Alias has no target or no LastUpdatedDate; leaving it alone");
          continue;
        }
        if (isStale(alias.lastUpdatedDate(), now)) {
          stale.add(alias);
          staleTotal++;
        }
      }
      marker = Boolean.TRUE.equals(page.truncated()) ? page.nextMarker() : null;
      listed = marker == null;
      return PacedTask.Next.MORE;
    }

    private void finish() {
      var event = deleted + reported + failed > 0 ? scope.log().atInfo() : scope.log().atDebug();
      event
          .addKeyValue("regions", regions.size())
          .addKeyValue("aliases_checked", seen)
          .addKeyValue("stale", staleTotal)
          .addKeyValue("deleted", deleted)
          .addKeyValue("reported", reported)
          .addKeyValue("skipped", skipped)
          .addKeyValue("failed", failed)
          .log("Stale alias disposal finished");
    }

    @Override
    public Summary summary() {
      return new Summary(seen, staleTotal, deleted, reported, skipped, failed);
    }
  }

  private Result dispose(LifecycleKms here, AliasListEntry listed) {
    String aliasName = listed.aliasName();
    if (scope.settings().mode() == DisposalMode.DELETE && scope.queue().remainingCapacity() == 0) {
      // never delete an alias whose key cannot be queued: wait for room
      return Result.WAIT;
    }
    KeyMetadata key;
    try {
      key = here.describeKey(aliasName);
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.NOT_FOUND) {
        skip(here, aliasName, "the alias is gone, probably disposed of by another server");
        return Result.SKIPPED;
      }
      return failed(here, aliasName, e.getMessage());
    }
    if (key == null || key.arn() == null) {
      return failed(here, aliasName, LifecycleMessages.NO_KEY_ARN);
    }
    String keyArn = key.arn();
    if (!listed.targetKeyId().equals(key.keyId()) && !listed.targetKeyId().equals(keyArn)) {
      skip(here, aliasName, "the alias was repointed since it was listed, so its server is alive");
      return Result.SKIPPED;
    }
    if (key.keyState() != KeyState.ENABLED) {
      // upstream aws_kms leaves aliases of keys that are not enabled alone
      skip(here, aliasName, "its key is " + key.keyStateAsString());
      return Result.SKIPPED;
    }
    if (!scope.naming().isTrustDomainDescription(key.description())) {
      inRegion(scope.log().atWarn(), here)
          .addKeyValue("alias_name", aliasName)
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("description", String.valueOf(key.description()))
          .log(LifecycleMessages.STALE_ALIAS_NOT_SPIRE_KEY);
      return Result.SKIPPED;
    }
    if (scope.inUse().test(keyArn)) {
      inRegion(scope.log().atWarn(), here)
          .addKeyValue("alias_name", aliasName)
          .addKeyValue("key_arn", keyArn)
          .log(LifecycleMessages.STALE_ALIAS_KEY_IN_USE);
      return Result.SKIPPED;
    }
    List<AliasListEntry> aliases;
    try {
      aliases = here.aliasesOf(keyArn, LifecycleKms.ALIAS_PAGE);
    } catch (KmsCallException e) {
      return failed(here, aliasName, e.getMessage());
    }
    AliasListEntry fresh = null;
    List<String> others = new ArrayList<>();
    for (AliasListEntry alias : aliases) {
      if (aliasName.equals(alias.aliasName())) {
        fresh = alias;
      } else {
        others.add(alias.aliasName());
      }
    }
    Instant now = scope.clock().instant();
    if (fresh == null
        || fresh.lastUpdatedDate() == null
        || !isStale(fresh.lastUpdatedDate(), now)) {
      skip(
          here,
          aliasName,
          "the alias was refreshed or moved since it was listed, so its server is alive");
      return Result.SKIPPED;
    }
    if (!others.isEmpty()) {
      inRegion(scope.log().atWarn(), here)
          .addKeyValue("alias_name", aliasName)
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("other_aliases", String.join(",", others))
          .log(LifecycleMessages.STALE_ALIAS_OTHER_ALIASES);
      return Result.SKIPPED;
    }
    Optional<String> kept;
    try {
      // the same server refreshes its alias in every region of the key: a fresh one anywhere
      // means it is alive
      kept =
          RelatedKeys.keptElsewhere(
              here,
              key,
              a ->
                  aliasName.equals(a.aliasName())
                      && (a.lastUpdatedDate() == null || !isStale(a.lastUpdatedDate(), now)));
    } catch (KmsCallException e) {
      return failed(here, aliasName, e.getMessage());
    }
    if (kept.isPresent()) {
      inRegion(scope.log().atInfo(), here)
          .addKeyValue("alias_name", aliasName)
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("reason", kept.get())
          .log(LifecycleMessages.STALE_ALIAS_KEPT_ELSEWHERE);
      return Result.SKIPPED;
    }
    String age = Ages.format(Ages.between(fresh.lastUpdatedDate(), now));
    String reason =
        "alias of server "
            + scope.naming().otherServerIdOf(aliasName).orElseThrow()
            + " not refreshed for "
            + age
            + " (stale_alias_threshold "
            + Ages.format(scope.settings().staleAliasThreshold())
            + "), so that server has stopped";
    if (scope.settings().mode() == DisposalMode.REPORT) {
      inRegion(scope.log().atInfo(), here)
          .addKeyValue("alias_name", aliasName)
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("age", age)
          .addKeyValue("reason", reason)
          .addKeyValue("disposal_mode", scope.settings().mode().configValue())
          .log(
              "Stale alias would be deleted and its key scheduled for deletion; disposal_mode is"
                  + " report, so nothing was deleted");
      return Result.REPORTED;
    }
    try {
      here.deleteAlias(aliasName);
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.NOT_FOUND) {
        skip(here, aliasName, "the alias is gone, probably disposed of by another server");
        return Result.SKIPPED;
      }
      return failed(here, aliasName, e.getMessage());
    }
    inRegion(scope.log().atInfo(), here)
        .addKeyValue("alias_name", aliasName)
        .addKeyValue("key_arn", keyArn)
        .addKeyValue("age", age)
        .addKeyValue("reason", reason)
        .log("Stale alias deleted");
    scope.queue().offer(keyArn, reason, aliasName);
    return Result.DELETED;
  }

  private void skip(LifecycleKms here, String aliasName, String reason) {
    inRegion(scope.log().atDebug(), here)
        .addKeyValue("alias_name", aliasName)
        .addKeyValue("reason", reason)
        .log("Stale alias left alone");
  }

  private Result failed(LifecycleKms here, String aliasName, String reason) {
    inRegion(scope.log().atWarn(), here)
        .addKeyValue("alias_name", aliasName)
        .addKeyValue("reason", reason)
        .log(LifecycleMessages.DISPOSAL_FAILED);
    return Result.FAILED;
  }

  /** Names the region on a log line when the replica regions are cleaned up too. */
  private static LoggingEventBuilder inRegion(LoggingEventBuilder event, LifecycleKms here) {
    return here.home() ? event : event.addKeyValue("region", here.region());
  }
}
