package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KeyStoreSettings;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.Replication;
import dev.spirekms.keys.SpireKeyType;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsClients;
import dev.spirekms.localkms.LocalKmsServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * Cleanup in a replica region through the SDK's clients, over HTTP to the local KMS on 127.0.0.1:
 * the home region comes from the client's own configuration and each request goes to its region by
 * its SigV4 scope, as with KMS's regional endpoints.
 */
class MultiRegionCleanupOverHttpTest {
  private static final String WEST = "us-west-2";

  private final TestBed bed = new TestBed();
  private final KmsModel west = bed.model.inRegion(WEST);
  private final LocalKmsServer server;
  private final KmsClient homeClient;
  private final KmsClient westClient;
  private KeyLifecycle ours;
  private KeyLifecycle dead;

  MultiRegionCleanupOverHttpTest() throws java.io.IOException {
    server = LocalKmsServer.start(bed.model, 0);
    homeClient = client(Region.of(bed.model.region()));
    westClient = client(Region.US_WEST_2);
  }

  private KmsClient client(Region region) {
    return LocalKmsClients.kms(server, region);
  }

  @AfterEach
  void stop() {
    if (ours != null) {
      ours.close();
    }
    if (dead != null) {
      dead.close();
    }
    homeClient.close();
    westClient.close();
    server.close();
  }

  private KeyLifecycle start(String serverId, CapturedLog log, KmsKeyStore[] store) {
    KeyNaming naming = new KeyNaming(TestBed.TRUST_DOMAIN, serverId);
    KeyLifecycle lifecycle =
        new KeyLifecycle(
            homeClient, null, naming, TestBed.QUIET, bed.clock, bed.timeline.child(), log);
    store[0] =
        KmsKeyStore.open(
            homeClient,
            null,
            new KeyStoreSettings(naming, TestBed.NO_POLICY, Map.of(), 2).withClock(bed.clock),
            lifecycle.deletionQueue(),
            new Replication(Map.of(WEST, westClient)));
    lifecycle.start(store[0]);
    return lifecycle;
  }

  @Test
  void aStoppedServersReplicaAndPrimaryAreCleanedUpInTheirRegions() {
    KmsKeyStore[] deadStore = new KmsKeyStore[1];
    dead = start("srv-dead", new CapturedLog(), deadStore);
    KeyEntry key = deadStore[0].generate("x509-CA-A", SpireKeyType.EC_P256);
    dead.close();
    String replica = Replication.arnIn(key.keyArn(), WEST);
    CapturedLog log = new CapturedLog();
    ours = start("srv-a", log, new KmsKeyStore[1]);
    bed.timeline.advance(Duration.ofDays(15));

    var started = ours.disposer().runOnce();
    bed.timeline.advance(Duration.ofMinutes(5));
    StaleAliasDisposer.Summary summary = started.join();

    assertEquals(2, summary.deleted());
    assertFalse(west.alias(key.aliasName()).isPresent());
    assertFalse(bed.model.alias(key.aliasName()).isPresent());
    assertEquals(WEST, log.withMessage("Stale alias deleted").get(0).field("region"));
    assertEquals(KeyState.PENDING_DELETION, west.keyState(replica));
    assertEquals(KeyState.PENDING_REPLICA_DELETION, bed.model.keyState(key.keyArn()));
    assertEquals(
        0, log.withMessage(LifecycleMessages.REPLICA_NOT_REACHED).size(), "home region known");
  }
}
