package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.localkms.FakeKmsClient;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsCall;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;

/** GenerateKey with replica_regions, and a server of a replica region taking the keys over. */
class KmsKeyStoreReplicationTest {
  private static final String TD = "example.org";
  private static final String SERVER = "11111111-2222-3333-4444-555555555555";
  private static final String HOME = "us-east-1";
  private static final String WEST = "us-west-2";
  private static final String EU = "eu-west-1";
  private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
  private static final String ALIAS = "alias/SPIRE_SERVER/example_org/" + SERVER + "/x509-CA-A";

  private final KmsModel model = KmsModel.builder().region(HOME).build();
  private final FakeKmsClient home = new FakeKmsClient(model);
  private final RecordingDeletionQueue deletions = new RecordingDeletionQueue();

  private KmsKeyStore open(FakeKmsClient kms, String... replicaRegions) {
    Map<String, software.amazon.awssdk.services.kms.KmsClient> clients = new LinkedHashMap<>();
    for (String region : replicaRegions) {
      clients.put(region, kms.inRegion(region));
    }
    KeyStoreSettings settings =
        new KeyStoreSettings(
            new KeyNaming(TD, SERVER), KeyPolicySource.fixed(POLICY), Map.of("team", "pki"), 4);
    return KmsKeyStore.open(kms, null, settings, deletions, new Replication(clients));
  }

  private List<String> calls() {
    return model.calls().stream().map(c -> c.operation() + "@" + c.region()).toList();
  }

  @Test
  void oneReplicaRegion() {
    KmsKeyStore store = open(home, WEST);
    model.clearCalls();
    KeyEntry entry = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(
        List.of(
            "CreateKey@us-east-1",
            "GetPublicKey@us-east-1",
            "ReplicateKey@us-east-1",
            "CreateAlias@us-west-2",
            "CreateAlias@us-east-1"),
        calls());
    KmsModel west = model.inRegion(WEST);
    KeyMetadata primary = model.key(entry.keyArn());
    assertTrue(primary.keyId().startsWith("mrk-"));
    assertEquals(
        MultiRegionKeyType.PRIMARY, primary.multiRegionConfiguration().multiRegionKeyType());
    KeyMetadata replica = west.key(ALIAS);
    assertEquals(Replication.arnIn(entry.keyArn(), WEST), replica.arn());
    assertEquals(primary.description(), replica.description());
    assertEquals(Optional.of(POLICY), west.policy(ALIAS));
    assertEquals(Map.of("team", "pki"), west.tags(ALIAS));
    assertArrayEquals(entry.pkixDer(), west.publicKey(ALIAS).getEncoded());
    ReplicateKeyRequest replicate =
        model.requests(KmsOperations.REPLICATE_KEY, ReplicateKeyRequest.class).get(0);
    assertEquals(WEST, replicate.replicaRegion());
    assertEquals(POLICY, replicate.policy());
    assertEquals(0, store.replication().gaps().size());
  }

  @Test
  void twoReplicaRegionsAndARotation() {
    KmsKeyStore store = open(home, WEST, EU);
    model.clearCalls();
    KeyEntry first = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(
        List.of(
            "CreateKey@us-east-1",
            "GetPublicKey@us-east-1",
            "ReplicateKey@us-east-1",
            "CreateAlias@us-west-2",
            "ReplicateKey@us-east-1",
            "CreateAlias@eu-west-1",
            "CreateAlias@us-east-1"),
        calls());
    model.clearCalls();
    KeyEntry second = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(
        List.of(
            "CreateKey@us-east-1",
            "GetPublicKey@us-east-1",
            "ReplicateKey@us-east-1",
            "UpdateAlias@us-west-2",
            "ReplicateKey@us-east-1",
            "UpdateAlias@eu-west-1",
            "UpdateAlias@us-east-1"),
        calls());
    for (String region : List.of(WEST, EU)) {
      assertEquals(
          Replication.arnIn(second.keyArn(), region), model.inRegion(region).key(ALIAS).arn());
    }
    // the replaced key goes to the deletion queue, which schedules its replicas first
    assertEquals(List.of(first.keyArn()), deletions.keyArns());
  }

