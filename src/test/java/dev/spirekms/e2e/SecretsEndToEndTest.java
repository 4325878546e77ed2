package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.config.v1.ValidateRequest;
import dev.spirekms.proto.config.v1.ValidateResponse;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.testing.GoPluginHost;
import dev.spirekms.testing.MotoServer;
import dev.spirekms.testing.StsProxy;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known secret values (access key id, secret access key, session token, external id) given to the
 * packaged plugin in its environment and its configuration, then every failing path: a Validate of
 * a broken configuration, a Configure whose role STS denies, KMS refusing the credentials, denying
 * access, throttling and failing. No log line, status message, Validate note, status report or
 * {@code doctor} output (text and JSON) holds any of them, and stdout holds the handshake line
 * alone.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecretsEndToEndTest {
  private static final String ACCESS_KEY_ID = "AKIASECRETSCAN000042";
  private static final String SECRET_KEY = "secretscan/SecretAccessKey+0123456789abcdefXYZ";
  private static final String SESSION_TOKEN = "secretscanSessionToken//FwoGZXIvYXdzEXAMPLE42";
  private static final String EXTERNAL_ID = "secretscan-external-id-4242";
  private static final List<String> SECRETS =
      List.of(ACCESS_KEY_ID, SECRET_KEY, SESSION_TOKEN, EXTERNAL_ID);
  private static final String DENIED_ROLE = "arn:aws:iam::123456789012:role/denied";

  @TempDir Path temp;

  @Test
  void noSecretReachesALogLineAnErrorANoteOrDoctorAndStdoutHoldsOnlyTheHandshake()
      throws Exception {
    List<String> seen = new ArrayList<>();
    try (MotoServer moto = MotoServer.start(temp);
        StsProxy sts = StsProxy.start(moto.endpoint());
        LocalKmsPlugin local = new LocalKmsPlugin(temp, KmsModel.create())) {
      sts.deny(DENIED_ROLE);
      KmsModel model = local.kms.model();
      Path serverId = temp.resolve("server_id");
      String staticKeys =
          local.pluginData(serverId)
              + "\naccess_key_id = \""
              + ACCESS_KEY_ID
              + "\"\nsecret_access_key = \""
              + SECRET_KEY
              + "\"\nstatus_file = \""
              + temp.resolve("status.json")
              + "\"\n";
      String deniedRole =
          staticKeys
              + "assume_role_arn = \""
              + DENIED_ROLE
              + "\"\nassume_role_external_id = \""
              + EXTERNAL_ID
              + "\"\nsts_endpoint = \""
              + sts.endpoint()
              + "\"\n";
      try (GoPluginHost host =
          local
              .launch()
              .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
              .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
              .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
              .env("SPIRE_AWS_KMS_LOG_LEVEL", "trace")
              .start()) {
        InitGrpc.newBlockingStub(host.channel()).init(InitRequest.getDefaultInstance());
        ConfigGrpc.ConfigBlockingStub config = ConfigGrpc.newBlockingStub(host.channel());

        // Validate: a broken configuration that names every secret, and a valid one
        ValidateResponse broken =
            config.validate(
                ValidateRequest.newBuilder()
                    .setCoreConfiguration(core())
                    .setHclConfiguration(
                        deniedRole
                            + "endpoint_x = \""
                            + SECRET_KEY
                            + "\"\nstartup_concurrency = \""
                            + EXTERNAL_ID
                            + "\"\nkey_tags = { \""
                            + SESSION_TOKEN
                            + "\" = 1 }\n")
                    .build());
        assertFalse(broken.getValid());
        seen.addAll(broken.getNotesList());
        seen.addAll(
            config
                .validate(
                    ValidateRequest.newBuilder()
                        .setCoreConfiguration(core())
                        .setHclConfiguration(deniedRole)
                        .build())
                .getNotesList());

        // Configure with a role STS denies: the error comes back to SPIRE
        String denied = failure(() -> config.configure(configure(deniedRole)));
        assertTrue(denied.contains(DENIED_ROLE), denied);
        seen.add(denied);

        // Configure with static keys, then KMS refusing in every way it can
        config.configure(configure(staticKeys));
        KeyManagerGrpc.KeyManagerBlockingStub keys =
            KeyManagerGrpc.newBlockingStub(host.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        keys.generateKey(
            GenerateKeyRequest.newBuilder()
                .setKeyId("x509-CA-A")
                .setKeyType(KeyType.EC_P256)
                .build());
        List<Fault> faults =
            List.of(
                Fault.serviceError(
                    "UnrecognizedClientException",
                    400,
                    "The security token included in the request is invalid."),
                Fault.accessDenied(),
                Fault.throttling(),
                Fault.internalError());
        SignDataRequest signCa = sign("x509-CA-A");
        for (Fault fault : faults) {
          model.faults().failAlways(KmsOperations.CREATE_KEY, fault);
          model.faults().failAlways(KmsOperations.SIGN, fault);
          seen.add(
              failure(
                  () ->
                      keys.generateKey(
                          GenerateKeyRequest.newBuilder()
                              .setKeyId("JWT-Signer-A")
                              .setKeyType(KeyType.EC_P256)
                              .build())));
          seen.add(failure(() -> keys.signData(signCa)));
          model.faults().clear();
        }
        // each fault reached the caller in its own words
        String failures = String.join("\n", seen);
        for (String expected :
            List.of(
                "AWS rejected the credentials used for kms:CreateKey",
                "AWS rejected the credentials used for kms:Sign",
                "access denied to kms:Sign",
                "kms:Sign was throttled by AWS",
                "UNAVAILABLE")) {
          assertTrue(failures.contains(expected), expected + " not in\n" + failures);
        }
        host.shutdown();
        seen.addAll(host.stderrLines());
        String status = Files.readString(temp.resolve("status.json"));
        assertTrue(status.contains("example.org"), status);
        seen.add(status);
        // go-plugin: stdout carries the handshake line and nothing else, also after the faults
        assertEquals(1, host.stdoutLines().size(), String.join("\n", host.stdoutLines()));
        assertTrue(
            host.stdoutLines().get(0).matches("1\\|1\\|unix\\|.+\\|grpc\\|?"),
            host.stdoutLines().get(0));
      }

      // doctor, text and JSON, over the same configuration with KMS refusing the credentials
      Path configFile = Files.writeString(temp.resolve("plugin.hcl"), deniedRole);
      model
          .faults()
          .failAlways(
              KmsOperations.LIST_ALIASES,
              Fault.serviceError(
                  "UnrecognizedClientException",
                  400,
                  "The security token included in the request is invalid."));
      String text = doctor(local, configFile, false);
      String json = doctor(local, configFile, true);
      assertTrue(text.contains("FAIL"), text);
      JsonParser.parseString(json.substring(json.indexOf('{'))).getAsJsonObject();
      seen.add(text);
      seen.add(json);
    }

    assertTrue(seen.size() > 20, "too little output to prove anything: " + seen);
    for (String secret : SECRETS) {
      for (String line : seen) {
        assertFalse(line.contains(secret), "secret " + secret + " shown in: " + line);
      }
    }
  }

  private static CoreConfiguration core() {
    return CoreConfiguration.newBuilder().setTrustDomain("example.org").build();
  }

  private static ConfigureRequest configure(String hcl) {
    return ConfigureRequest.newBuilder()
        .setCoreConfiguration(core())
        .setHclConfiguration(hcl)
        .build();
  }

  private static SignDataRequest sign(String keyId) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest("x".getBytes(StandardCharsets.UTF_8));
    return SignDataRequest.newBuilder()
        .setKeyId(keyId)
        .setData(ByteString.copyFrom(digest))
        .setHashAlgorithm(HashAlgorithm.SHA256)
        .build();
  }

  /** The status of a call that must fail, as SPIRE would log it. */
  private static String failure(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
  }

  /** Runs the packaged launcher's doctor as an operator would; its stdout and stderr together. */
  private String doctor(LocalKmsPlugin local, Path configFile, boolean json)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(LocalKmsPlugin.DIST.resolve("bin").resolve(LocalKmsPlugin.NAME).toString());
    command.add("doctor");
    command.add("--config");
    command.add(configFile.toString());
    command.add("--trust-domain");
    command.add("example.org");
    if (json) {
      command.add("--json");
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", "off");
    builder.environment().put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
    builder.environment().put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    builder.environment().put("AWS_SESSION_TOKEN", SESSION_TOKEN);
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "doctor did not finish");
    return new String(out, StandardCharsets.UTF_8);
  }
}
