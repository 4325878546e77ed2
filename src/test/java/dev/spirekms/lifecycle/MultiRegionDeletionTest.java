package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyNaming;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsCall;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;

/**
 * The deletion queue and the orphan sweep facing multi-Region keys whose copies cannot all be
 * handled: a replica out of reach, a replica with an alias, a region that fails.
 */
class MultiRegionDeletionTest {
  private static final String WEST = "us-west-2";
  private static final String EU = "eu-west-1";

  private final TestBed bed = new TestBed();
  private final KmsModel home = bed.model;
  private final KmsModel west = bed.model.inRegion(WEST);
  private final TestBed.Server ours = bed.server("srv-a");
  private final KeyNaming gone = new KeyNaming(TestBed.TRUST_DOMAIN, "srv-gone");

  @AfterEach
  void close() {
    ours.lifecycle.close();
  }

  private String primary(KmsModel region) {
    return region
        .createKey(
            CreateKeyRequest.builder()
                .keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsageType.SIGN_VERIFY)
                .description(gone.description("x509-CA-A"))
                .multiRegion(true)
                .build())
        .keyMetadata()
        .arn();
  }

  private static String replicate(KmsModel region, String primary, String into) {
    return region
        .replicateKey(
            ReplicateKeyRequest.builder()
                .keyId(primary)
                .replicaRegion(into)
                .description(region.key(primary).description())
                .build())
        .replicaKeyMetadata()
        .arn();
  }

  private List<String> scheduled() {
    return bed.model.calls(KmsOperations.SCHEDULE_KEY_DELETION).stream()
        .filter(KmsCall::succeeded)
        .map(c -> c.request(ScheduleKeyDeletionRequest.class).keyId())
        .toList();
  }

  @Test
  void aReplicaInARegionThisServerDoesNotReachIsLeftAndThePrimaryWaitsForIt() {
    ours.startReplicatingTo(WEST);
    String primary = primary(home);
    String replica = replicate(home, primary, EU);

    ours.queue().offer(primary, "replaced", null);
    bed.advance(Duration.ofMinutes(1));

    CapturedLog.Line left = ours.log.withMessage(LifecycleMessages.REPLICA_NOT_REACHED).get(0);
    assertEquals(EU, left.field("region"));
    assertEquals(replica, left.field("key_arn"));
    assertEquals(List.of(primary), scheduled());
    assertEquals(KeyState.PENDING_REPLICA_DELETION, home.keyState(primary));
    assertEquals(KeyState.ENABLED, home.inRegion(EU).keyState(replica));
  }

  @Test
  void aReplicaAnAliasStillPointsToIsLeft() {
    ours.startReplicatingTo(WEST);
    String primary = primary(home);
    String replica = replicate(home, primary, WEST);
    west.createAlias(
        CreateAliasRequest.builder()
            .aliasName(gone.aliasName("x509-CA-A"))
            .targetKeyId(replica)
            .build());

    ours.queue().offer(primary, "replaced", null);
    bed.advance(Duration.ofMinutes(1));

    CapturedLog.Line left =
        ours.log.withMessage(LifecycleMessages.REPLICA_ALIAS_STILL_POINTS).get(0);
    assertEquals(WEST, left.field("region"));
    assertEquals(gone.aliasName("x509-CA-A"), left.field("alias_name"));
    assertEquals(List.of(primary), scheduled());
    assertEquals(KeyState.ENABLED, west.keyState(replica));
  }

  @Test
  void aReplicaWhoseSchedulingFailsIsRetriedBeforeThePrimary() {
    ours.startReplicatingTo(WEST);
    String primary = primary(home);
    String replica = replicate(home, primary, WEST);
    west.faults()
        .failNext(
            KmsOperations.SCHEDULE_KEY_DELETION,
            1,
            Fault.serviceError("KMSInternalException", 500, "us-west-2 hiccup"));

    ours.queue().offer(primary, "replaced", null);
    bed.advance(Duration.ofMinutes(2));

    assertTrue(
        ours.log
            .withMessage(LifecycleMessages.DELETION_RETRY)
            .get(0)
            .field("reason")
            .contains("us-west-2 hiccup"));
    assertEquals(List.of(replica, primary), scheduled());
    assertEquals(KeyState.PENDING_DELETION, west.keyState(replica));
  }

  @Test
  void aReplicaWhosePrimaryIsInARegionThisServerDoesNotReachIsNoOrphan() {
    ours.startReplicatingTo(WEST);
    String primary = primary(home.inRegion(EU));
    String replica = replicate(home.inRegion(EU), primary, WEST);
    bed.advance(Duration.ofHours(49));

    assertEquals(0, ours.sweep().orphans());
    bed.advance(Duration.ofMinutes(1));
    assertEquals(List.of(), scheduled());
    assertEquals(KeyState.ENABLED, west.keyState(replica));
  }

  @Test
  void anOrphanCandidateWhoseAliasesCannotBeListedIsCountedAsFailed() {
    ours.startReplicatingTo(WEST);
    String candidate = bed.createKey(gone.description("x509-CA-A"));
    home.faults()
        .failAlwaysWhen(
            KmsOperations.LIST_ALIASES,
            ListAliasesRequest.class,
            r -> candidate.equals(r.keyId()),
            Fault.serviceError("KMSInternalException", 500, "cannot list"));
    bed.advance(Duration.ofHours(49));

    OrphanKeySweeper.Summary sweep = ours.sweep();
    assertEquals(0, sweep.orphans());
    assertEquals(1, sweep.failed());
    assertEquals(
        candidate,
        ours.log.withMessage(LifecycleMessages.KEY_ALIASES_NOT_LISTED).get(0).field("key_arn"));
    assertEquals(List.of(), scheduled());
  }
}
