package dev.spirekms.goplugin;

import io.grpc.BindableService;
import java.util.List;

/**
 * A plugin implementation as the go-plugin server sees it: services to serve, and a way to stop.
 */
public interface ServedPlugin extends AutoCloseable {
  /** The plugin's own gRPC services (for SPIRE: Init, Config and the plugin type's service). */
  List<? extends BindableService> services();

  /** Stops the plugin's own work; called once, after the server has stopped. */
  @Override
  void close();

  /** Wraps a list of services and the action that stops them. */
  static ServedPlugin of(List<? extends BindableService> services, Runnable close) {
    List<? extends BindableService> copy = List.copyOf(services);
    return new ServedPlugin() {
      @Override
      public List<? extends BindableService> services() {
        return copy;
      }

      @Override
      public void close() {
        close.run();
      }
    };
  }
}
