package dev.spirekms.cli;

import dev.spirekms.goplugin.PluginProcess;
import dev.spirekms.goplugin.ServedPlugin;
import dev.spirekms.logging.Logging;
import dev.spirekms.spire.KeyManagerPlugin;
import java.util.Map;

/** Serves the KeyManager plugin to the SPIRE server that launched this process. */
final class KeyManagerServe {
  /** SPIRE's plugin type for this plugin, also the go-plugin magic cookie (SPIRE catalog). */
  static final String PLUGIN_TYPE = "KeyManager";

  private KeyManagerServe() {}

  /** Serves until SPIRE unloads the plugin; returns the process exit status. */
  static int serve(Map<String, String> env, boolean exitAfterHandshake) {
    Logging.install();
    return PluginProcess.builder(PLUGIN_TYPE)
        .plugin(
            () -> {
              KeyManagerPlugin plugin =
                  KeyManagerPlugin.create(
                      new AwsKmsBackendFactory(
                          env, "spire-aws-kms-keymanager/" + Version.of(KeyManagerServe.class)));
              return ServedPlugin.of(plugin.services(), plugin::close);
            })
        .exitAfterHandshake(exitAfterHandshake)
        .build()
        .run(env);
  }
}
