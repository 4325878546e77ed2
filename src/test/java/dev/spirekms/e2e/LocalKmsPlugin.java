package dev.spirekms.e2e;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.testing.GoPluginHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The packaged launcher started the way SPIRE starts it, configured against a local KMS on
 * 127.0.0.1 through the {@code endpoint} setting.
 */
final class LocalKmsPlugin implements AutoCloseable {
  static final String NAME = "spire-aws-kms-keymanager";
  static final Path DIST = Path.of(System.getProperty("dist.dir", "dist.dir-not-set"));

  final LocalKmsServer kms;
  private final Path temp;
  private final Path policyFile;

  LocalKmsPlugin(Path temp) throws IOException {
    this(temp, KmsModel.create());
  }

  LocalKmsPlugin(Path temp, KmsModel model) throws IOException {
    this.temp = temp;
    this.kms = LocalKmsServer.start(model, 0);
    this.policyFile = temp.resolve("key-policy.json");
    Files.writeString(policyFile, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
  }

  /** plugin_data as SPIRE re-prints it, pointing at the local KMS. */
  String pluginData(Path serverIdFile) {
    return "region = \"us-east-2\"\n\n"
        + "key_identifier_file = \""
        + serverIdFile
        + "\"\n\n"
        + "endpoint = \""
        + kms.endpoint()
        + "\"\n\n"
        + "key_policy_file = \""
        + policyFile
        + "\"\n\n"
        + "key_tags = {\n  team = \"platform\"\n}";
  }

  /** A launch as SPIRE does it, with credentials for the default chain in the environment. */
  GoPluginHost.Builder launch() throws IOException {
    return launch(DIST);
  }

  /** A launch of the distribution in {@code dist}, as {@link #launch()}. */
  /** The packaged plugin, started, initialised and configured with {@code pluginData}. */
  GoPluginHost configured(String pluginData) throws IOException {
    GoPluginHost host = launch().start();
    KeyManagerEndToEndTest.init(host);
    KeyManagerEndToEndTest.configure(host, pluginData);
    return host;
  }

  GoPluginHost.Builder launch(Path dist) throws IOException {
    return launch(List.of(dist.resolve("bin").resolve(NAME).toString()));
  }

  /** A launch of {@code command} as SPIRE does it, with the environment of {@link #launch()}. */
  GoPluginHost.Builder launch(List<String> command) throws IOException {
    Path sockets = Files.createDirectories(temp.resolve("s"));
    return GoPluginHost.builder(command)
        .env("JAVA_HOME", System.getProperty("java.home"))
        .env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", "off")
        .env("PLUGIN_UNIX_SOCKET_DIR", sockets.toString())
        .env("AWS_ACCESS_KEY_ID", "AKIDLOCALKMS")
        .env("AWS_SECRET_ACCESS_KEY", "local-kms-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .handshakeTimeout(Duration.ofSeconds(60));
  }

  @Override
  public void close() {
    kms.close();
  }
}
