package dev.spirekms.localkms;

import static dev.spirekms.localkms.Fixtures.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Signature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.MultiRegionKey;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;
import software.amazon.awssdk.services.kms.model.ReplicateKeyResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

/** Multi-Region keys: several regions of one model, ReplicateKey and replica deletion. */
class KmsModelMultiRegionTest {
  private static final String WEST = "us-west-2";
  private static final String EU = "eu-west-1";
  private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";

  private final SteppingClock clock = Fixtures.clock();
  private final KmsModel east = Fixtures.model(clock);
  private final KmsModel west = east.inRegion(WEST);

  private KeyMetadata createPrimary() {
    return east.createKey(
            CreateKeyRequest.builder()
                .keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsageType.SIGN_VERIFY)
                .description("primary")
                .policy(POLICY)
                .tags(Tag.builder().tagKey("k").tagValue("v").build())
                .multiRegion(true)
                .build())
        .keyMetadata();
  }

  private ReplicateKeyResponse replicate(String keyId, String region) {
    return east.replicateKey(
        ReplicateKeyRequest.builder()
            .keyId(keyId)
            .replicaRegion(region)
            .policy(POLICY)
            .description("replica in " + region)
            .tags(Tag.builder().tagKey("k").tagValue(region).build())
            .build());
  }

  @Test
  void regionsAreSeparateButShareTheCallLogAndClock() {
    KeyMetadata key = Fixtures.createKey(east);
    assertSame(west, east.inRegion(WEST));
    assertSame(east, west.inRegion(KmsModel.DEFAULT_REGION));
    assertEquals(WEST, west.region());
    assertTrue(east.hasKey(key.keyId()));
    assertFalse(west.hasKey(key.keyId()));
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> west.describeKey(DescribeKeyRequest.builder().keyId(key.keyId()).build()));
    // An ARN of another region is not found in this one.
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> west.describeKey(DescribeKeyRequest.builder().keyId(key.arn()).build()));
    List<KmsCall> calls = east.calls();
    assertEquals(List.of("CreateKey", "DescribeKey", "DescribeKey"), ops(calls));
    assertEquals(
        List.of(KmsModel.DEFAULT_REGION, WEST, WEST), calls.stream().map(KmsCall::region).toList());
    assertSame(east.clock(), west.clock());
    assertEquals(java.util.Set.of(KmsModel.DEFAULT_REGION, WEST), east.regions());
  }

  @Test
  void multiRegionKeyHasAnMrkIdAndPrimaryConfiguration() {
    KeyMetadata key = createPrimary();
    assertTrue(key.keyId().matches("mrk-[0-9a-f]{32}"), key.keyId());
    assertTrue(key.multiRegion());
    assertEquals(MultiRegionKeyType.PRIMARY, key.multiRegionConfiguration().multiRegionKeyType());
    assertEquals(
        MultiRegionKey.builder().arn(key.arn()).region(KmsModel.DEFAULT_REGION).build(),
        key.multiRegionConfiguration().primaryKey());
    assertEquals(List.of(), key.multiRegionConfiguration().replicaKeys());
    assertNull(Fixtures.createKey(east).multiRegionConfiguration());
    assertFalse(Fixtures.createKey(east).multiRegion());
  }

  @Test
  void replicaSharesIdAndKeyMaterialButHasItsOwnArnPolicyDescriptionAndTags() throws Exception {
    KeyMetadata primary = createPrimary();
    ReplicateKeyResponse response = replicate(primary.keyId(), WEST);
    KeyMetadata replica = response.replicaKeyMetadata();
    assertEquals(primary.keyId(), replica.keyId());
    assertEquals(primary.arn().replace(KmsModel.DEFAULT_REGION, WEST), replica.arn());
    assertNotEquals(primary.arn(), replica.arn());
    assertEquals("replica in " + WEST, replica.description());
    assertEquals(KeyState.ENABLED, replica.keyState());
    assertEquals(POLICY, response.replicaPolicy());
    assertEquals(List.of(Tag.builder().tagKey("k").tagValue(WEST).build()), response.replicaTags());
    assertEquals(Map.of("k", WEST), west.tags(primary.keyId()));
    assertEquals(Map.of("k", "v"), east.tags(primary.keyId()));
    assertArrayEquals(
        east.publicKey(primary.keyId()).getEncoded(), west.publicKey(primary.keyId()).getEncoded());

    // A signature made by the replica verifies with the primary's public key.
    byte[] message = "hello".getBytes();
    byte[] signature =
        west.sign(
                SignRequest.builder()
                    .keyId(replica.arn())
                    .message(SdkBytes.fromByteArray(message))
                    .messageType(MessageType.RAW)
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                    .build())
            .signature()
            .asByteArray();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(east.publicKey(primary.keyId()));
    verifier.update(message);
    assertTrue(verifier.verify(signature));
  }

  @Test
  void describeKeyListsThePrimaryAndEveryReplicaFromEachRegion() {
    KeyMetadata primary = createPrimary();
    replicate(primary.keyId(), WEST);
    replicate(primary.keyId(), EU);
    List<MultiRegionKey> replicas =
        List.of(
            MultiRegionKey.builder().arn(arn(EU, primary.keyId())).region(EU).build(),
            MultiRegionKey.builder().arn(arn(WEST, primary.keyId())).region(WEST).build());
    for (KmsModel region : List.of(east, west, east.inRegion(EU))) {
      KeyMetadata seen =
          region
              .describeKey(DescribeKeyRequest.builder().keyId(primary.keyId()).build())
              .keyMetadata();
      assertEquals(replicas, seen.multiRegionConfiguration().replicaKeys());
      assertEquals(primary.arn(), seen.multiRegionConfiguration().primaryKey().arn());
      assertEquals(
          region == east ? MultiRegionKeyType.PRIMARY : MultiRegionKeyType.REPLICA,
          seen.multiRegionConfiguration().multiRegionKeyType());
    }
  }

  @Test
  void aliasesAndKeyStatesArePerRegion() {
    KeyMetadata primary = createPrimary();
    replicate(primary.keyId(), WEST);
    west.createAlias(
        CreateAliasRequest.builder().aliasName("alias/a").targetKeyId(primary.keyId()).build());
    assertTrue(west.alias("alias/a").isPresent());
    assertTrue(east.alias("alias/a").isEmpty());
    west.disableKey(DisableKeyRequest.builder().keyId(primary.keyId()).build());
    assertEquals(KeyState.DISABLED, west.keyState(primary.keyId()));
    assertEquals(KeyState.ENABLED, east.keyState(primary.keyId()));
  }

  @Test
  void replicateKeyRejectsWhatKmsRejects() {
    KeyMetadata single = Fixtures.createKey(east);
    assertKmsError(
        UnsupportedOperationException.class,
        "UnsupportedOperationException",
        () -> replicate(single.keyId(), WEST));
    KeyMetadata primary = createPrimary();
    replicate(primary.keyId(), WEST);
    assertKmsError(
        AlreadyExistsException.class,
        "AlreadyExistsException",
        () -> replicate(primary.keyId(), WEST));
    // A replica cannot be replicated.
    assertKmsError(
        UnsupportedOperationException.class,
        "UnsupportedOperationException",
        () ->
            west.replicateKey(
                ReplicateKeyRequest.builder().keyId(primary.keyId()).replicaRegion(EU).build()));
    for (String bad : List.of(KmsModel.DEFAULT_REGION, "cn-north-1", "nowhere", "")) {
      KmsException e =
          assertKmsError(
              KmsException.class, KmsErrors.VALIDATION, () -> replicate(primary.keyId(), bad));
      assertFalse(e.getMessage().isEmpty());
    }
    assertKmsError(
        NotFoundException.class, "NotFoundException", () -> replicate("alias/none", WEST));
    east.disableKey(DisableKeyRequest.builder().keyId(primary.keyId()).build());
    assertKmsError(
        DisabledException.class, "DisabledException", () -> replicate(primary.keyId(), EU));
    assertEquals(List.of(KmsModel.DEFAULT_REGION, WEST), regionsOf(primary.keyId()));
  }

  @Test
  void replicaWithoutPolicyGetsTheDefaultKeyPolicyAndNoTags() {
    KeyMetadata primary = createPrimary();
    ReplicateKeyResponse response =
        east.replicateKey(
            ReplicateKeyRequest.builder().keyId(primary.arn()).replicaRegion(WEST).build());
    assertTrue(response.replicaPolicy().contains("arn:aws:iam::" + east.accountId() + ":root"));
    assertEquals(List.of(), response.replicaTags());
    assertEquals("", response.replicaKeyMetadata().description());
  }

  @Test
  void primaryWithReplicasWaitsInPendingReplicaDeletionUntilTheyAreDeleted() {
    KeyMetadata primary = createPrimary();
    replicate(primary.keyId(), WEST);
    ScheduleKeyDeletionResponse scheduled =
        east.scheduleKeyDeletion(
            ScheduleKeyDeletionRequest.builder()
                .keyId(primary.keyId())
                .pendingWindowInDays(7)
                .build());
    assertEquals(KeyState.PENDING_REPLICA_DELETION, scheduled.keyState());
    assertNull(scheduled.deletionDate());
    KeyMetadata waiting = east.key(primary.keyId());
    assertNull(waiting.deletionDate());
    assertEquals(7, waiting.pendingDeletionWindowInDays());
    assertKmsError(
        KmsInvalidStateException.class,
        "KMSInvalidStateException",
        () ->
            east.sign(
                SignRequest.builder()
                    .keyId(primary.keyId())
                    .message(SdkBytes.fromUtf8String("m"))
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                    .build()));

    clock.advance(Duration.ofDays(60));
    assertEquals(KeyState.PENDING_REPLICA_DELETION, east.keyState(primary.keyId()));

    west.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder()
            .keyId(primary.keyId())
            .pendingWindowInDays(10)
            .build());
    var replicaGone = clock.instant().plus(Duration.ofDays(10));
    clock.advance(Duration.ofDays(11));
    assertFalse(west.hasKey(primary.keyId()));
    KeyMetadata pending = east.key(primary.keyId());
    assertEquals(KeyState.PENDING_DELETION, pending.keyState());
    // The primary's own 7 days start when its replica was deleted.
    assertEquals(
        replicaGone.plus(Duration.ofDays(7)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
        pending.deletionDate());
    assertEquals(List.of(), pending.multiRegionConfiguration().replicaKeys());
    clock.advance(Duration.ofDays(7));
    assertFalse(east.hasKey(primary.keyId()));
  }

  @Test
  void primaryWithoutReplicasAndReplicasThemselvesGoStraightToPendingDeletion() {
    KeyMetadata alone = createPrimary();
    assertEquals(
        KeyState.PENDING_DELETION,
        east.scheduleKeyDeletion(ScheduleKeyDeletionRequest.builder().keyId(alone.keyId()).build())
            .keyState());
    KeyMetadata primary = createPrimary();
    replicate(primary.keyId(), WEST);
    assertEquals(
        KeyState.PENDING_DELETION,
        west.scheduleKeyDeletion(
                ScheduleKeyDeletionRequest.builder().keyId(primary.keyId()).build())
            .keyState());
    assertEquals(KeyState.ENABLED, east.keyState(primary.keyId()));
  }

  @Test
  void cancellingPendingReplicaDeletionLeavesThePrimaryDisabled() {
    KeyMetadata primary = createPrimary();
    replicate(primary.keyId(), WEST);
    east.scheduleKeyDeletion(ScheduleKeyDeletionRequest.builder().keyId(primary.keyId()).build());
    east.cancelKeyDeletion(CancelKeyDeletionRequest.builder().keyId(primary.keyId()).build());
    assertEquals(KeyState.DISABLED, east.keyState(primary.keyId()));
    assertNull(east.key(primary.keyId()).pendingDeletionWindowInDays());
  }

  @Test
  void faultRulesArePerRegion() {
    KeyMetadata primary = createPrimary();
    east.faults()
        .failAlwaysWhen(
            KmsOperations.REPLICATE_KEY,
            ReplicateKeyRequest.class,
            r -> WEST.equals(r.replicaRegion()),
            Fault.serviceError("KMSInternalException", 500, "region unavailable"));
    west.faults().failNext(KmsOperations.CREATE_ALIAS, 1, Fault.throttling());
    assertKmsError(
        KmsException.class, "KMSInternalException", 500, () -> replicate(primary.keyId(), WEST));
    replicate(primary.keyId(), EU);
    east.createAlias(
        CreateAliasRequest.builder().aliasName("alias/a").targetKeyId(primary.keyId()).build());
    assertKmsError(
        KmsException.class,
        KmsErrors.THROTTLING,
        () ->
            west.createAlias(
                CreateAliasRequest.builder()
                    .aliasName("alias/a")
                    .targetKeyId(primary.keyId())
                    .build()));
    assertEquals(
        List.of("ReplicateKey", "ReplicateKey"), ops(east.calls(KmsOperations.REPLICATE_KEY)));
  }

  private List<String> regionsOf(String keyId) {
    return east.regions().stream().filter(r -> east.inRegion(r).hasKey(keyId)).sorted().toList();
  }

  private String arn(String region, String keyId) {
    return "arn:aws:kms:" + region + ":" + east.accountId() + ":key/" + keyId;
  }

  private static List<String> ops(List<KmsCall> calls) {
    return calls.stream().map(KmsCall::operation).toList();
  }
}
