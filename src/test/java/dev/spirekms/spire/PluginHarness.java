package dev.spirekms.spire;

import dev.spirekms.config.PluginConfig;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KeyPolicySource;
import dev.spirekms.keys.KeyStoreSettings;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.RecordingDeletionQueue;
import dev.spirekms.localkms.FakeKmsClient;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The plugin's SPIRE services on an in-process gRPC server, over the stateful fake KMS; each
 * configured backend is a key store whose server id is {@code key_identifier_value}.
 */
final class PluginHarness implements AutoCloseable {
  final KmsModel model;
  final KmsClient kms;
  final RecordingDeletionQueue deletions = new RecordingDeletionQueue();
  final AtomicInteger backendsOpened = new AtomicInteger();
  final AtomicInteger backendsClosed = new AtomicInteger();
  final KeyManagerPlugin plugin;
  private final Server server;
  private final ManagedChannel channel;

  PluginHarness() {
    this(KmsModel.create());
  }

  PluginHarness(KmsModel model) {
    this(model, new FakeKmsClient(model));
  }

  /** Over {@code kms}, a client of {@code model} (the fake, or the SDK's over a local KMS). */
  PluginHarness(KmsModel model, KmsClient kms) {
    this.model = model;
    this.kms = kms;
    this.plugin = KeyManagerPlugin.create(this::open);
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    plugin.services().forEach(builder::addService);
    try {
      this.server = builder.build().start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  private Backend open(PluginConfig config) {
    String serverId = config.keyIdentifierValue().orElse("test-server");
    KeyStoreSettings settings =
        new KeyStoreSettings(
            new KeyNaming(config.trustDomain(), serverId),
            KeyPolicySource.fixed("{\"Version\":\"2012-10-17\"}"),
            config.keyTags(),
            config.startupConcurrency());
    KmsKeyStore store = KmsKeyStore.open(kms, settings, deletions);
    backendsOpened.incrementAndGet();
    return new Backend() {
      private boolean closed;

      @Override
      public KmsKeyStore keyStore() {
        return store;
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          backendsClosed.incrementAndGet();
        }
      }
    };
  }

  KeyManagerGrpc.KeyManagerBlockingStub keyManager() {
    return KeyManagerGrpc.newBlockingStub(channel);
  }

  ConfigGrpc.ConfigBlockingStub config() {
    return ConfigGrpc.newBlockingStub(channel);
  }

  InitGrpc.InitBlockingStub init() {
    return InitGrpc.newBlockingStub(channel);
  }

  static ConfigureRequest configureRequest(String trustDomain, String hcl) {
    return ConfigureRequest.newBuilder()
        .setCoreConfiguration(CoreConfiguration.newBuilder().setTrustDomain(trustDomain))
        .setHclConfiguration(hcl)
        .build();
  }

  /** Configures with a minimal valid configuration for trust domain example.org. */
  PluginHarness configured() {
    config()
        .configure(
            configureRequest(
                "example.org", "region = \"us-east-1\"\n\nkey_identifier_value = \"server-a\""));
    return this;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    plugin.close();
  }
}
