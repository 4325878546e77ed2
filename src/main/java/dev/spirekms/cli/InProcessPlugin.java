package dev.spirekms.cli;

import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.spire.KeyManagerPlugin;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The plugin's services on an in-process gRPC server, and a channel to them. */
final class InProcessPlugin implements AutoCloseable {
  private static final long DEADLINE_SECONDS = 60;

  private final KeyManagerPlugin plugin;
  private final Server server;
  private final ManagedChannel channel;

  private InProcessPlugin(KeyManagerPlugin plugin, Server server, ManagedChannel channel) {
    this.plugin = plugin;
    this.server = server;
    this.channel = channel;
  }

  static InProcessPlugin start(AwsKmsBackendFactory factory) throws IOException {
    KeyManagerPlugin plugin = KeyManagerPlugin.create(factory);
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    plugin.services().forEach(builder::addService);
    Server server;
    try {
      server = builder.build().start();
    } catch (IOException | RuntimeException e) {
      plugin.close();
      throw e;
    }
    return new InProcessPlugin(
        plugin, server, InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  /** Init, then Configure, as SPIRE server does when it loads the plugin. */
  void initAndConfigure(String pluginData) {
    InitGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .init(InitRequest.getDefaultInstance());
    ConfigGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .configure(
            ConfigureRequest.newBuilder()
                .setCoreConfiguration(
                    CoreConfiguration.newBuilder().setTrustDomain(Demo.TRUST_DOMAIN))
                .setHclConfiguration(pluginData)
                .build());
  }

  KeyManagerGrpc.KeyManagerBlockingStub keys() {
    return KeyManagerGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      plugin.close();
    }
  }
}
