package dev.spirekms.spire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.ConfigLoader;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KeyPolicySource;
import dev.spirekms.keys.KeyStoreSettings;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.RecordingDeletionQueue;
import dev.spirekms.localkms.FakeKmsClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PluginStateTest {
  // each task on its own thread: the common pool may have a single thread on a small machine
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    pool.shutdownNow();
  }

  private final FakeKmsClient kms = FakeKmsClient.create();
  private final AtomicInteger opened = new AtomicInteger();

  private Backend open(PluginConfig config) {
    opened.incrementAndGet();
    KmsKeyStore store =
        KmsKeyStore.open(
            kms,
            new KeyStoreSettings(
                new KeyNaming(config.trustDomain(), config.keyIdentifierValue().orElseThrow()),
                KeyPolicySource.fixed("{}"),
                Map.of(),
                1),
            new RecordingDeletionQueue());
    return new Backend() {
      @Override
      public KmsKeyStore keyStore() {
        return store;
      }

      @Override
      public void close() {}
    };
  }

  private static PluginConfig config() {
    return ConfigLoader.load("example.org", "region = \"us-east-1\"\nkey_identifier_value = \"a\"")
        .configOrThrow();
  }

  @Test
  void configureWaitsForARotationInFlightAndSigningNeverWaits() throws Exception {
    PluginState state = new PluginState(this::open);
    state.configure(config());
    CountDownLatch rotating = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<String> rotation =
        CompletableFuture.supplyAsync(
            () ->
                state.rotate(
                    store -> {
                      rotating.countDown();
                      try {
                        finish.await(10, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return store.naming().serverId();
                    }),
            pool);
    assertTrue(rotating.await(10, TimeUnit.SECONDS));
    CompletableFuture<Void> reconfigure = CompletableFuture.runAsync(() -> state.configure(config()), pool);

    assertEquals(0, state.keyStore().all().size(), "reads go on during the rotation");
    assertFalse(reconfigure.isDone());
    assertEquals(1, opened.get(), "the new backend is not opened while a rotation runs");

    finish.countDown();
    assertEquals("a", rotation.get(10, TimeUnit.SECONDS));
    reconfigure.get(10, TimeUnit.SECONDS);
    assertEquals(2, opened.get());
    state.close();
  }
}
