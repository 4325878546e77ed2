package dev.spirekms.goplugin;

import com.google.protobuf.Empty;
import dev.spirekms.proto.goplugin.GRPCStdioGrpc;
import dev.spirekms.proto.goplugin.StdioData;
import io.grpc.stub.StreamObserver;

/**
 * go-plugin's stdio forwarding. This plugin writes its logs to stderr directly, so the stream stays
 * open and carries nothing; SPIRE discards stdio data anyway (SPIRE pkg/common/catalog).
 */
final class StdioService extends GRPCStdioGrpc.GRPCStdioImplBase {
  private final OpenStreams openStreams;

  StdioService(OpenStreams openStreams) {
    this.openStreams = openStreams;
  }

  @Override
  public void streamStdio(Empty request, StreamObserver<StdioData> responses) {
    openStreams.register(responses);
  }
}
