package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.testing.GoPluginHost;
import dev.spirekms.testing.MotoServer;
import dev.spirekms.testing.StsProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher with no static keys: web identity (a token file and {@code AWS_ROLE_ARN},
 * as IRSA sets them) for the source credentials, then one assumed role, against a real STS endpoint
 * (moto_server behind a recording proxy) and the local KMS.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RoleChainEndToEndTest {
  private static final String WEB_ROLE = "arn:aws:iam::123456789012:role/spire-irsa";
  private static final String KMS_ROLE = "arn:aws:iam::123456789012:role/ops/spire-kms";

  @TempDir Path temp;

  @Test
  void webIdentityThenAnAssumedRoleSignsKmsCallsWithTheAssumedRole() throws Exception {
    try (MotoServer moto = MotoServer.start(temp);
        StsProxy sts = StsProxy.start(moto.endpoint());
        LocalKmsPlugin local = new LocalKmsPlugin(temp)) {
      Path token = Files.writeString(temp.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
      String pluginData =
          "region = \"us-east-2\"\n\n"
              + "key_identifier_value = \"web-identity-test\"\n\n"
              + "endpoint = \""
              + local.kms.endpoint()
              + "\"\n\n"
              + "sts_endpoint = \""
              + sts.endpoint()
              + "\"\n\n"
              + "assume_role_arn = \""
              + KMS_ROLE
              + "\"";
      GoPluginHost.Builder launch =
          local
              .launch()
              .removeEnv("AWS_ACCESS_KEY_ID")
              .removeEnv("AWS_SECRET_ACCESS_KEY")
              .env("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString())
              .env("AWS_ROLE_ARN", WEB_ROLE)
              .env("AWS_ROLE_SESSION_NAME", "irsa-session")
              .env("AWS_REGION", "us-east-2")
              // the SDK's web identity provider makes its own STS client, which reads this
              .env("AWS_ENDPOINT_URL_STS", sts.endpoint().toString());
      try (GoPluginHost host = launch.start()) {
        InitGrpc.newBlockingStub(host.channel()).init(InitRequest.getDefaultInstance());
        ConfigGrpc.newBlockingStub(host.channel())
            .configure(
                ConfigureRequest.newBuilder()
                    .setCoreConfiguration(
                        CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                    .setHclConfiguration(pluginData)
                    .build());

        List<String> actions = sts.requests().stream().map(StsProxy.Request::action).toList();
        assertEquals(
            List.of("AssumeRoleWithWebIdentity", "AssumeRole", "GetCallerIdentity"),
            actions,
            "STS calls at Configure: "
                + sts.requests()
                + "\n"
                + String.join("\n", host.stderrLines()));
        StsProxy.Request assume = sts.requests("AssumeRole").get(0);
        assertEquals(KMS_ROLE, assume.params().get("RoleArn"));
        assertEquals("spire-server-web-identity-test", assume.params().get("RoleSessionName"));
        assertTrue(assume.accessKeyId().length() > 0, "AssumeRole was not signed");
        String chainKey = sts.requests("GetCallerIdentity").get(0).accessKeyId();
        assertFalse(
            chainKey.equals(assume.accessKeyId()), "GetCallerIdentity not signed by the role");

        KeyManagerGrpc.newBlockingStub(host.channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .generateKey(
                GenerateKeyRequest.newBuilder()
                    .setKeyId("x509-CA-A")
                    .setKeyType(KeyType.EC_P256)
                    .build());
        List<String> kmsSigners = local.kms.signingAccessKeyIds();
        assertFalse(kmsSigners.isEmpty());
        assertTrue(
            kmsSigners.stream().allMatch(chainKey::equals),
            "KMS calls not all signed by the assumed role: " + kmsSigners);
        assertEquals(
            1, sts.requests("GetCallerIdentity").size(), "the default policy asked STS again");

        // The default key policy names the chain's role with its IAM path.
        String arn =
            local
                .kms
                .model()
                .key("alias/SPIRE_SERVER/example_org/web-identity-test/x509-CA-A")
                .arn();
        JsonObject policy =
            JsonParser.parseString(local.kms.model().policy(arn).orElseThrow()).getAsJsonObject();
        assertEquals(
            KMS_ROLE,
            policy
                .getAsJsonArray("Statement")
                .get(0)
                .getAsJsonObject()
                .getAsJsonObject("Principal")
                .get("AWS")
                .getAsString());

        assertEquals(0, host.shutdown().exitCode());
        String ready =
            host.stderrLines().stream()
                .filter(l -> l.contains("\"AWS credentials ready\""))
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError("no credentials line: " + host.stderrLines()));
        JsonObject line = JsonParser.parseString(ready).getAsJsonObject();
        assertEquals("info", line.get("@level").getAsString());
        assertTrue(line.get("credential_source").getAsString().contains("web_id"), line.toString());
        assertEquals(KMS_ROLE, line.get("role_chain").getAsString());
        assertTrue(host.stderrLines().stream().noneMatch(l -> l.contains("eyJhbGciOiJSUzI1NiJ9")));
      }
    }
  }
}
