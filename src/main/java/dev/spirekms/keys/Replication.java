package dev.spirekms.keys;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Where this server's new keys are replicated (the {@code replica_regions} setting): a KMS client
 * per replica region, in the order configured, and the replicas and replica aliases still missing.
 * {@link #NONE} for single-Region keys.
 */
public final class Replication {
  /** No replica regions: every new key is a single-Region key. */
  public static final Replication NONE = new Replication(Map.of());

  private final Map<String, KmsClient> clients;
  private final ReplicaGaps gaps = new ReplicaGaps();

  /** Replicates into each region of {@code clients}, in its iteration order. */
  public Replication(Map<String, KmsClient> clients) {
    this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(clients));
  }

  /** Whether new keys are multi-Region keys with replicas. */
  public boolean enabled() {
    return !clients.isEmpty();
  }

  public List<String> regions() {
    return List.copyOf(clients.keySet());
  }

  /** The KMS client of a replica region. */
  public KmsClient client(String region) {
    return Objects.requireNonNull(clients.get(region), region);
  }

  /** The replicas and replica aliases that could not be made yet. */
  public ReplicaGaps gaps() {
    return gaps;
  }

  /**
   * The ARN of a multi-Region key's related key in {@code region}: the same ARN with the region
   * replaced, since related keys share their key id (Developer Guide, Multi-Region keys).
   */
  public static String arnIn(String keyArn, String region) {
    String[] parts = keyArn.split(":", 6);
    if (parts.length != 6) {
      throw new IllegalArgumentException("not a key ARN: " + keyArn);
    }
    parts[3] = region;
    return String.join(":", parts);
  }

  /**
   * Whether two key ARNs name the same key or related multi-Region keys: related keys share their
   * {@code mrk-} key id and differ in region only.
   */
  public static boolean sameKeyMaterial(String keyArn, String otherArn) {
    if (keyArn.equals(otherArn)) {
      return true;
    }
    if (!keyArn.contains(":key/mrk-")) {
      return false;
    }
    String region = regionOf(otherArn);
    return !region.isEmpty() && arnIn(keyArn, region).equals(otherArn);
  }

  /** The region of a key ARN. */
  public static String regionOf(String keyArn) {
    String[] parts = keyArn.split(":", 6);
    return parts.length == 6 ? parts[3] : "";
  }
}
