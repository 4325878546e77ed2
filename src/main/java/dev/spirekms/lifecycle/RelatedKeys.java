package dev.spirekms.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.MultiRegionConfiguration;
import software.amazon.awssdk.services.kms.model.MultiRegionKey;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;

/**
 * The copies of a multi-Region key in its other regions, as cleanup in one region must see them:
 * aliases and key states are per region, so a key that looks unused in one region may be in use
 * through its copy in another (Developer Guide, Multi-Region keys).
 */
final class RelatedKeys {
  private RelatedKeys() {}

  /** The key's primary and replicas other than itself; empty for a single-Region key. */
  static List<MultiRegionKey> of(KeyMetadata key) {
    MultiRegionConfiguration configuration = key.multiRegionConfiguration();
    if (!Boolean.TRUE.equals(key.multiRegion()) || configuration == null) {
      return List.of();
    }
    List<MultiRegionKey> related = new ArrayList<>();
    if (configuration.primaryKey() != null) {
      related.add(configuration.primaryKey());
    }
    related.addAll(configuration.replicaKeys());
    related.removeIf(k -> key.arn().equals(k.arn()));
    return related;
  }

  /** Whether the key is a multi-Region replica. */
  static boolean isReplica(KeyMetadata key) {
    MultiRegionConfiguration configuration = key.multiRegionConfiguration();
    return configuration != null
        && configuration.multiRegionKeyType() == MultiRegionKeyType.REPLICA;
  }

  /**
   * Why the key's copies in other regions keep it, if they do: a copy in a region this server does
   * not reach (nothing is known of its aliases), or a copy that an alias {@code keeps} accepts
   * points to. One ListAliases call per reached copy.
   *
   * @throws dev.spirekms.aws.KmsCallException when a listing fails
   */
  static Optional<String> keptElsewhere(
      LifecycleKms kms, KeyMetadata key, Predicate<AliasListEntry> keeps) {
    for (MultiRegionKey copy : of(key)) {
      if (!kms.reaches(copy.region())) {
        return Optional.of(
            "its multi-Region copy in "
                + copy.region()
                + " is in a region this server does not reach (region or replica_regions)");
      }
      for (AliasListEntry alias : kms.aliasesOf(copy.arn(), LifecycleKms.ALIAS_PAGE)) {
        if (keeps.test(alias)) {
          return Optional.of(
              "its multi-Region copy in " + copy.region() + " has the alias " + alias.aliasName());
        }
      }
    }
    return Optional.empty();
  }
}
