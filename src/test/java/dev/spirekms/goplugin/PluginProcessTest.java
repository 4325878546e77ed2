package dev.spirekms.goplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.proto.goplugin.Empty;
import dev.spirekms.proto.goplugin.GRPCControllerGrpc;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.testing.Handshake;
import dev.spirekms.testing.PluginChannels;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginProcessTest {
  private static final long WAIT_SECONDS = 10;

  @TempDir Path temp;

  private final PluginChannels channels = new PluginChannels();
  private final LineCapture stdout = new LineCapture();
  private final FakeSignals signals = new FakeSignals();
  private final AtomicInteger closes = new AtomicInteger();
  private final AtomicInteger creations = new AtomicInteger();

  @AfterEach
  void tearDown() {
    channels.close();
  }

  private Map<String, String> env() {
    return Map.of(
        "KeyManager", "KeyManager",
        "PLUGIN_PROTOCOL_VERSIONS", "1",
        "PLUGIN_MIN_PORT", "10000",
        "PLUGIN_MAX_PORT", "25000",
        "PLUGIN_UNIX_SOCKET_DIR", temp.toString());
  }

  private PluginProcess.Builder process() {
    return PluginProcess.builder("KeyManager")
        .plugin(
            () -> {
              creations.incrementAndGet();
              return ServedPlugin.of(List.of(new FakeInitService()), closes::incrementAndGet);
            })
        .stdout(() -> new PrintStream(stdout, true))
        .signals(signals)
        .halt(
            status -> {
              throw new AssertionError("halt(" + status + ") during an orderly stop");
            });
  }

  private static CompletableFuture<Integer> runAsync(
      PluginProcess process, Map<String, String> env) {
    return CompletableFuture.supplyAsync(() -> process.run(env));
  }

  @Test
  void servesUntilTheHostCallsShutdownThenStopsInOrder() throws Exception {
    CompletableFuture<Integer> exit = runAsync(process().build(), env());

    Handshake handshake = Handshake.parse(stdout.firstLine().get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, handshake.coreVersion());
    assertEquals("unix", handshake.network());
    assertEquals("grpc", handshake.protocol());
    Path socket = Path.of(handshake.address());
    assertTrue(Files.exists(socket));
    ManagedChannel channel = channels.dial(handshake);
    assertEquals(
        List.of(FakeInitService.SERVICE_NAME),
        InitGrpc.newBlockingStub(channel)
            .init(InitRequest.getDefaultInstance())
            .getPluginServiceNamesList());
    assertTrue(signals.installed());
    assertFalse(exit.isDone());

    GRPCControllerGrpc.newBlockingStub(channel).shutdown(Empty.getDefaultInstance());
    channel.shutdownNow();

    assertEquals(0, exit.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, closes.get());
    assertFalse(Files.exists(socket.getParent()));
    assertEquals(handshake.line() + "\n", stdout.text());
    assertTrue(signals.restored());
  }

  @Test
  void sigtermStopsInOrder() throws Exception {
    CompletableFuture<Integer> exit = runAsync(process().build(), env());
    Path socket =
        Path.of(Handshake.parse(stdout.firstLine().get(WAIT_SECONDS, TimeUnit.SECONDS)).address());

    signals.shutdown().request("received SIGTERM");

    assertEquals(0, exit.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, closes.get());
    assertFalse(Files.exists(socket.getParent()));
  }

  @Test
  void exitAfterHandshakeStopsRightAfterTheLine() throws Exception {
    int status = process().exitAfterHandshake(true).build().run(env());

    assertEquals(0, status);
    Handshake handshake = Handshake.parse(stdout.firstLine().getNow("missing"));
    assertFalse(Files.exists(Path.of(handshake.address()).getParent()));
    assertEquals(1, closes.get());
  }

  @Test
  void withoutTheCookieItFailsBeforeCreatingThePlugin() {
    int status = process().build().run(Map.of("PLUGIN_PROTOCOL_VERSIONS", "1"));

    assertEquals(1, status);
    assertEquals(0, creations.get());
    assertEquals("", stdout.text());
    assertFalse(signals.installed());
  }

  @Test
  void aPluginThatCannotBeCreatedFailsTheStart() {
    int status =
        process()
            .plugin(
                () -> {
                  throw new IllegalStateException("no");
                })
            .build()
            .run(env());

    assertEquals(1, status);
    assertEquals("", stdout.text());
    assertTrue(signals.restored());
  }

  @Test
  void aHandshakeThatCannotBeWrittenFailsTheStartAndClosesThePlugin() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("stdout closed");
          }
        };

    int status = process().stdout(() -> new PrintStream(broken)).build().run(env());

    assertEquals(1, status);
    assertEquals(1, closes.get());
    try (var left = Files.list(temp)) {
      assertEquals(List.of(), left.toList(), "socket directory left behind");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aPluginThatFailsToCloseStillExitsCleanly() {
    int status =
        process()
            .plugin(
                () ->
                    ServedPlugin.of(
                        List.of(),
                        () -> {
                          throw new IllegalStateException("close failed");
                        }))
            .exitAfterHandshake(true)
            .build()
            .run(env());

    assertEquals(0, status);
  }

  @Test
  void aStopThatOverrunsItsDeadlineHaltsTheProcess() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    CompletableFuture<Integer> halted = new CompletableFuture<>();
    PluginProcess process =
        process()
            .plugin(() -> ServedPlugin.of(List.of(), () -> awaitQuietly(stuck)))
            .exitAfterHandshake(true)
            .stopDeadline(Duration.ofMillis(50))
            .halt(
                status -> {
                  halted.complete(status);
                  stuck.countDown();
                })
            .build();

    assertEquals(0, process.run(env()));
    assertEquals(1, halted.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records the shutdown signal handed to the signal handlers, without touching real signals. */
  private static final class FakeSignals implements SignalHandlers {
    private volatile ShutdownSignal shutdown;
    private volatile boolean restored;

    @Override
    public Runnable install(ShutdownSignal shutdown) {
      this.shutdown = shutdown;
      return () -> restored = true;
    }

    boolean installed() {
      return shutdown != null;
    }

    boolean restored() {
      return restored;
    }

    ShutdownSignal shutdown() {
      return shutdown;
    }
  }
}
