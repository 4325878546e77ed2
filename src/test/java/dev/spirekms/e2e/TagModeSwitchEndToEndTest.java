package dev.spirekms.e2e;

import static dev.spirekms.testing.HclogLines.assertHclogLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.testing.GoPluginHost;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * The packaged launcher against a local KMS: keys made in alias mode are found after a switch to
 * tag mode (and tagged there), then again after a switch back, and no key is made or lost on the
 * way. SPIRE's own server in these tests (v1.13.3) has no tag mode, so the switch between its tag
 * mode and this plugin's is not tested here.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TagModeSwitchEndToEndTest {
  @TempDir Path temp;

  private static List<PublicKey> launch(
      LocalKmsPlugin local, String pluginData, Map<String, String> env, boolean generate)
      throws Exception {
    GoPluginHost.Builder builder = local.launch();
    env.forEach(builder::env);
    try (GoPluginHost host = builder.start()) {
      InitGrpc.newBlockingStub(host.channel()).init(InitRequest.getDefaultInstance());
      ConfigGrpc.newBlockingStub(host.channel())
          .configure(
              ConfigureRequest.newBuilder()
                  .setCoreConfiguration(
                      CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                  .setHclConfiguration(pluginData)
                  .build());
      KeyManagerGrpc.KeyManagerBlockingStub keys =
          KeyManagerGrpc.newBlockingStub(host.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
      if (generate) {
        for (Map.Entry<String, KeyType> key :
            Map.of("x509-CA-A", KeyType.EC_P256, "JWT-Signer-A", KeyType.EC_P384).entrySet()) {
          keys.generateKey(
              GenerateKeyRequest.newBuilder()
                  .setKeyId(key.getKey())
                  .setKeyType(key.getValue())
                  .build());
        }
      }
      List<PublicKey> found =
          keys.getPublicKeys(GetPublicKeysRequest.getDefaultInstance()).getPublicKeysList().stream()
              .sorted(Comparator.comparing(PublicKey::getId))
              .toList();
      assertEquals(0, host.shutdown().exitCode());
      assertHclogLines(host.stderrLines());
      return found;
    }
  }

  @Test
  void aliasModeKeysSurviveASwitchToTagModeAndBack() throws Exception {
    Path serverIdFile = temp.resolve("server_id");
    try (LocalKmsPlugin local = new LocalKmsPlugin(temp, KmsModel.create())) {
      KmsModel model = local.kms.model();
      String aliasMode = local.pluginData(serverIdFile);
      String tagMode = aliasMode + "\n\nenable_tag_based_key_discovery = true\n";

      List<PublicKey> made = launch(local, aliasMode, Map.of(), true);
      assertEquals(2, made.size());
      List<String> keys = model.keys().stream().map(KeyMetadata::arn).sorted().toList();
      assertEquals(2, keys.size());
      for (String arn : keys) {
        assertTrue(!model.tags(arn).containsKey("spire-key-id"), "alias mode adds no SPIRE tags");
      }

      // tag mode, the tagging endpoint from the SDK's environment variable
      model.clearCalls();
      List<PublicKey> inTagMode =
          launch(
              local,
              tagMode,
              Map.of(
                  "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API", local.kms.endpoint().toString()),
              false);
      assertEquals(made, inTagMode);
      assertEquals(1, model.callCount(KmsOperations.GET_RESOURCES));
      assertEquals(2, model.callCount(KmsOperations.TAG_RESOURCE), "both keys migrated");
      for (String arn : keys) {
        Map<String, String> tags = model.tags(arn);
        assertEquals("example.org", tags.get("spire-server-td"));
        assertEquals("true", tags.get("spire-active"));
        assertTrue(tags.containsKey("spire-last-update"));
        assertEquals("platform", tags.get("team"));
      }

      // tag mode again, the tagging endpoint from tagging_endpoint: found by the tags alone
      model.clearCalls();
      List<PublicKey> byTags =
          launch(
              local,
              tagMode + "tagging_endpoint = \"" + local.kms.endpoint() + "\"\n",
              Map.of(),
              false);
      assertEquals(made, byTags);
      assertEquals(1, model.callCount(KmsOperations.GET_RESOURCES));
      assertEquals(0, model.callCount(KmsOperations.TAG_RESOURCE));
      assertEquals(2, model.callCount(KmsOperations.GET_PUBLIC_KEY));

      // back to alias mode
      model.clearCalls();
      assertEquals(made, launch(local, aliasMode, Map.of(), false));
      assertEquals(0, model.callCount(KmsOperations.GET_RESOURCES));

      assertEquals(keys, model.keys().stream().map(KeyMetadata::arn).sorted().toList());
      assertEquals(0, model.callCount(KmsOperations.CREATE_KEY));
    }
  }
}
