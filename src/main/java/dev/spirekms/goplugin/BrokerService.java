package dev.spirekms.goplugin;

import dev.spirekms.proto.goplugin.ConnInfo;
import dev.spirekms.proto.goplugin.GRPCBrokerGrpc;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * go-plugin's connection broker. The host announces its host-services socket here; a plugin that
 * dials no host services reads and ignores it, but must keep the stream open until the host ends
 * it, or plugin loading can fail (go-plugin grpc_broker.go: Accept sends on this stream).
 */
final class BrokerService extends GRPCBrokerGrpc.GRPCBrokerImplBase {
  private static final Logger log = LoggerFactory.getLogger(BrokerService.class);

  private final OpenStreams openStreams;

  BrokerService(OpenStreams openStreams) {
    this.openStreams = openStreams;
  }

  @Override
  public StreamObserver<ConnInfo> startStream(StreamObserver<ConnInfo> responses) {
    OpenStreams.Stream stream = openStreams.register(responses);
    return new StreamObserver<>() {
      @Override
      public void onNext(ConnInfo info) {
        log.atDebug()
            .addKeyValue("service_id", info.getServiceId())
            .addKeyValue("network", info.getNetwork())
            .log("Broker connection info received and ignored");
      }

      @Override
      public void onError(Throwable t) {
        stream.forget();
      }

      @Override
      public void onCompleted() {
        stream.complete();
      }
    };
  }
}
