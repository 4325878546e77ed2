package dev.spirekms.spire;

import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.init.v1.DeinitRequest;
import dev.spirekms.proto.init.v1.DeinitResponse;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.init.v1.InitResponse;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SPIRE's private Init service: names the services this plugin implements. */
final class InitService extends InitGrpc.InitImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(InitService.class);

  /** spire-plugin-sdk: the plugin service first, then the service servers; Init itself is not listed. */
  static final List<String> PLUGIN_SERVICE_NAMES =
      List.of(KeyManagerGrpc.SERVICE_NAME, ConfigGrpc.SERVICE_NAME);

  private final Runnable onDeinit;

  InitService(Runnable onDeinit) {
    this.onDeinit = onDeinit;
  }

  @Override
  public void init(InitRequest request, StreamObserver<InitResponse> response) {
    LOG.atDebug()
        .addKeyValue("host_services", String.join(",", request.getHostServiceNamesList()))
        .log("Plugin initialised");
    response.onNext(InitResponse.newBuilder().addAllPluginServiceNames(PLUGIN_SERVICE_NAMES).build());
    response.onCompleted();
  }

  @Override
  public void deinit(DeinitRequest request, StreamObserver<DeinitResponse> response) {
    onDeinit.run();
    response.onNext(DeinitResponse.getDefaultInstance());
    response.onCompleted();
  }
}
