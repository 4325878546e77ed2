package dev.spirekms.spire;

import io.grpc.BindableService;
import java.util.List;

/** The SPIRE-facing services of this plugin (Init, Config, KeyManager), ready to be served. */
public final class KeyManagerPlugin implements AutoCloseable {
  private final PluginState state;
  private final List<BindableService> services;

  private KeyManagerPlugin(BackendFactory factory) {
    this.state = new PluginState(factory);
    this.services =
        List.of(
            new InitService(state::close),
            new ConfigService(state),
            new KeyManagerService(state));
  }

  /** A plugin whose configurations are run by backends from the factory. */
  public static KeyManagerPlugin create(BackendFactory factory) {
    return new KeyManagerPlugin(factory);
  }

  /** Services to register on the plugin's gRPC server. */
  public List<BindableService> services() {
    return services;
  }

  /** Stops background work; called on Deinit, Shutdown and SIGTERM. Idempotent. */
  @Override
  public void close() {
    state.close();
  }
}
