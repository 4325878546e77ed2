package dev.spirekms.spire;

import io.grpc.BindableService;
import java.util.List;

/** The SPIRE-facing services of this plugin (Init, Config, KeyManager), ready to be served. */
public final class KeyManagerPlugin implements AutoCloseable {

  public static KeyManagerPlugin create() {
    return new KeyManagerPlugin();
  }

  /** Services to register on the plugin's gRPC server. */
  public List<BindableService> services() {
    return List.of();
  }

  /** Stops background work; called on Deinit, Shutdown and SIGTERM. Idempotent. */
  @Override
  public void close() {}
}
