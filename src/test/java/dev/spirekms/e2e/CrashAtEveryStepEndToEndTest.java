package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.localkms.WireFault;
import dev.spirekms.localkms.WireFaultRule;
import dev.spirekms.proto.keymanager.v1.GetPublicKeyRequest;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.testing.GoPluginHost;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The packaged plugin killed with SIGKILL at each step of GenerateKey, first key and rotation: the
 * local KMS holds one call (its answer, once the call took effect, or the call itself) and the test
 * kills the plugin while it waits. The next launch then finds the key id resolving to one usable
 * key, or to a clean NotFound when the first key never got its alias; every other key of ours is
 * either pending deletion within seconds (the deletion journal had it) or an enabled key with no
 * alias and a SPIRE description, which the orphan sweep schedules once it is old enough ({@code
 * dev.spirekms.lifecycle.CrashLeftoversTest} shows that part on simulated time).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CrashAtEveryStepEndToEndTest {
  private static final String CA = "x509-CA-A";
  private static final Duration HELD_WITHIN = Duration.ofSeconds(30);
  private static final Duration SCHEDULED_WITHIN = Duration.ofSeconds(20);

  @TempDir Path temp;

  /** Where the kill comes, and what the next launch must find. */
  enum Expect {
    NOT_FOUND,
    OLD_KEY,
    NEW_KEY
  }

  static Stream<Arguments> steps() {
    return Stream.of(
        Arguments.of(
            "first key, after CreateKey", false, KmsOperations.CREATE_KEY, true, Expect.NOT_FOUND),
        Arguments.of(
            "first key, after GetPublicKey",
            false,
            KmsOperations.GET_PUBLIC_KEY,
            true,
            Expect.NOT_FOUND),
        Arguments.of(
            "first key, after CreateAlias",
            false,
            KmsOperations.CREATE_ALIAS,
            true,
            Expect.NEW_KEY),
        Arguments.of(
            "rotation, after CreateKey", true, KmsOperations.CREATE_KEY, true, Expect.OLD_KEY),
        Arguments.of(
            "rotation, after GetPublicKey",
            true,
            KmsOperations.GET_PUBLIC_KEY,
            true,
            Expect.OLD_KEY),
        Arguments.of(
            "rotation, after UpdateAlias", true, KmsOperations.UPDATE_ALIAS, true, Expect.NEW_KEY),
        Arguments.of(
            "rotation, before ScheduleKeyDeletion",
            true,
            KmsOperations.SCHEDULE_KEY_DELETION,
            false,
            Expect.NEW_KEY),
        Arguments.of(
            "rotation, after ScheduleKeyDeletion",
            true,
            KmsOperations.SCHEDULE_KEY_DELETION,
            true,
            Expect.NEW_KEY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("steps")
  void aKillAtThisStepLeavesOneUsableKeyOrNotFoundAndNothingUnaccountedFor(
      String step, boolean rotation, String operation, boolean afterApply, Expect expect)
      throws Exception {
    try (LocalKmsPlugin local = new LocalKmsPlugin(temp)) {
      KmsModel model = local.kms.model();
      Path serverId = temp.resolve("server_id");
      String data = local.pluginData(serverId);
      String oldArn = null;
      try (GoPluginHost host = local.configured(data)) {
        if (rotation) {
          KeyManagerEndToEndTest.generate(host, CA, KeyType.EC_P256);
          oldArn = model.key(aliasOf(serverId, CA)).arn();
        }
        WireFault hold = WireFault.hold();
        WireFaultRule.Builder rule = WireFaultRule.on(operation).always();
        local.kms.wireFaults().add((afterApply ? rule.afterApply() : rule).with(hold));
        CompletableFuture<Void> call =
            CompletableFuture.runAsync(
                () -> KeyManagerEndToEndTest.generate(host, CA, KeyType.EC_P256));
        assertTrue(hold.awaitHeld(1, HELD_WITHIN), step + ": the call was never made");
        host.process().destroyForcibly(); // SIGKILL
        host.process().waitFor(10, TimeUnit.SECONDS);
        call.handle((ok, error) -> null).get(30, TimeUnit.SECONDS);
      }
      local.kms.wireFaults().clear();

      try (GoPluginHost host = local.configured(data)) {
        KeyManagerGrpc.KeyManagerBlockingStub keys = KeyManagerGrpc.newBlockingStub(host.channel());
        String aliased = model.alias(aliasOf(serverId, CA)).map(a -> a.targetKeyId()).orElse(null);
        if (expect == Expect.NOT_FOUND) {
          StatusRuntimeException e =
              org.junit.jupiter.api.Assertions.assertThrows(
                  StatusRuntimeException.class,
                  () -> keys.getPublicKey(GetPublicKeyRequest.newBuilder().setKeyId(CA).build()));
          assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), step);
          assertEquals(null, aliased, step);
        } else {
          PublicKey key =
              keys.getPublicKey(GetPublicKeyRequest.newBuilder().setKeyId(CA).build())
                  .getPublicKey();
          KeyManagerEndToEndTest.signAndVerify(keys, key, false);
          String arn = model.key(aliasOf(serverId, CA)).arn();
          assertEquals(KeyState.ENABLED, model.keyState(arn), step);
          if (expect == Expect.OLD_KEY) {
            assertEquals(oldArn, arn, step);
          } else if (rotation) {
            assertTrue(!arn.equals(oldArn), step + ": the alias names the new key");
          }
        }
        assertEveryOtherKeyIsAccountedFor(step, model, serverId);
        // the key id still works for the next rotation
        KeyManagerEndToEndTest.generate(host, CA, KeyType.EC_P256);
      }
    }
  }

  /**
   * Waits until every enabled key but the aliased one is either scheduled for deletion or an orphan
   * the sweep will find: no alias, and a description of this trust domain's SPIRE keys.
   */
  private static void assertEveryOtherKeyIsAccountedFor(String step, KmsModel model, Path serverId)
      throws Exception {
    String aliasedArn =
        model.alias(aliasOf(serverId, CA)).isPresent()
            ? model.key(aliasOf(serverId, CA)).arn()
            : "";
    long deadline = System.nanoTime() + SCHEDULED_WITHIN.toNanos();
    List<KeyMetadata> unaccounted;
    do {
      unaccounted =
          model.keys().stream()
              .filter(k -> k.keyState() == KeyState.ENABLED && !k.arn().equals(aliasedArn))
              .filter(k -> !isSweepable(model, k))
              .toList();
      if (unaccounted.isEmpty()) {
        break;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    assertEquals(List.of(), unaccounted, step);
    long live =
        model.keys().stream()
            .filter(k -> k.keyState() == KeyState.ENABLED)
            .filter(k -> model.aliases().stream().anyMatch(a -> k.keyId().equals(a.targetKeyId())))
            .count();
    assertTrue(live <= 1, step + ": " + live + " live keys behind aliases");
  }

  /** An enabled key no alias names, described as one of this trust domain's SPIRE keys. */
  private static boolean isSweepable(KmsModel model, KeyMetadata key) {
    boolean aliased = model.aliases().stream().anyMatch(a -> key.keyId().equals(a.targetKeyId()));
    return !aliased
        && key.description() != null
        && key.description().startsWith("SPIRE_SERVER_KEY/example_org/");
  }

  private static String aliasOf(Path serverIdFile, String keyId) throws Exception {
    return "alias/SPIRE_SERVER/example_org/" + Files.readString(serverIdFile).strip() + "/" + keyId;
  }
}
