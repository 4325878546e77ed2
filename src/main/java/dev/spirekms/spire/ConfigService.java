package dev.spirekms.spire;

import dev.spirekms.config.ConfigLoader;
import dev.spirekms.config.ConfigResult;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.ConfigureResponse;
import dev.spirekms.proto.config.v1.ValidateRequest;
import dev.spirekms.proto.config.v1.ValidateResponse;
import io.grpc.stub.StreamObserver;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SPIRE's Config service: Validate reports every problem; Configure applies a valid config. */
final class ConfigService extends ConfigGrpc.ConfigImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigService.class);

  private final PluginState state;

  ConfigService(PluginState state) {
    this.state = state;
  }

  @Override
  public void validate(ValidateRequest request, StreamObserver<ValidateResponse> response) {
    ConfigResult result =
        load(
            request.hasCoreConfiguration(),
            request.getCoreConfiguration().getTrustDomain(),
            request.getHclConfiguration());
    // spire pluginconf: Validate answers with notes and never fails the RPC
    ValidateResponse.Builder answer =
        ValidateResponse.newBuilder()
            .setValid(result.errors().isEmpty())
            .addAllNotes(result.errors())
            .addAllNotes(result.warnings());
    result.config().ifPresent(config -> answer.addNotes(validSummary(config)));
    response.onNext(answer.build());
    response.onCompleted();
  }

  /**
   * The one note of a valid configuration: the effective settings (the same secret-free summary as
   * the "Plugin configured" log line), so {@code spire-server validate} shows what would run.
   */
  static String validSummary(PluginConfig config) {
    return "configuration valid: "
        + config.summary().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
  }

  private static ConfigResult load(boolean hasCore, String trustDomain, String text) {
    if (!hasCore) {
      // spire pluginconf checks the core configuration first
      return ConfigResult.failed(SpireMessages.CORE_CONFIGURATION_REQUIRED);
    }
    return ConfigLoader.load(trustDomain, text);
  }

  @Override
  public void configure(ConfigureRequest request, StreamObserver<ConfigureResponse> response) {
    try {
      ConfigResult result =
          load(
              request.hasCoreConfiguration(),
              request.getCoreConfiguration().getTrustDomain(),
              request.getHclConfiguration());
      if (!result.errors().isEmpty()) {
        // spire pluginconf: the first problem is the status, always InvalidArgument
        LOG.atError()
            .addKeyValue("reason", String.join("; ", result.errors()))
            .log(SpireMessages.CONFIGURATION_REJECTED);
        throw StatusMapper.invalidArgument(result.errors().get(0));
      }
      for (String warning : result.warnings()) {
        LOG.atWarn().addKeyValue("reason", warning).log(SpireMessages.CONFIGURATION_WARNING);
      }
      PluginConfig config = result.config().orElseThrow();
      state.configure(config);
      var line = LOG.atInfo();
      config.summary().forEach(line::addKeyValue);
      line.addKeyValue("server_id", state.keyStore().naming().serverId())
          .addKeyValue("keys", state.keyStore().all().size())
          .log("Plugin configured");
      response.onNext(ConfigureResponse.getDefaultInstance());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(StatusMapper.toStatus("Configure", null, e));
    }
  }
}
