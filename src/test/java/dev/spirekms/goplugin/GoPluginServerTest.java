package dev.spirekms.goplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import dev.spirekms.proto.goplugin.ConnInfo;
import dev.spirekms.proto.goplugin.GRPCBrokerGrpc;
import dev.spirekms.proto.goplugin.GRPCControllerGrpc;
import dev.spirekms.proto.goplugin.GRPCStdioGrpc;
import dev.spirekms.proto.goplugin.StdioData;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.init.v1.InitResponse;
import dev.spirekms.testing.Handshake;
import dev.spirekms.testing.PluginChannels;
import dev.spirekms.testing.RecordingObserver;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoPluginServerTest {
  private static final long WAIT_SECONDS = 10;

  @TempDir Path temp;

  private final PluginChannels channels = new PluginChannels();
  private final ShutdownSignal shutdown = new ShutdownSignal();
  private GoPluginServer server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    channels.close();
  }

  private PluginEnvironment environment(int minPort, int maxPort) {
    return PluginEnvironment.parse(
        "KeyManager",
        Map.of(
            "KeyManager", "KeyManager",
            "PLUGIN_PROTOCOL_VERSIONS", "1",
            "PLUGIN_MIN_PORT", Integer.toString(minPort),
            "PLUGIN_MAX_PORT", Integer.toString(maxPort),
            "PLUGIN_UNIX_SOCKET_DIR", temp.toString()),
        1);
  }

  private void startOnUnixSocket() throws IOException {
    server =
        GoPluginServer.start(environment(10000, 25000), List.of(new FakeInitService()), shutdown);
    channel = channels.dial(Handshake.parse(server.handshakeLine()));
  }

  @Test
  void announcesAPrivateUnixSocket() throws IOException {
    startOnUnixSocket();

    Path socket = server.socketPath().orElseThrow();
    assertEquals("1|1|unix|" + socket + "|grpc|", server.handshakeLine());
    assertEquals(temp, socket.getParent().getParent());
    assertTrue(Files.exists(socket));
    assertFalse(Files.isRegularFile(socket));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
  }

  @Test
  void servesThePluginServicesNextToTheGoPluginOnes() throws IOException {
    startOnUnixSocket();

    assertEquals(
        List.of(FakeInitService.SERVICE_NAME),
        InitGrpc.newBlockingStub(channel)
            .init(InitRequest.getDefaultInstance())
            .getPluginServiceNamesList());
    assertEquals(
        ServingStatus.SERVING,
        HealthGrpc.newBlockingStub(channel)
            .check(HealthCheckRequest.newBuilder().setService("plugin").build())
            .getStatus());
  }

  @Test
  void acceptsUnixSocketConnectionsWithoutChannelOptionWarnings() throws IOException {
    Logger netty = Logger.getLogger("io.grpc.netty.shaded.io.netty");
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            warnings.add(String.valueOf(record.getMessage()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    netty.addHandler(handler);
    try {
      startOnUnixSocket();
      HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    } finally {
      netty.removeHandler(handler);
    }

    assertEquals(
        List.of(), warnings.stream().filter(w -> w.contains("Unknown channel option")).toList());
  }

  @Test
  void brokerStreamStaysOpenUntilTheHostHalfClosesIt() throws Exception {
    startOnUnixSocket();
    RecordingObserver<ConnInfo> responses = new RecordingObserver<>();
    StreamObserver<ConnInfo> requests = GRPCBrokerGrpc.newStub(channel).startStream(responses);

    requests.onNext(
        ConnInfo.newBuilder().setServiceId(1).setNetwork("unix").setAddress("/tmp/h").build());
    // a round trip on the same connection, after the ConnInfo
    HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    assertFalse(responses.end().isDone(), "broker stream ended early");
    awaitOpenStreams(1);

    requests.onCompleted();
    assertEquals(Status.OK, responses.end().get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(List.of(), responses.values());
    assertEquals(0, server.openStreamCount());
  }

  @Test
  void brokerStreamIsForgottenWhenTheHostCancelsIt() throws Exception {
    startOnUnixSocket();
    RecordingObserver<ConnInfo> responses = new RecordingObserver<>();
    ClientCallStreamObserver<ConnInfo> requests =
        (ClientCallStreamObserver<ConnInfo>) GRPCBrokerGrpc.newStub(channel).startStream(responses);
    requests.onNext(ConnInfo.newBuilder().setServiceId(1).build());
    HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    awaitOpenStreams(1);

    requests.cancel("host went away", null);

    assertEquals(
        Status.Code.CANCELLED, responses.end().get(WAIT_SECONDS, TimeUnit.SECONDS).getCode());
    awaitOpenStreams(0);
  }

  @Test
  void stdioStreamStaysOpenAndCarriesNothing() throws Exception {
    startOnUnixSocket();
    RecordingObserver<StdioData> stdio = new RecordingObserver<>();
    GRPCStdioGrpc.newStub(channel).streamStdio(Empty.getDefaultInstance(), stdio);
    HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());

    assertFalse(stdio.end().isDone(), "stdio stream ended early");
    awaitOpenStreams(1);
  }

  @Test
  void shutdownRepliesAndAsksThePluginToStop() throws IOException {
    startOnUnixSocket();
    assertFalse(shutdown.isRequested());

    GRPCControllerGrpc.newBlockingStub(channel)
        .shutdown(dev.spirekms.proto.goplugin.Empty.getDefaultInstance());

    assertTrue(shutdown.isRequested());
  }

  @Test
  void closeEndsOpenStreamsWithOkAndRemovesTheSocketDirectory() throws Exception {
    startOnUnixSocket();
    RecordingObserver<ConnInfo> broker = new RecordingObserver<>();
    GRPCBrokerGrpc.newStub(channel).startStream(broker);
    RecordingObserver<StdioData> stdio = new RecordingObserver<>();
    GRPCStdioGrpc.newStub(channel).streamStdio(Empty.getDefaultInstance(), stdio);
    awaitOpenStreams(2);
    Path socket = server.socketPath().orElseThrow();

    server.close();
    server.close();

    assertEquals(Status.OK, broker.end().get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(Status.OK, stdio.end().get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertFalse(Files.exists(socket));
    assertFalse(Files.exists(socket.getParent()));
  }

  @Test
  void closeCancelsCallsThatOutliveTheGracePeriod() throws Exception {
    InitGrpc.InitImplBase stuck =
        new InitGrpc.InitImplBase() {
          @Override
          public void init(InitRequest request, StreamObserver<InitResponse> responses) {
            // never answers; the server must give up on it
          }
        };
    server = GoPluginServer.start(environment(0, 0), List.of(stuck), shutdown);
    channel = channels.dial(Handshake.parse(server.handshakeLine()));
    RecordingObserver<InitResponse> call = new RecordingObserver<>();
    InitGrpc.newStub(channel).init(InitRequest.getDefaultInstance(), call);
    HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());

    server.close();

    assertNotEquals(Status.OK, call.end().get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertFalse(Files.exists(server.socketPath().orElseThrow()));
  }

  @Test
  void fallsBackToTheFirstFreeLoopbackPortInTheRange() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket busy = new ServerSocket(0, 1, loopback)) {
      int taken = busy.getLocalPort();
      int max = Math.min(taken + 50, 65535);
      server =
          GoPluginServer.start(
              environment(taken, max),
              List.of(new FakeInitService()),
              shutdown,
              GoPluginServer.Transport.TCP);

      Handshake handshake = Handshake.parse(server.handshakeLine());
      assertEquals("tcp", handshake.network());
      int port = Integer.parseInt(handshake.address().substring("127.0.0.1:".length()));
      assertTrue(port > taken && port <= max, handshake.address());
      assertEquals(Optional.empty(), server.socketPath());
      channel = channels.dial(handshake);
      assertEquals(
          ServingStatus.SERVING,
          HealthGrpc.newBlockingStub(channel)
              .check(HealthCheckRequest.newBuilder().setService("plugin").build())
              .getStatus());
    }
  }

  @Test
  void anUnsetPortRangeMeansAnyFreePort() throws IOException {
    server =
        GoPluginServer.start(environment(0, 0), List.of(), shutdown, GoPluginServer.Transport.TCP);

    String address = Handshake.parse(server.handshakeLine()).address();
    assertTrue(address.startsWith("127.0.0.1:"), address);
    assertNotEquals("127.0.0.1:0", address);
  }

  @Test
  void failsWhenEveryPortInTheRangeIsTaken() throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int taken = busy.getLocalPort();

      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  GoPluginServer.start(
                      environment(taken, taken),
                      List.of(),
                      shutdown,
                      GoPluginServer.Transport.TCP));
      assertEquals(
          "no free TCP port on 127.0.0.1 between " + taken + " and " + taken, e.getMessage());
    }
  }

  private void awaitOpenStreams(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (server.openStreamCount() != expected && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.sleep(5);
    }
    assertEquals(expected, server.openStreamCount());
  }
}