  @Test
  void aReplicaRegionThatRefusesLeavesGenerateKeySuccessfulAndAGapToRetry() {
    KmsKeyStore store = open(home, WEST, EU);
    model
        .faults()
        .failAlwaysWhen(
            KmsOperations.REPLICATE_KEY,
            ReplicateKeyRequest.class,
            r -> WEST.equals(r.replicaRegion()),
            Fault.serviceError("KMSInternalException", 500, "us-west-2 is unavailable"));
    model.inRegion(EU).faults().failNext(KmsOperations.CREATE_ALIAS, 1, Fault.accessDenied());
    KeyEntry entry = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(entry.keyArn(), model.key(ALIAS).arn());
    assertFalse(model.inRegion(WEST).hasKey(entry.keyArn().replace(HOME, WEST)));
    List<ReplicaGaps.Gap> gaps = store.replication().gaps().all();
    assertEquals(2, gaps.size());
    ReplicaGaps.Gap west = gaps.stream().filter(g -> g.region().equals(WEST)).findFirst().get();
    ReplicaGaps.Gap eu = gaps.stream().filter(g -> g.region().equals(EU)).findFirst().get();
    assertEquals("replica", west.missing());
    assertEquals("alias", eu.missing());
    assertTrue(west.reason().contains("us-west-2 is unavailable"), west.reason());

    // still refused: the gap stays
    assertEquals(Optional.of(KmsKeyStore.Repair.FAILED), store.repair(west));
    model.faults().clear();
    assertEquals(Optional.of(KmsKeyStore.Repair.MADE), store.repair(west));
    assertEquals(Optional.of(KmsKeyStore.Repair.MADE), store.repair(eu));
    assertEquals(0, store.replication().gaps().size());
    assertEquals(Replication.arnIn(entry.keyArn(), WEST), model.inRegion(WEST).key(ALIAS).arn());
    assertEquals(Replication.arnIn(entry.keyArn(), EU), model.inRegion(EU).key(ALIAS).arn());
    // the repair of the alias-only gap made no second replica
    assertEquals(
        1,
        model.calls(KmsOperations.REPLICATE_KEY).stream()
            .filter(KmsCall::succeeded)
            .filter(c -> EU.equals(c.request(ReplicateKeyRequest.class).replicaRegion()))
            .count());
  }

  @Test
  void aGapOfAReplacedKeyIsSuperseded() {
    KmsKeyStore store = open(home, WEST);
    model.faults().failNext(KmsOperations.REPLICATE_KEY, 1, Fault.throttling());
    store.generate("x509-CA-A", SpireKeyType.EC_P256);
    ReplicaGaps.Gap gap = store.replication().gaps().all().get(0);
    store.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(0, store.replication().gaps().size());
    assertEquals(Optional.of(KmsKeyStore.Repair.SUPERSEDED), store.repair(gap));
  }

  @Test
  void aServerInTheReplicaRegionAdoptsTheKeysSignsAndRotatesWithItsOwnPrimary() throws Exception {
    KmsKeyStore east = open(home, WEST);
    KeyEntry made = east.generate("x509-CA-A", SpireKeyType.EC_P256);

    // failover: same server id, region us-west-2, replica_regions = [us-east-1]
    FakeKmsClient westClient = home.inRegion(WEST);
    KmsKeyStore west = open(westClient, HOME);
    KeyEntry adopted = west.require("x509-CA-A");
    assertEquals(Replication.arnIn(made.keyArn(), WEST), adopted.keyArn());
    assertArrayEquals(made.pkixDer(), adopted.pkixDer());
    byte[] digest = MessageDigest.getInstance("SHA-256").digest("hello".getBytes());
    KmsKeyStore.Signature signature = west.sign("x509-CA-A", digest, SignerOptions.pkcs1(5));
    java.security.Signature verifier = java.security.Signature.getInstance("NONEwithECDSA");
    verifier.initVerify(model.publicKey(made.keyArn()));
    verifier.update(digest);
    assertTrue(verifier.verify(signature.bytes()));

    KeyEntry rotated = west.generate("x509-CA-A", SpireKeyType.EC_P256);
    KeyMetadata newPrimary = model.inRegion(WEST).key(rotated.keyArn());
    assertEquals(WEST, newPrimary.multiRegionConfiguration().primaryKey().region());
    assertEquals(
        List.of(HOME),
        newPrimary.multiRegionConfiguration().replicaKeys().stream().map(k -> k.region()).toList());
    // the home region's alias follows the new key too
    assertEquals(Replication.arnIn(rotated.keyArn(), HOME), model.key(ALIAS).arn());
    assertEquals(List.of(adopted.keyArn()), deletions.keyArns());
  }

  @Test
  void aReplicaGenerateKeyHasNoTimeLeftForIsLeftToTheRepairWithoutACall() {
    Replication replication = new Replication(Map.of(WEST, home.inRegion(WEST)));
    KeyStoreSettings settings =
        new KeyStoreSettings(new KeyNaming(TD, SERVER), KeyPolicySource.fixed(POLICY), Map.of(), 4);
    String keyArn =
        home.createKey(b -> b.multiRegion(true).keySpec("ECC_NIST_P256").keyUsage("SIGN_VERIFY"))
            .keyMetadata()
            .arn();
    model.clearCalls();
    boolean made =
        new ReplicaMaker(home, replication, settings)
            .make(
                "x509-CA-A",
                keyArn,
                ALIAS,
                WEST,
                Optional.of(POLICY),
                List.of(),
                false,
                false,
                CallBudget.start(Duration.ofSeconds(5)).leaving(Duration.ofSeconds(5)));
    assertFalse(made);
    assertEquals(List.of(), calls());
    ReplicaGaps.Gap gap = replication.gaps().all().get(0);
    assertEquals(WEST, gap.region());
    assertEquals(KeyMessages.REPLICA_OUT_OF_TIME, gap.reason());
    assertFalse(gap.replicaMade());
  }
}
