package dev.spirekms.keys;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * Makes one replica of a new key and points the key's alias at it in the replica's region:
 * ReplicateKey in the primary's region (with the key's policy, description and tags: KMS shares
 * none of them between related keys), then CreateAlias, or UpdateAlias on rotation, in the replica
 * region.
 */
final class ReplicaMaker {
  private static final Logger LOG = LoggerFactory.getLogger(KmsKeyStore.class);

  private final KmsClient home;
  private final Replication replication;
  private final KeyStoreSettings settings;

  ReplicaMaker(KmsClient home, Replication replication, KeyStoreSettings settings) {
    this.home = home;
    this.replication = replication;
    this.settings = settings;
  }

  /**
   * Makes the replica of a new key in {@code region}, and its alias there; a piece that cannot be
   * made is recorded in the replication's gaps for the lifecycle to retry, and logged: GenerateKey
   * goes on, since the key works in the home region without it. Its calls take what is left of
   * {@code budget}; with nothing left, none is made and the replica is recorded as missing.
   *
   * @return whether the replica and its alias are in place
   */
  boolean make(
      String spireKeyId,
      String keyArn,
      String aliasName,
      String region,
      Optional<String> policy,
      List<Tag> tags,
      boolean replicaMade,
      boolean aliasExists,
      CallBudget budget) {
    try {
      if (budget.spent()) {
        throw new ReplicaException(replicaMade, KeyMessages.REPLICA_OUT_OF_TIME);
      }
      replicate(
          keyArn,
          region,
          replication.client(region),
          aliasName,
          policy,
          settings.naming().description(spireKeyId),
          tags,
          replicaMade,
          aliasExists,
          budget);
      replication.gaps().resolved(spireKeyId, region);
      return true;
    } catch (ReplicaException e) {
      ReplicaGaps.Gap gap =
          new ReplicaGaps.Gap(
              spireKeyId,
              keyArn,
              aliasName,
              region,
              e.replicaMade(),
              1,
              settings.clock().instant(),
              e.getMessage());
      replication.gaps().record(gap);
      LOG.atWarn()
          .addKeyValue("spire_key_id", spireKeyId)
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("region", region)
          .addKeyValue("missing", gap.missing())
          .addKeyValue("reason", e.getMessage())
          .log(KeyMessages.REPLICA_NOT_MADE);
      return false;
    }
  }

  /**
   * Makes the replica unless {@code replicaMade}, then points the alias at it.
   *
   * @param aliasExists whether the alias is expected to exist in the region already (rotation)
   * @return the replica's ARN
   * @throws ReplicaException naming the piece that failed
   */
  String replicate(
      String keyArn,
      String region,
      KmsClient there,
      String aliasName,
      Optional<String> policy,
      String description,
      List<Tag> tags,
      boolean replicaMade,
      boolean aliasExists,
      CallBudget budget) {
    String replicaArn = Replication.arnIn(keyArn, region);
    if (!replicaMade) {
      try {
        AwsCalls.call(
            "kms:ReplicateKey",
            () ->
                home.replicateKey(
                    b -> {
                      b.keyId(keyArn)
                          .replicaRegion(region)
                          .description(description)
                          .overrideConfiguration(budget.timeout());
                      policy.ifPresent(b::policy);
                      if (!tags.isEmpty()) {
                        b.tags(tags);
                      }
                    }));
      } catch (KmsCallException e) {
        // made by an earlier attempt whose answer was lost
        if (e.kind() != KmsCallException.Kind.ALREADY_EXISTS) {
          throw new ReplicaException(false, e);
        }
      }
    }
    try {
      AliasPointer.point(there, aliasName, replicaArn, aliasExists, budget, () -> {});
    } catch (KmsCallException e) {
      throw new ReplicaException(true, e);
    }
    return replicaArn;
  }

  /** A replica, or its alias, that could not be made. */
  static final class ReplicaException extends RuntimeException {
    private final boolean replicaMade;

    ReplicaException(boolean replicaMade, KmsCallException cause) {
      super(cause.getMessage(), cause);
      this.replicaMade = replicaMade;
    }

    ReplicaException(boolean replicaMade, String reason) {
      super(reason);
      this.replicaMade = replicaMade;
    }

    boolean replicaMade() {
      return replicaMade;
    }
  }
}
