package dev.spirekms.spire;

import dev.spirekms.keys.KmsKeyStore;

/** Everything one configuration of the plugin runs: the key store and its background work. */
public interface Backend extends AutoCloseable {

  KmsKeyStore keyStore();

  /** Stops background work and releases clients. Idempotent. */
  @Override
  void close();
}
