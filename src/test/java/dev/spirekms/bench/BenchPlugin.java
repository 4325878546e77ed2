package dev.spirekms.bench;

import com.google.protobuf.ByteString;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.testing.GoPluginHost;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The packaged launcher started as SPIRE starts it (go-plugin environment, the KeyManager cookie,
 * credentials in the environment), then driven as SPIRE drives it: Init, Configure, KeyManager
 * RPCs.
 */
final class BenchPlugin implements AutoCloseable {
  static final String NAME = "spire-aws-kms-keymanager";
  static final byte[] DIGEST = new byte[32];

  final GoPluginHost host;
  final long startNanos;
  final long handshakeNanos;
  private final KeyManagerGrpc.KeyManagerBlockingStub keys;

  private BenchPlugin(GoPluginHost host, long startNanos, long handshakeNanos) {
    this.host = host;
    this.startNanos = startNanos;
    this.handshakeNanos = handshakeNanos;
    this.keys = KeyManagerGrpc.newBlockingStub(host.channel());
  }

  /** How one launch is made. */
  record Launch(Path dist, Path javaHome, String cacheDir, String extraJavaOpts, Path temp) {
    Launch withJavaOpts(String opts) {
      return new Launch(dist, javaHome, cacheDir, opts, temp);
    }

    Launch withCacheDir(String dir) {
      return new Launch(dist, javaHome, dir, extraJavaOpts, temp);
    }

    Launch withJavaHome(Path home) {
      return new Launch(dist, home, cacheDir, extraJavaOpts, temp);
    }
  }

  static BenchPlugin start(Launch launch) throws IOException {
    Path sockets = Files.createDirectories(launch.temp().resolve("s"));
    GoPluginHost.Builder builder =
        GoPluginHost.builder(java.util.List.of(launch.dist().resolve("bin/" + NAME).toString()))
            .env("JAVA_HOME", launch.javaHome().toString())
            .env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", launch.cacheDir())
            .env("PLUGIN_UNIX_SOCKET_DIR", sockets.toString())
            .env("AWS_ACCESS_KEY_ID", "AKIDBENCH")
            .env("AWS_SECRET_ACCESS_KEY", "bench-secret")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .removeEnv("SPIRE_AWS_KMS_KEYMANAGER_JAVA_OPTS")
            .handshakeTimeout(Duration.ofSeconds(60));
    if (!launch.extraJavaOpts().isEmpty()) {
      builder.env("SPIRE_AWS_KMS_KEYMANAGER_JAVA_OPTS", launch.extraJavaOpts());
    }
    long start = System.nanoTime();
    GoPluginHost host = builder.start();
    return new BenchPlugin(host, start, System.nanoTime());
  }

  /** plugin_data against the KMS at {@code endpoint}; {@code extra} is appended as is. */
  static String pluginData(Path temp, URI endpoint, String serverIdName, String extra)
      throws IOException {
    Path policy = temp.resolve("key-policy.json");
    if (!Files.exists(policy)) {
      Files.writeString(policy, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
    }
    return "region = \"us-east-2\"\n"
        + "key_identifier_file = \""
        + temp.resolve(serverIdName)
        + "\"\n"
        + "endpoint = \""
        + endpoint
        + "\"\n"
        + "key_policy_file = \""
        + policy
        + "\"\n"
        + extra;
  }

  void init() {
    InitGrpc.newBlockingStub(host.channel())
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .init(
            InitRequest.newBuilder()
                .addHostServiceNames("spire.hostservice.common.metrics.v1.Metrics")
                .build());
  }

  void configure(String pluginData) {
    ConfigGrpc.newBlockingStub(host.channel())
        .withDeadlineAfter(120, TimeUnit.SECONDS)
        .configure(
            ConfigureRequest.newBuilder()
                .setCoreConfiguration(CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                .setHclConfiguration(pluginData)
                .build());
  }

  void generate(String keyId) {
    keys.withDeadlineAfter(60, TimeUnit.SECONDS)
        .generateKey(
            GenerateKeyRequest.newBuilder().setKeyId(keyId).setKeyType(KeyType.EC_P256).build());
  }

  void sign(String keyId) {
    ByteString signature =
        keys.withDeadlineAfter(30, TimeUnit.SECONDS)
            .signData(
                SignDataRequest.newBuilder()
                    .setKeyId(keyId)
                    .setData(ByteString.copyFrom(DIGEST))
                    .setHashAlgorithm(HashAlgorithm.SHA256)
                    .build())
            .getSignature();
    if (signature.isEmpty()) {
      throw new IllegalStateException("SignData answered without a signature");
    }
  }

  long pid() {
    return host.process().pid();
  }

  /** A line of /proc/PID/status, e.g. {@code VmRSS}, in KiB. */
  long statusKib(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no " + field + " in /proc/" + pid() + "/status");
  }

  @Override
  public void close() {
    host.shutdown();
    host.close();
  }
}
