package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.testing.GoPluginHost;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The packaged plugin killed with SIGKILL at the worst moments, then launched again: keys handed to
 * the deletion queue survive in the deletion journal and are scheduled by the next launch.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CrashEndToEndTest {
  private static final String CA = "x509-CA-A";
  private static final Duration SCHEDULED_WITHIN = Duration.ofSeconds(20);

  @TempDir Path temp;

  private static void awaitState(KmsModel model, String keyArn, KeyState state)
      throws InterruptedException {
    long deadline = System.nanoTime() + SCHEDULED_WITHIN.toNanos();
    while (model.keyState(keyArn) != state) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(keyArn + " is " + model.keyState(keyArn) + ", not " + state);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aKeyReplacedJustBeforeACrashIsScheduledByTheNextLaunch() throws Exception {
    try (LocalKmsPlugin local = new LocalKmsPlugin(temp)) {
      KmsModel model = local.kms.model();
      Path serverId = temp.resolve("server_id");
      String data = local.pluginData(serverId);
      // KMS refuses deletions while the first launch runs, so the kill comes before one happens
      model.faults().failAlways(KmsOperations.SCHEDULE_KEY_DELETION, Fault.internalError());
      String replaced;
      try (GoPluginHost host = local.configured(data)) {
        KeyManagerEndToEndTest.generate(host, CA, KeyType.EC_P256);
        replaced = model.key(aliasOf(serverId, CA)).arn();
        KeyManagerEndToEndTest.generate(host, CA, KeyType.EC_P256);
      } // close() kills the plugin with SIGKILL
      assertEquals(KeyState.ENABLED, model.keyState(replaced));
      Path journal = serverId.resolveSibling("server_id.deletion-journal");
      assertTrue(Files.readString(journal).startsWith(replaced + "\t"), Files.readString(journal));

      model.faults().clear();
      try (GoPluginHost host = local.configured(data)) {
        awaitState(model, replaced, KeyState.PENDING_DELETION);
      }
    }
  }

  @Test
  void aKeyOrphanedByAGenerateKeyThatFailedIsScheduledByTheNextLaunch() throws Exception {
    try (LocalKmsPlugin local = new LocalKmsPlugin(temp)) {
      KmsModel model = local.kms.model();
      Path serverId = temp.resolve("server_id");
      String data = local.pluginData(serverId);
      model.faults().failAlways(KmsOperations.CREATE_ALIAS, Fault.accessDenied());
      model.faults().failAlways(KmsOperations.SCHEDULE_KEY_DELETION, Fault.internalError());
      try (GoPluginHost host = local.configured(data)) {
        assertThrows(
            StatusRuntimeException.class,
            () -> KeyManagerEndToEndTest.generate(host, CA, KeyType.EC_P256));
      }
      List<KeyMetadata> orphans = model.keys();
      assertEquals(1, orphans.size());
      assertEquals(KeyState.ENABLED, orphans.get(0).keyState());

      model.faults().clear();
      try (GoPluginHost host = local.configured(data)) {
        awaitState(model, orphans.get(0).arn(), KeyState.PENDING_DELETION);
      }
    }
  }

  @Test
  void aCrashLoopLeavesOneLiveKeyAndSchedulesEveryReplacedOne() throws Exception {
    Counts journaled = crashLoop(temp.resolve("journaled"), true, 20);
    Counts unjournaled = crashLoop(temp.resolve("unjournaled"), false, 20);
    System.out.println("crash loop with the deletion journal: " + journaled);
    System.out.println("crash loop without the deletion journal: " + unjournaled);

    assertEquals(20, journaled.created());
    assertEquals(1, journaled.live(), journaled.toString());
    assertEquals(19, journaled.scheduled(), journaled.toString());
    assertEquals(0, journaled.leaked(), journaled.toString());
  }

  /** Keys at the end of a crash loop: live = enabled behind an alias, leaked = enabled without. */
  record Counts(int created, int live, int scheduled, int leaked) {}

  private Counts crashLoop(Path dir, boolean journal, int launches) throws Exception {
    Files.createDirectories(dir);
    try (LocalKmsPlugin local = new LocalKmsPlugin(dir)) {
      KmsModel model = local.kms.model();
      String data =
          journal
              ? local.pluginData(dir.resolve("server_id"))
              : local
                  .pluginData(dir.resolve("server_id"))
                  .replace(
                      "key_identifier_file = \"" + dir.resolve("server_id") + "\"",
                      "key_identifier_value = \"crash-loop\"");
      for (int i = 0; i < launches; i++) {
        try (GoPluginHost host = local.configured(data)) {
          KeyManagerEndToEndTest.generate(host, CA, KeyType.EC_P256);
        } // killed right after the rotation answered
      }
      // One more launch, left running long enough for its deletion queue to catch up.
      try (GoPluginHost host = local.configured(data)) {
        Set<String> aliased =
            model.aliases().stream()
                .filter(a -> a.aliasName().startsWith("alias/SPIRE_SERVER/"))
                .map(a -> model.key(a.aliasName()).arn())
                .collect(Collectors.toSet());
        long deadline = System.nanoTime() + SCHEDULED_WITHIN.toNanos();
        while (System.nanoTime() < deadline && leaked(model, aliased) > 0) {
          Thread.sleep(200);
        }
        int live =
            (int) aliased.stream().filter(a -> model.keyState(a) == KeyState.ENABLED).count();
        int scheduled =
            (int)
                model.keys().stream()
                    .filter(k -> k.keyState() == KeyState.PENDING_DELETION)
                    .count();
        return new Counts(model.keys().size(), live, scheduled, leaked(model, aliased));
      }
    }
  }

  private static int leaked(KmsModel model, Set<String> aliased) {
    return (int)
        model.keys().stream()
            .filter(k -> k.keyState() == KeyState.ENABLED && !aliased.contains(k.arn()))
            .count();
  }

  private static String aliasOf(Path serverIdFile, String keyId) throws Exception {
    return "alias/SPIRE_SERVER/example_org/" + Files.readString(serverIdFile).strip() + "/" + keyId;
  }
}
