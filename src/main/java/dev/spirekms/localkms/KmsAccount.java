package dev.spirekms.localkms;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * One account of the local KMS: the regions it has used, each with its own keys and aliases (a
 * {@link KmsState}), the one lock that guards all of them, and what the regions share: the clock,
 * the key pair source, and the rules that span regions (multi-Region keys and their deletion).
 */
final class KmsAccount {
  final Clock clock;
  final String accountId;
  final int maxKeys;
  final SecureRandom random = new SecureRandom();
  final KeyPairSource keyPairs;

  /** Guards {@link #regions} and every key and alias of every region. */
  final Object lock = new Object();

  private final Map<String, KmsState> regions = new LinkedHashMap<>();

  KmsAccount(
      Clock clock, String accountId, int maxKeys, boolean rsaAhead, Duration keyGenerationTime) {
    this.clock = clock;
    this.accountId = accountId;
    this.maxKeys = maxKeys;
    this.keyPairs =
        rsaAhead
            ? KeyPairSource.ahead(random, keyGenerationTime)
            : KeyPairSource.onDemand(random, keyGenerationTime);
  }

  /** The state of {@code region}, made empty on first use, as every AWS Region starts. */
  KmsState region(String region) {
    synchronized (lock) {
      return regions.computeIfAbsent(region, name -> new KmsState(this, name));
    }
  }

  /** Whether {@code region} has been used: by a view of it, or as a replica region. */
  boolean hasRegion(String region) {
    synchronized (lock) {
      return regions.containsKey(region);
    }
  }

  /** The regions that hold a key with this id, in the order the regions were first used. */
  List<KeyRecord> related(String keyId) {
    List<KeyRecord> related = new ArrayList<>();
    for (KmsState state : regions.values()) {
      KeyRecord key = state.keys.get(keyId);
      if (key != null) {
        related.add(key);
      }
    }
    return related;
  }

  Optional<KeyRecord> key(String region, String keyId) {
    KmsState state = regions.get(region);
    return state == null ? Optional.empty() : Optional.ofNullable(state.keys.get(keyId));
  }

  Instant now() {
    // KMS reports dates to the millisecond.
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Deletes the keys of every region whose waiting period is over, with their aliases, and starts
   * the waiting period of a primary key in PendingReplicaDeletion once its last replica is gone;
   * returns now. Call with {@link #lock} held.
   */
  Instant purgeExpired() {
    Instant now = now();
    boolean changed = true;
    Map<String, Instant> lastReplicaGone = new HashMap<>();
    while (changed) {
      changed = false;
      for (KmsState state : regions.values()) {
        for (KeyRecord gone : state.removeExpired(now)) {
          lastReplicaGone.merge(gone.id, gone.deletionDate, (a, b) -> a.isAfter(b) ? a : b);
          changed = true;
        }
      }
      for (KmsState state : regions.values()) {
        for (KeyRecord key : state.keys.values()) {
          if (key.state == KeyState.PENDING_REPLICA_DELETION && related(key.id).size() == 1) {
            // Developer Guide, Deleting multi-Region keys: the primary's waiting period begins
            // when its last replica is deleted.
            Instant start = lastReplicaGone.getOrDefault(key.id, now);
            key.state = KeyState.PENDING_DELETION;
            key.deletionDate = start.plus(Duration.ofDays(key.pendingWindowInDays));
            changed = true;
          }
        }
      }
    }
    return now;
  }
}
