package dev.spirekms.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The replicas, and replica aliases, of this server's current keys that could not be made when the
 * key was generated; the lifecycle retries them with a backoff per key. Thread-safe.
 */
public final class ReplicaGaps {

  /**
   * One missing piece in one replica region.
   *
   * @param spireKeyId the SPIRE key id
   * @param keyArn the primary key's ARN
   * @param aliasName the alias to point at the replica
   * @param region the replica region
   * @param replicaMade whether the replica exists and only its alias is missing
   * @param failures attempts that failed, the first (during GenerateKey) included
   * @param nextAttempt when the next attempt is due
   * @param reason why the last attempt failed
   */
  public record Gap(
      String spireKeyId,
      String keyArn,
      String aliasName,
      String region,
      boolean replicaMade,
      int failures,
      Instant nextAttempt,
      String reason) {
    public Gap {
      Objects.requireNonNull(spireKeyId, "spireKeyId");
      Objects.requireNonNull(keyArn, "keyArn");
      Objects.requireNonNull(aliasName, "aliasName");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(nextAttempt, "nextAttempt");
      Objects.requireNonNull(reason, "reason");
    }

    /** The replica's ARN: the primary's with the replica region. */
    public String replicaArn() {
      return Replication.arnIn(keyArn, region);
    }

    /** What is missing: {@code replica} or {@code alias}. */
    public String missing() {
      return replicaMade ? "alias" : "replica";
    }
  }

  private final Map<String, Gap> gaps = new LinkedHashMap<>();

  private static String slot(String spireKeyId, String region) {
    return spireKeyId + "\n" + region;
  }

  /** Records (or replaces) the gap of its key id and region. */
  public synchronized void record(Gap gap) {
    gaps.put(slot(gap.spireKeyId(), gap.region()), gap);
  }

  /** Forgets the gap of a key id and region, once made or no longer needed. */
  public synchronized void resolved(String spireKeyId, String region) {
    gaps.remove(slot(spireKeyId, region));
  }

  /** Forgets every gap of a SPIRE key id: its key was replaced. */
  public synchronized void superseded(String spireKeyId) {
    gaps.values().removeIf(g -> g.spireKeyId().equals(spireKeyId));
  }

  /** Every gap, soonest due first. */
  public synchronized List<Gap> all() {
    List<Gap> all = new ArrayList<>(gaps.values());
    all.sort(Comparator.comparing(Gap::nextAttempt));
    return all;
  }

  /** The gaps due at {@code now}, soonest first. */
  public synchronized List<Gap> due(Instant now) {
    return all().stream().filter(g -> !g.nextAttempt().isAfter(now)).toList();
  }

  public synchronized int size() {
    return gaps.size();
  }
}
