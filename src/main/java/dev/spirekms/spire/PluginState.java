package dev.spirekms.spire;

import dev.spirekms.config.PluginConfig;
import dev.spirekms.keys.KeyStoreException;
import dev.spirekms.keys.KmsKeyStore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running configuration. Configure builds a complete new backend first and swaps it in only
 * when it is ready, so a failed re-Configure leaves the running one untouched. Key rotations and
 * Configure exclude each other, so a new backend never starts from a view of the keys that a
 * rotation on the old one is changing; signing and public-key reads are never held up.
 */
final class PluginState implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginState.class);

  private final BackendFactory factory;
  private final AtomicReference<Backend> current = new AtomicReference<>();
  private final ReentrantReadWriteLock rotationsOrConfigure = new ReentrantReadWriteLock();
  private volatile boolean closed;

  PluginState(BackendFactory factory) {
    this.factory = factory;
  }

  /** The key store of the running configuration. */
  KmsKeyStore keyStore() {
    Backend backend = current.get();
    if (backend == null) {
      throw new KeyStoreException(
          KeyStoreException.Kind.PRECONDITION, SpireMessages.NOT_CONFIGURED);
    }
    return backend.keyStore();
  }

  /** Runs a key rotation on the running key store; a Configure waits for it to finish. */
  <T> T rotate(Function<KmsKeyStore, T> rotation) {
    rotationsOrConfigure.readLock().lock();
    try {
      return rotation.apply(keyStore());
    } finally {
      rotationsOrConfigure.readLock().unlock();
    }
  }

  /** Opens a backend for the configuration and makes it the running one. */
  void configure(PluginConfig config) {
    rotationsOrConfigure.writeLock().lock();
    try {
      if (closed) {
        throw new KeyStoreException(
            KeyStoreException.Kind.PRECONDITION, SpireMessages.SHUTTING_DOWN);
      }
      Backend fresh = factory.open(config);
      Backend previous = current.getAndSet(fresh);
      if (previous != null) {
        previous.close();
        LOG.info("Previous configuration stopped");
      }
    } finally {
      rotationsOrConfigure.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    rotationsOrConfigure.writeLock().lock();
    try {
      closed = true;
      Backend backend = current.getAndSet(null);
      if (backend != null) {
        backend.close();
      }
    } finally {
      rotationsOrConfigure.writeLock().unlock();
    }
  }
}
