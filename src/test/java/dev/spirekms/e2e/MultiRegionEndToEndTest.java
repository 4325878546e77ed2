package dev.spirekms.e2e;

import static dev.spirekms.testing.HclogLines.assertHclogLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsCall;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.testing.GoPluginHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;

/**
 * A server in us-east-2 with {@code replica_regions = ["us-west-2"]} generates and rotates
 * multi-Region keys; a second launch configured for us-west-2 with the same server id takes them
 * over and signs with the replicas.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiRegionEndToEndTest {
  private static final String HOME = "us-east-2";
  private static final String STANDBY = "us-west-2";
  private static final String SERVER_ID = "spire-prod-1";

  @TempDir Path temp;

  private static String pluginData(
      LocalKmsPlugin local, Path policy, String region, String replica) {
    String endpoint = local.kms.endpoint().toString();
    return "region = \""
        + region
        + "\"\n"
        + "key_identifier_value = \""
        + SERVER_ID
        + "\"\n"
        + "endpoint = \""
        + endpoint
        + "\"\n"
        + "key_policy_file = \""
        + policy
        + "\"\n"
        + "replica_regions = [\""
        + replica
        + "\"]\n"
        + "replica_endpoints = { \""
        + replica
        + "\" = \""
        + endpoint
        + "\" }\n";
  }

  private static void await(String what, Duration within, BooleanSupplier done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(200);
    }
  }

  private static PublicKey generate(
      KeyManagerGrpc.KeyManagerBlockingStub keys, String id, KeyType type) {
    return keys.generateKey(GenerateKeyRequest.newBuilder().setKeyId(id).setKeyType(type).build())
        .getPublicKey();
  }

  private static String alias(String spireKeyId) {
    return "alias/SPIRE_SERVER/example_org/" + SERVER_ID + "/" + spireKeyId;
  }

  @Test
  void aStandbyRegionTakesOverTheSameKeys() throws Exception {
    KmsModel model = KmsModel.builder().region(HOME).build();
    KmsModel standby = model.inRegion(STANDBY);
    Path policy = temp.resolve("policy.json");
    Files.writeString(policy, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
    List<PublicKey> fromHome;
    try (LocalKmsPlugin local = new LocalKmsPlugin(temp, model)) {
      try (GoPluginHost host = local.launch().start()) {
        KeyManagerEndToEndTest.init(host);
        KeyManagerEndToEndTest.configure(host, pluginData(local, policy, HOME, STANDBY));
        KeyManagerGrpc.KeyManagerBlockingStub keys =
            KeyManagerGrpc.newBlockingStub(host.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);

        model.clearCalls();
        PublicKey first = generate(keys, "x509-CA-A", KeyType.EC_P256);
        List<String> calls =
            model.calls().stream().map(c -> c.operation() + "@" + c.region()).toList();
        assertEquals(
            List.of(
                "CreateKey@us-east-2",
                "GetPublicKey@us-east-2",
                "ReplicateKey@us-east-2",
                "CreateAlias@us-west-2",
                "CreateAlias@us-east-2"),
            calls);
        String firstArn = model.key(alias("x509-CA-A")).arn();
        assertTrue(model.key(firstArn).keyId().startsWith("mrk-"));
        assertEquals(firstArn.replace(HOME, STANDBY), standby.key(alias("x509-CA-A")).arn());
        generate(keys, "JWT-Signer-A", KeyType.EC_P384);

        // rotation: the replaced key's replica is scheduled for deletion before its primary
        PublicKey rotated = generate(keys, "x509-CA-A", KeyType.EC_P256);
        assertFalse(rotated.getFingerprint().equals(first.getFingerprint()));
        String firstReplica = firstArn.replace(HOME, STANDBY);
        await(
            "the replaced key scheduled for deletion",
            Duration.ofSeconds(30),
            () -> model.keyState(firstArn) == KeyState.PENDING_REPLICA_DELETION);
        assertEquals(KeyState.PENDING_DELETION, standby.keyState(firstReplica));
        List<String> scheduled =
            model.calls(KmsOperations.SCHEDULE_KEY_DELETION).stream()
                .filter(KmsCall::succeeded)
                .map(c -> c.request(ScheduleKeyDeletionRequest.class).keyId())
                .toList();
        assertEquals(List.of(firstReplica, firstArn), scheduled);

        // a replica region that refuses: GenerateKey still succeeds, the replica comes later
        model
            .faults()
            .failAlwaysWhen(
                KmsOperations.REPLICATE_KEY,
                ReplicateKeyRequest.class,
                r -> STANDBY.equals(r.replicaRegion()),
                Fault.serviceError("KMSInternalException", 500, "us-west-2 is unavailable"));
        generate(keys, "x509-CA-B", KeyType.EC_P256);
        String bArn = model.key(alias("x509-CA-B")).arn();
        assertFalse(standby.hasKey(alias("x509-CA-B")));
        Thread.sleep(1500);
        model.faults().clear();
        await(
            "the missing replica made by the replica repair",
            Duration.ofSeconds(60),
            () -> standby.hasKey(alias("x509-CA-B")));
        assertEquals(bArn.replace(HOME, STANDBY), standby.key(alias("x509-CA-B")).arn());

        fromHome = KeyManagerEndToEndTest.publicKeys(keys);
        assertEquals(3, fromHome.size());
        assertEquals(0, host.shutdown().exitCode());
        List<String> log = host.stderrLines();
        assertHclogLines(log);
        assertTrue(
            log.stream().anyMatch(l -> l.contains("Could not make a replica of a new key")),
            "the refused replica is logged at warn");
      }

      // failover: same server id, region us-west-2, replicas back to us-east-2
      try (GoPluginHost host = local.launch().start()) {
        KeyManagerEndToEndTest.init(host);
        KeyManagerEndToEndTest.configure(host, pluginData(local, policy, STANDBY, HOME));
        KeyManagerGrpc.KeyManagerBlockingStub keys =
            KeyManagerGrpc.newBlockingStub(host.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        List<PublicKey> found = KeyManagerEndToEndTest.publicKeys(keys);
        assertEquals(fromHome, found);
        int standbySigns =
            (int)
                model.calls(KmsOperations.SIGN).stream()
                    .filter(c -> c.region().equals(STANDBY))
                    .count();
        for (PublicKey key : found) {
          KeyManagerEndToEndTest.signAndVerify(keys, key, false);
        }
        assertEquals(
            standbySigns + found.size(),
            model.calls(KmsOperations.SIGN).stream()
                .filter(c -> c.region().equals(STANDBY))
                .count());

        // the standby's own rotation makes a primary in its region, replicated back
        generate(keys, "JWT-Signer-A", KeyType.EC_P384);
        String arn = standby.key(alias("JWT-Signer-A")).arn();
        assertEquals(STANDBY, standby.key(arn).multiRegionConfiguration().primaryKey().region());
        assertEquals(arn.replace(STANDBY, HOME), model.key(alias("JWT-Signer-A")).arn());
        assertEquals(0, host.shutdown().exitCode());
        assertHclogLines(host.stderrLines());
      }
    }
  }
}
