package dev.spirekms.goplugin;

import dev.spirekms.proto.goplugin.Empty;
import dev.spirekms.proto.goplugin.GRPCControllerGrpc;
import io.grpc.stub.StreamObserver;

/**
 * go-plugin's controller: the host calls Shutdown when it unloads the plugin, then waits 2 s for
 * the process to exit before killing it (go-plugin client.go Kill).
 */
final class ControllerService extends GRPCControllerGrpc.GRPCControllerImplBase {
  private final ShutdownSignal shutdown;

  ControllerService(ShutdownSignal shutdown) {
    this.shutdown = shutdown;
  }

  @Override
  public void shutdown(Empty request, StreamObserver<Empty> responses) {
    // reply first, so the host sees success before the server goes away
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
    shutdown.request("the plugin host asked the plugin to shut down");
  }
}
