package dev.spirekms.localkms;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;
import software.amazon.awssdk.services.kms.model.ReplicateKeyResponse;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * ReplicateKey: a replica of a multi-Region primary key in another region of the same account and
 * partition, with the primary's key id, key spec, key usage and key material, and its own policy,
 * description, tags, aliases and key state (Developer Guide, Multi-Region keys).
 */
final class MultiRegionOperations {
  // API Reference, ReplicateKey: ReplicaRegion is 1-32 characters matching this pattern.
  private static final Pattern REGION = Pattern.compile("^([a-z]+-){2,3}\\d+$");

  /**
   * The policy a replica gets when ReplicateKey has none: KMS's default key policy, which gives the
   * account's principals what their IAM policies allow (Developer Guide, Default key policy).
   */
  static String defaultPolicy(String partition, String accountId) {
    return "{\"Version\":\"2012-10-17\",\"Id\":\"key-default-1\",\"Statement\":[{\"Sid\":"
        + "\"Enable IAM User Permissions\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:"
        + partition
        + ":iam::"
        + accountId
        + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
  }

  private final KmsState state;

  MultiRegionOperations(KmsState state) {
    this.state = state;
  }

  ReplicateKeyResponse replicateKey(ReplicateKeyRequest request) {
    String replicaRegion = request.replicaRegion();
    KmsState.requireMember("replicaRegion", replicaRegion);
    if (replicaRegion.length() > 32 || !REGION.matcher(replicaRegion).matches()) {
      throw KmsErrors.validation(
          "replicaRegion",
          replicaRegion,
          "Member must satisfy regular expression pattern: " + REGION.pattern());
    }
    String description = request.description() == null ? "" : request.description();
    if (description.length() > 8192) {
      throw KmsErrors.validation(
          "description",
          description.substring(0, 32) + "...",
          "Member must have length less than or equal to 8192");
    }
    KeyOperations.checkPolicy(request.policy());
    Map<String, String> tags = new TreeMap<>();
    TagOperations.mergeTags(tags, request.hasTags() ? request.tags() : List.of());
    synchronized (state.lock) {
      Instant now = state.purgeExpired();
      // API Reference, ReplicateKey: KeyId is the key id or key ARN of a multi-Region primary key.
      KeyRecord primary = state.resolve(request.keyId(), false);
      if (primary.primaryRegion == null) {
        throw KmsErrors.unsupported(primary.arn + " is not a multi-Region key");
      }
      if (!primary.primaryRegion.equals(state.region)) {
        throw KmsErrors.unsupported(
            primary.arn + " is a multi-Region replica key; replicate its primary key instead");
      }
      KmsState.requireUsable(primary);
      if (replicaRegion.equals(state.region)) {
        throw KmsErrors.validation(
            "The replica region " + replicaRegion + " is the region of the primary key");
      }
      if (!KmsState.partition(replicaRegion).equals(KmsState.partition(state.region))) {
        throw KmsErrors.validation(
            "The replica region "
                + replicaRegion
                + " is not in the partition of the primary key's region "
                + state.region);
      }
      KmsState replicas = state.account.region(replicaRegion);
      if (replicas.keys.containsKey(primary.id)) {
        // Developer Guide, Multi-Region keys: at most one replica of a key per region.
        throw KmsErrors.alreadyExists(
            "Replica key " + replicas.keyArn(primary.id) + " already exists");
      }
      if (replicas.keys.size() >= replicas.maxKeys) {
        throw KmsErrors.limitExceeded(
            "This account has reached its limit of "
                + replicas.maxKeys
                + " customer managed keys in "
                + replicaRegion);
      }
      String policy =
          request.policy() != null
              ? request.policy()
              : defaultPolicy(KmsState.partition(replicaRegion), state.accountId);
      KeyRecord replica =
          new KeyRecord(
              replicas.nextSequence++,
              replicaRegion,
              primary.id,
              replicas.keyArn(primary.id),
              primary.spec,
              primary.usage,
              description,
              policy,
              now,
              primary.keyPair,
              primary.primaryRegion);
      replica.tags.putAll(tags);
      replicas.keys.put(replica.id, replica);
      return ReplicateKeyResponse.builder()
          .replicaKeyMetadata(replicas.metadata(replica))
          .replicaPolicy(policy)
          .replicaTags(
              replica.tags.entrySet().stream()
                  .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build())
                  .toList())
          .build();
    }
  }
}
