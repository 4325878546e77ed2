package dev.spirekms.config;

import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for {@code replica_regions} and {@code replica_endpoints}. KMS allows one replica of a
 * key per region, in regions of the primary's partition other than the primary's own (API
 * Reference, ReplicateKey: ReplicaRegion); it sets no other limit on the number of replicas.
 */
final class ReplicaRegionRules {
  static final String REGIONS = "replica_regions";
  static final String ENDPOINTS = "replica_endpoints";

  // API Reference, ReplicateKey: ReplicaRegion matches ^([a-z]+-){2,3}\d+$ (1-32 characters).
  private static final Pattern REGION_NAME = Pattern.compile("([a-z]+-){2,3}\\d+");

  private ReplicaRegionRules() {}

  /**
   * Checks the settings, adding their problems to {@code errors} and {@code warnings}.
   *
   * @param region the home region, {@code null} when not set
   * @param useFipsEndpoint whether {@code use_fips_endpoint} is set
   * @return the replica regions, or {@code null} when they are not valid
   */
  static ReplicaRegions check(
      StringOrList regions,
      Map<String, String> endpoints,
      String region,
      boolean useFipsEndpoint,
      List<String> errors,
      List<String> warnings) {
    int before = errors.size();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < regions.size(); i++) {
      String replica = regions.values().get(i);
      String label = regions.label(REGIONS, i);
      if (replica.length() > 32 || !REGION_NAME.matcher(replica).matches()) {
        errors.add(
            String.format(
                ConfigMessages.REPLICA_REGION_NOT_A_REGION, label, GoQuote.quote(replica)));
      } else if (!seen.add(replica)) {
        errors.add(String.format(ConfigMessages.REPLICA_REGION_DUPLICATE, GoQuote.quote(replica)));
      } else if (replica.equals(region)) {
        errors.add(String.format(ConfigMessages.REPLICA_REGION_IS_HOME, GoQuote.quote(replica)));
      } else if (region != null
          && !RoleChainRules.partitionOf(replica).equals(RoleChainRules.partitionOf(region))) {
        errors.add(
            String.format(
                ConfigMessages.PARTITION_MISMATCH,
                label,
                GoQuote.quote(RoleChainRules.partitionOf(replica)),
                GoQuote.quote(region),
                GoQuote.quote(RoleChainRules.partitionOf(region))));
      }
    }
    Map<String, URI> uris = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : endpoints.entrySet()) {
      String label = ENDPOINTS + "[" + GoQuote.quote(e.getKey()) + "]";
      if (!regions.values().contains(e.getKey())) {
        errors.add(
            String.format(ConfigMessages.REPLICA_ENDPOINT_NOT_LISTED, GoQuote.quote(e.getKey())));
        continue;
      }
      if (useFipsEndpoint) {
        errors.add(String.format(ConfigMessages.FIPS_WITH_ENDPOINT, label));
        continue;
      }
      URI uri = EndpointRules.check(label, "KMS", e.getValue(), errors, warnings);
      if (uri != null) {
        uris.put(e.getKey(), uri);
      }
    }
    if (errors.size() > before) {
      return null;
    }
    return new ReplicaRegions(regions.values(), uris);
  }
}
