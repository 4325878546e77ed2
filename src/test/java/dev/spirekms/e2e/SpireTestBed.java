package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * One local KMS on 127.0.0.1 and what a SPIRE server needs to use it, through our plugin or through
 * SPIRE's built-in {@code aws_kms}: the KeyManager blocks, a server-id file and a key policy file
 * shared by both, and the environment (static test credentials, the built-in's endpoint variable,
 * our launcher's settings).
 */
final class SpireTestBed implements AutoCloseable {
  /** The KeyManager name our plugin is configured under in the tests' server.conf. */
  static final String PLUGIN_NAME = "aws_kms_java";

  static final String REGION = "us-east-2";

  private static final Duration STATE_TIMEOUT = Duration.ofSeconds(60);

  final SpireBinaries spire;
  final LocalKmsServer kms;
  final Path dir;
  final Path serverIdFile;
  private final Path policyFile;

  SpireTestBed(Path dir) throws IOException {
    this.spire = SpireBinaries.require();
    this.dir = dir;
    this.kms = LocalKmsServer.start(KmsModel.builder().region(REGION).build(), 0);
    this.serverIdFile = dir.resolve("server_id");
    this.policyFile = dir.resolve("key-policy.json");
    Files.writeString(policyFile, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
  }

  KmsModel model() {
    return kms.model();
  }

  /** A server in {@code dir/server}, configured with {@code keyManagerBlock}. */
  SpireServer server(String keyManagerBlock) throws IOException {
    SpireServer server = new SpireServer(spire, dir.resolve("server"), env());
    server.configure(keyManagerBlock);
    return server;
  }

  /** The environment of SPIRE server, which its plugins inherit. */
  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", "AKIDLOCALKMS");
    env.put("AWS_SECRET_ACCESS_KEY", "local-kms-secret");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    // The built-in aws_kms has no endpoint setting; the AWS SDK for Go reads this variable.
    env.put("AWS_ENDPOINT_URL_KMS", kms.endpoint().toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", "off");
    env.put("SPIRE_AWS_KMS_LOG_LEVEL", "debug");
    return env;
  }

  /** Our plugin's KeyManager block, as the operator guide gives it, pointed at the local KMS. */
  String ourKeyManager() throws IOException {
    return ourKeyManager(
        """
        region = "%s"
        key_identifier_file = "%s"
        key_policy_file = "%s"
        endpoint = "%s"
        """
            .formatted(REGION, serverIdFile, policyFile, kms.endpoint()));
  }

  /** Our plugin's KeyManager block with the given {@code plugin_data} body. */
  String ourKeyManager(String pluginData) throws IOException {
    Path launcher = LocalKmsPlugin.DIST.resolve("bin").resolve(LocalKmsPlugin.NAME);
    return """
    KeyManager "%s" {
      plugin_cmd = "%s"
      plugin_checksum = "%s"
      plugin_data {
    %s
      }
    }
    """
        .formatted(PLUGIN_NAME, launcher, launcherChecksum(), pluginData.indent(4).stripTrailing());
  }

  /** SPIRE's built-in {@code aws_kms}, on the same server-id file and key policy. */
  String builtInKeyManager() {
    return """
    KeyManager "aws_kms" {
      plugin_data {
        region = "%s"
        key_identifier_file = "%s"
        key_policy_file = "%s"
      }
    }
    """
        .formatted(REGION, serverIdFile, policyFile);
  }

  /** The launcher's SHA-256 from the distribution's SHA256SUMS, as an operator copies it. */
  static String launcherChecksum() throws IOException {
    for (String line : Files.readAllLines(LocalKmsPlugin.DIST.resolve("SHA256SUMS"))) {
      String[] fields = line.split("\\s+");
      if (fields.length == 2 && fields[1].equals("bin/" + LocalKmsPlugin.NAME)) {
        return fields[0];
      }
    }
    throw new IllegalStateException("SHA256SUMS names no launcher");
  }

  String serverId() throws IOException {
    return Files.readString(serverIdFile).strip();
  }

  /** The alias of a SPIRE key id (ids used here need no encoding). */
  String alias(String spireKeyId) throws IOException {
    return "alias/SPIRE_SERVER/example_org/" + serverId() + "/" + spireKeyId;
  }

  /** The ARN of the KMS key an alias targets now. */
  String keyArn(String spireKeyId) throws IOException {
    return model().key(alias(spireKeyId)).arn();
  }

  PublicKey publicKey(String spireKeyId) throws IOException {
    return model().publicKey(alias(spireKeyId));
  }

  boolean hasAlias(String spireKeyId) throws IOException {
    return model().alias(alias(spireKeyId)).isPresent();
  }

  /** Waits until a key reaches {@code state}, as the deletion queue works in the background. */
  void awaitKeyState(String keyArn, KeyState state) throws InterruptedException {
    long deadline = System.nanoTime() + STATE_TIMEOUT.toNanos();
    while (model().keyState(keyArn) != state) {
      if (System.nanoTime() > deadline) {
        fail(
            keyArn
                + " is "
                + model().keyState(keyArn)
                + ", not "
                + state
                + ", after "
                + STATE_TIMEOUT);
      }
      Thread.sleep(200);
    }
  }

  @Override
  public void close() {
    kms.close();
  }
}
