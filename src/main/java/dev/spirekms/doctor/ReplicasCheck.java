package dev.spirekms.doctor;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.Replication;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.MultiRegionConfiguration;
import software.amazon.awssdk.services.kms.model.MultiRegionKey;

/**
 * With {@code replica_regions}: whether a standby server in each replica region would find every
 * current key there, as step 2 of the failover runbook asks. For each key the alias points to, its
 * copy in each replica region must exist, be enabled, and have this server's alias pointing at it.
 * One DescribeKey per key and region, in that region.
 */
final class ReplicasCheck implements Check {
  static final String NAME = "replicas";
  static final String READY = "%s: ready in %s (%s)";
  static final String NO_KEYS = "no key yet to replicate into %s";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(DoctorContext context, List<Finding> findings) {
    List<String> regions = context.config().replicaRegions().regions();
    if (regions.isEmpty() || context.serverId().isEmpty() || context.aliasesFailed()) {
      return;
    }
    List<AliasListEntry> own = context.ownAliases();
    if (own.isEmpty()) {
      findings.add(Finding.ok(NAME, String.format(NO_KEYS, String.join(", ", regions))));
      return;
    }
    for (AliasListEntry alias : own) {
      if (alias.targetKeyId() == null) {
        continue;
      }
      String spireKeyId = context.naming().spireKeyIdOf(alias.aliasName()).orElseThrow();
      KeyMetadata key;
      try {
        key = context.describe(alias.targetKeyId());
      } catch (KmsCallException e) {
        // the keys check reports it
        continue;
      }
      if (!Boolean.TRUE.equals(key.multiRegion())) {
        findings.add(
            Finding.warn(
                NAME,
                String.format(
                    DoctorMessages.SINGLE_REGION_KEY,
                    spireKeyId,
                    key.arn(),
                    String.join(", ", regions)),
                DoctorMessages.FIX_SINGLE_REGION_KEY));
        continue;
      }
      Set<String> copies = copyRegions(key);
      for (String region : regions) {
        checkRegion(context, findings, spireKeyId, alias.aliasName(), key, copies, region);
      }
    }
  }

  private static void checkRegion(
      DoctorContext context,
      List<Finding> findings,
      String spireKeyId,
      String aliasName,
      KeyMetadata key,
      Set<String> copies,
      String region) {
    String copyArn = Replication.arnIn(key.arn(), region);
    if (!copies.contains(region)) {
      findings.add(
          Finding.fail(
              NAME,
              String.format(DoctorMessages.REPLICA_MISSING, spireKeyId, region, key.arn()),
              String.format(DoctorMessages.FIX_REPLICA_MISSING, region)));
      return;
    }
    KmsClient there = context.kmsIn(region);
    KeyMetadata target;
    try {
      target =
          AwsCalls.call(
              "kms:DescribeKey", () -> there.describeKey(b -> b.keyId(aliasName)).keyMetadata());
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.NOT_FOUND) {
        findings.add(
            Finding.warn(
                NAME,
                String.format(
                    DoctorMessages.REPLICA_ALIAS_MISSING, spireKeyId, aliasName, region, copyArn),
                String.format(
                    DoctorMessages.FIX_REPLICA_ALIAS_MISSING, region, aliasName, copyArn)));
        return;
      }
      findings.add(Finding.fail(NAME, region + ": " + e.getMessage(), PermissionsCheck.fix(e)));
      return;
    }
    if (!copyArn.equals(target.arn())) {
      findings.add(
          Finding.warn(
              NAME,
              String.format(
                  DoctorMessages.REPLICA_ALIAS_ELSEWHERE,
                  spireKeyId,
                  aliasName,
                  region,
                  target.arn(),
                  copyArn),
              DoctorMessages.FIX_REPLICA_ALIAS_ELSEWHERE));
      return;
    }
    if (target.keyState() != KeyState.ENABLED) {
      findings.add(
          Finding.fail(
              NAME,
              String.format(
                  DoctorMessages.REPLICA_NOT_ENABLED,
                  spireKeyId,
                  copyArn,
                  region,
                  target.keyStateAsString()),
              String.format(DoctorMessages.FIX_REPLICA_NOT_ENABLED, region, copyArn)));
      return;
    }
    findings.add(Finding.ok(NAME, String.format(READY, spireKeyId, region, copyArn)));
  }

  /** The regions of the key and of its related multi-Region keys. */
  private static Set<String> copyRegions(KeyMetadata key) {
    Set<String> regions = new HashSet<>();
    regions.add(Replication.regionOf(key.arn()));
    MultiRegionConfiguration configuration = key.multiRegionConfiguration();
    if (configuration != null) {
      if (configuration.primaryKey() != null) {
        regions.add(configuration.primaryKey().region());
      }
      configuration.replicaKeys().stream().map(MultiRegionKey::region).forEach(regions::add);
    }
    return regions;
  }
}
