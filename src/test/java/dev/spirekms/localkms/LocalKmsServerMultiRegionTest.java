package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.ReplicateKeyResponse;
import software.amazon.awssdk.services.kms.model.Tag;

/** Two real SDK clients, built for two regions, against one server port. */
class LocalKmsServerMultiRegionTest {
  private final SteppingClock clock = Fixtures.clock();
  private final KmsModel model = Fixtures.model(clock);
  private LocalKmsServer server;
  private KmsClient east;
  private KmsClient west;

  @BeforeEach
  void start() throws Exception {
    model.inRegion("us-west-2");
    server = LocalKmsServer.start(model, 0);
    east = client(Region.US_EAST_1);
    west = client(Region.US_WEST_2);
  }

  @AfterEach
  void stop() {
    east.close();
    west.close();
    server.close();
  }

  private KmsClient client(Region region) {
    return LocalKmsClients.kms(server, region);
  }

  @Test
  void eachClientIsServedInTheRegionItSignsFor() {
    KeyMetadata primary =
        east.createKey(
                r ->
                    r.keySpec(KeySpec.ECC_NIST_P256)
                        .keyUsage(KeyUsageType.SIGN_VERIFY)
                        .multiRegion(true)
                        .tags(Tag.builder().tagKey("a").tagValue("b").build()))
            .keyMetadata();
    assertTrue(primary.keyId().startsWith("mrk-"));
    assertThrows(NotFoundException.class, () -> west.describeKey(r -> r.keyId(primary.keyId())));

    ReplicateKeyResponse replicated =
        east.replicateKey(
            r ->
                r.keyId(primary.keyId())
                    .replicaRegion("us-west-2")
                    .description("standby")
                    .tags(Tag.builder().tagKey("a").tagValue("c").build()));
    assertEquals(
        List.of(Tag.builder().tagKey("a").tagValue("c").build()), replicated.replicaTags());
    assertEquals("standby", replicated.replicaKeyMetadata().description());

    KeyMetadata replica = west.describeKey(r -> r.keyId(primary.keyId())).keyMetadata();
    assertEquals(
        "arn:aws:kms:us-west-2:" + model.accountId() + ":key/" + primary.keyId(), replica.arn());
    assertEquals(
        MultiRegionKeyType.REPLICA, replica.multiRegionConfiguration().multiRegionKeyType());
    assertEquals(primary.arn(), replica.multiRegionConfiguration().primaryKey().arn());
    assertEquals("us-east-1", replica.multiRegionConfiguration().primaryKey().region());
    assertEquals(
        List.of("us-west-2"),
        east
            .describeKey(r -> r.keyId(primary.keyId()))
            .keyMetadata()
            .multiRegionConfiguration()
            .replicaKeys()
            .stream()
            .map(k -> k.region())
            .toList());
    assertEquals(
        east.getPublicKey(r -> r.keyId(primary.keyId())).publicKey(),
        west.getPublicKey(r -> r.keyId(primary.keyId())).publicKey());

    west.createAlias(r -> r.aliasName("alias/standby").targetKeyId(primary.keyId()));
    assertEquals(1, west.listAliases().aliases().size());
    assertEquals(0, east.listAliases().aliases().size());

    assertEquals(
        KeyState.PENDING_REPLICA_DELETION,
        east.scheduleKeyDeletion(r -> r.keyId(primary.keyId()).pendingWindowInDays(7)).keyState());
    assertEquals(
        KeyState.PENDING_REPLICA_DELETION,
        east.describeKey(r -> r.keyId(primary.keyId())).keyMetadata().keyState());

    List<String> regions =
        model.calls().stream()
            .filter(c -> !c.operation().equals(KmsOperations.LIST_ALIASES))
            .map(c -> c.operation() + "@" + c.region())
            .toList();
    assertEquals(
        List.of(
            "CreateKey@us-east-1",
            "DescribeKey@us-west-2",
            "ReplicateKey@us-east-1",
            "DescribeKey@us-west-2",
            "DescribeKey@us-east-1",
            "GetPublicKey@us-east-1",
            "GetPublicKey@us-west-2",
            "CreateAlias@us-west-2",
            "ScheduleKeyDeletion@us-east-1",
            "DescribeKey@us-east-1"),
        regions);
  }

  @Test
  void aRegionTheModelHasNotUsedIsServedByItsOwnRegion() {
    try (KmsClient elsewhere = client(Region.AP_SOUTHEAST_2)) {
      String arn =
          elsewhere
              .createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
              .keyMetadata()
              .arn();
      assertTrue(arn.startsWith("arn:aws:kms:us-east-1:"), arn);
      assertEquals("us-east-1", model.calls().get(0).region());
      assertTrue(!model.hasRegion("ap-southeast-2"));
    }
  }

  @Test
  void theRegionComesFromTheCredentialScopeOrIsTheModelsOwn() {
    assertEquals(
        "eu-west-1",
        RegionRouter.regionOf(
            "AWS4-HMAC-SHA256 Credential=AKID/20261201/eu-west-1/kms/aws4_request,"
                + " SignedHeaders=host, Signature=00",
            "us-east-1"));
    assertEquals(
        "ap-south-2",
        RegionRouter.regionOf(
            "AWS4-HMAC-SHA256 Credential=AKID/20261201/ap-south-2/tagging/aws4_request",
            "us-east-1"));
    assertEquals("us-east-1", RegionRouter.regionOf(null, "us-east-1"));
    assertEquals("us-east-1", RegionRouter.regionOf("Bearer x", "us-east-1"));
  }
}
