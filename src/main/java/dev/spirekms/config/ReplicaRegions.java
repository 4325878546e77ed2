package dev.spirekms.config;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code replica_regions} and {@code replica_endpoints}: the regions every new key is replicated
 * into, as a multi-Region key whose primary is in {@code region}, and the KMS endpoints to use
 * there instead of each region's default.
 *
 * @param regions the replica regions, in the order given; empty for single-Region keys
 * @param endpoints an endpoint for some of {@code regions}
 */
public record ReplicaRegions(List<String> regions, Map<String, URI> endpoints) {

  /** No replicas: every key is a single-Region key. */
  public static final ReplicaRegions NONE = new ReplicaRegions(List.of(), Map.of());

  public ReplicaRegions {
    regions = List.copyOf(regions);
    endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    if (!regions.containsAll(endpoints.keySet())) {
      throw new IllegalArgumentException("an endpoint for a region that is not a replica region");
    }
  }

  /** Whether new keys are multi-Region keys. */
  public boolean isEmpty() {
    return regions.isEmpty();
  }

  /** The endpoint configured for {@code region}, if one was. */
  public Optional<URI> endpoint(String region) {
    return Optional.ofNullable(endpoints.get(region));
  }
}
