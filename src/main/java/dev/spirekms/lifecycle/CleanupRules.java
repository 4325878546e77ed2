package dev.spirekms.lifecycle;

import dev.spirekms.keys.KeyNaming;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The rules by which the stale alias disposal and the orphan key sweep pick what to clean up, for
 * those tasks and for anything that reports on them without deleting.
 */
public final class CleanupRules {
  private CleanupRules() {}

  /** When an alias last updated at {@code lastUpdated} counts as stale. */
  public static Instant staleAt(Instant lastUpdated, LifecycleSettings settings) {
    return lastUpdated.plus(settings.staleAliasThreshold());
  }

  /** Whether an alias last updated at {@code lastUpdated} is stale at {@code now}. */
  public static boolean isStale(Instant lastUpdated, Instant now, LifecycleSettings settings) {
    return !staleAt(lastUpdated, settings).isAfter(now);
  }

  /**
   * Whether a key may be an orphan, before the checks that need more calls (no alias points to it,
   * this server does not use it): its description marks it as a SPIRE key of this trust domain, it
   * is enabled, and it is at least {@link LifecycleSettings#orphanMinimumAge()} old (a younger key
   * may be one a GenerateKey is still giving an alias).
   */
  public static boolean mayBeOrphan(
      KeyMetadata key, KeyNaming naming, Instant now, LifecycleSettings settings) {
    if (key == null || !naming.isTrustDomainDescription(key.description())) {
      return false;
    }
    if (key.keyState() != KeyState.ENABLED || key.creationDate() == null) {
      return false;
    }
    return Duration.between(key.creationDate(), now).compareTo(settings.orphanMinimumAge()) >= 0;
  }
}
