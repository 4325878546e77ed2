package dev.spirekms.keys;

import dev.spirekms.keys.KeyStoreException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs the start-up loads of keys a few at a time; the first failure fails them all. */
final class ParallelLoad {
  private ParallelLoad() {}

  static <T> List<T> all(int concurrency, List<Callable<Optional<T>>> loads) {
    if (loads.isEmpty()) {
      return List.of();
    }
    int threads = Math.min(concurrency, loads.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads, ParallelLoad::loaderThread);
    try {
      List<Future<Optional<T>>> futures = new ArrayList<>();
      for (Callable<Optional<T>> load : loads) {
        futures.add(pool.submit(load));
      }
      List<T> loaded = new ArrayList<>();
      for (Future<Optional<T>> future : futures) {
        future.get().ifPresent(loaded::add);
      }
      return loaded;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KeyStoreException k) {
        throw k;
      }
      throw new KeyStoreException(
          Kind.INTERNAL, String.format(KeyMessages.LOAD_FAILED, e.getCause()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeyStoreException(Kind.UNAVAILABLE, KeyMessages.LOAD_INTERRUPTED, e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Thread loaderThread(Runnable r) {
    Thread t = new Thread(r, "kms-key-loader");
    t.setDaemon(true);
    return t;
  }
}
