package dev.spirekms.spire;

import dev.spirekms.config.PluginConfig;
import dev.spirekms.keys.KeyStoreException;
import dev.spirekms.keys.KmsKeyStore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running configuration. Configure builds a complete new backend first and swaps it in only
 * when it is ready, so a failed re-Configure leaves the running one untouched.
 */
final class PluginState implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginState.class);

  private final BackendFactory factory;
  private final AtomicReference<Backend> current = new AtomicReference<>();
  private final ReentrantLock configureLock = new ReentrantLock();
  private volatile boolean closed;

  PluginState(BackendFactory factory) {
    this.factory = factory;
  }

  /** The key store of the running configuration. */
  KmsKeyStore keyStore() {
    Backend backend = current.get();
    if (backend == null) {
      throw new KeyStoreException(KeyStoreException.Kind.PRECONDITION, "not configured");
    }
    return backend.keyStore();
  }

  /** Opens a backend for the configuration and makes it the running one. */
  void configure(PluginConfig config) {
    configureLock.lock();
    try {
      if (closed) {
        throw new KeyStoreException(KeyStoreException.Kind.PRECONDITION, "plugin is shutting down");
      }
      Backend fresh = factory.open(config);
      Backend previous = current.getAndSet(fresh);
      if (previous != null) {
        previous.close();
        LOG.info("Previous configuration stopped");
      }
    } finally {
      configureLock.unlock();
    }
  }

  @Override
  public void close() {
    configureLock.lock();
    try {
      closed = true;
      Backend backend = current.getAndSet(null);
      if (backend != null) {
        backend.close();
      }
    } finally {
      configureLock.unlock();
    }
  }
}
