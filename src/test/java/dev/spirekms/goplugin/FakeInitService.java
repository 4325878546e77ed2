package dev.spirekms.goplugin;

import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.init.v1.InitResponse;
import io.grpc.stub.StreamObserver;

/** A plugin service to serve next to the go-plugin ones: answers Init with a fixed name. */
final class FakeInitService extends InitGrpc.InitImplBase {
  static final String SERVICE_NAME = "test.Fake";

  @Override
  public void init(InitRequest request, StreamObserver<InitResponse> responses) {
    responses.onNext(InitResponse.newBuilder().addPluginServiceNames(SERVICE_NAME).build());
    responses.onCompleted();
  }
}
