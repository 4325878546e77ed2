package dev.spirekms.spire;

import dev.spirekms.config.PluginConfig;

/** Builds a {@link Backend} for a validated configuration. */
@FunctionalInterface
public interface BackendFactory {

  /**
   * Connects to KMS, finds this server's keys and starts background work.
   *
   * @throws dev.spirekms.keys.KeyStoreException when the keys cannot be loaded
   */
  Backend open(PluginConfig config);
}
