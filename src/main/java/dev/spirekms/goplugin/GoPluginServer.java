package dev.spirekms.goplugin;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin's gRPC server as a go-plugin host expects it: the plugin's own services plus the
 * broker, controller, stdio and health services, on a private unix socket (or, where unix sockets
 * are unavailable, on loopback TCP within the host's port range).
 */
public final class GoPluginServer implements AutoCloseable {
  /** go-plugin grpc_server.go: the health service name a plugin reports as SERVING. */
  static final String HEALTH_SERVICE_NAME = "plugin";

  /** How long in-flight calls may run on after a stop before they are cancelled. */
  static final Duration GRACE = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(GoPluginServer.class);
  private static final Duration FORCED_STOP_WAIT = Duration.ofMillis(200);

  /** How the server listens. */
  enum Transport {
    UNIX,
    TCP;

    static Transport available() {
      return Epoll.isAvailable() ? UNIX : TCP;
    }
  }

  private final Server server;
  private final HealthStatusManager health;
  private final OpenStreams openStreams;
  private final Optional<UnixSocketDirectory> socketDirectory;
  private final Optional<EventLoopGroup> eventLoops;
  private final String handshakeLine;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GoPluginServer(
      Server server,
      HealthStatusManager health,
      OpenStreams openStreams,
      Optional<UnixSocketDirectory> socketDirectory,
      Optional<EventLoopGroup> eventLoops,
      String handshakeLine) {
    this.server = server;
    this.health = health;
    this.openStreams = openStreams;
    this.socketDirectory = socketDirectory;
    this.eventLoops = eventLoops;
    this.handshakeLine = handshakeLine;
  }

  /**
   * Starts serving {@code services} on a unix socket, or on loopback TCP if epoll is unavailable.
   * The host's Shutdown call raises {@code shutdown}; stopping is up to the caller ({@link
   * #close}).
   */
  public static GoPluginServer start(
      PluginEnvironment env, List<? extends BindableService> services, ShutdownSignal shutdown)
      throws IOException {
    Transport transport = Transport.available();
    if (transport == Transport.TCP) {
      log.atWarn()
          .addKeyValue("reason", String.valueOf(Epoll.unavailabilityCause()))
          .log(GoPluginMessages.TCP_FALLBACK);
    }
    return start(env, services, shutdown, transport);
  }

  static GoPluginServer start(
      PluginEnvironment env,
      List<? extends BindableService> services,
      ShutdownSignal shutdown,
      Transport transport)
      throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(HEALTH_SERVICE_NAME, ServingStatus.SERVING);
    OpenStreams openStreams = new OpenStreams();
    ServiceSet serviceSet = new ServiceSet(services, health, openStreams, shutdown);
    if (transport == Transport.UNIX) {
      return startOnUnixSocket(env, serviceSet);
    }
    return startOnTcp(env, serviceSet);
  }

  private static GoPluginServer startOnUnixSocket(PluginEnvironment env, ServiceSet services)
      throws IOException {
    UnixSocketDirectory directory = UnixSocketDirectory.create(env.unixSocketDir());
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("plugin-uds", true), EpollIoHandler.newFactory());
    try {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new DomainSocketAddress(directory.socket().toFile()))
              .channelType(EpollServerDomainSocketChannel.class)
              .bossEventLoopGroup(group)
              .workerEventLoopGroup(group)
              // grpc sets SO_KEEPALIVE on every accepted channel; a unix socket has no such option
              // and Netty would log a warning per connection. A null value removes the option.
              .withChildOption(ChannelOption.SO_KEEPALIVE, (Boolean) null);
      Server server = services.addTo(builder).build().start();
      String line =
          HandshakeLine.format(env.appProtocolVersion(), "unix", directory.socket().toString());
      return new GoPluginServer(
          server,
          services.health,
          services.openStreams,
          Optional.of(directory),
          Optional.of(group),
          line);
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      directory.close();
      throw e;
    }
  }

  private static GoPluginServer startOnTcp(PluginEnvironment env, ServiceSet services)
      throws IOException {
    InetAddress loopback = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    // go-plugin server.go: the first free port in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT
    for (int port = env.minPort(); port <= env.maxPort(); port++) {
      Server server;
      try {
        server =
            services
                .addTo(NettyServerBuilder.forAddress(new InetSocketAddress(loopback, port)))
                .build()
                .start();
      } catch (IOException e) {
        continue;
      }
      int bound = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
      String line = HandshakeLine.format(env.appProtocolVersion(), "tcp", "127.0.0.1:" + bound);
      return new GoPluginServer(
          server, services.health, services.openStreams, Optional.empty(), Optional.empty(), line);
    }
    throw new IOException(
        String.format(GoPluginMessages.NO_FREE_TCP_PORT, env.minPort(), env.maxPort()));
  }

  /** The line to print on stdout, without a line terminator. */
  public String handshakeLine() {
    return handshakeLine;
  }

  /** The socket the server listens on, when it listens on a unix socket. */
  public Optional<Path> socketPath() {
    return socketDirectory.map(UnixSocketDirectory::socket);
  }

  int openStreamCount() {
    return openStreams.size();
  }

  /**
   * Stops serving: refuses new calls, ends the broker and stdio streams, gives in-flight calls
   * {@link #GRACE} to finish, then removes the socket and its directory. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    health.enterTerminalState();
    server.shutdown();
    openStreams.completeAll();
    try {
      if (!server.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.atWarn()
            .addKeyValue("grace_ms", GRACE.toMillis())
            .log(GoPluginMessages.CALLS_CANCELLED);
        server.shutdownNow();
        server.awaitTermination(FORCED_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    eventLoops.ifPresent(
        group ->
            group
                .shutdownGracefully(0, FORCED_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(FORCED_STOP_WAIT.toMillis() * 2));
    socketDirectory.ifPresent(UnixSocketDirectory::close);
  }

  /** The services every go-plugin server carries, next to the plugin's own. */
  private static final class ServiceSet {
    private final List<? extends BindableService> pluginServices;
    private final HealthStatusManager health;
    private final OpenStreams openStreams;
    private final ShutdownSignal shutdown;

    ServiceSet(
        List<? extends BindableService> pluginServices,
        HealthStatusManager health,
        OpenStreams openStreams,
        ShutdownSignal shutdown) {
      this.pluginServices = List.copyOf(pluginServices);
      this.health = health;
      this.openStreams = openStreams;
      this.shutdown = shutdown;
    }

    NettyServerBuilder addTo(NettyServerBuilder builder) {
      for (BindableService service : pluginServices) {
        builder.addService(service);
      }
      return builder
          .addService(health.getHealthService())
          .addService(new BrokerService(openStreams))
          .addService(new ControllerService(shutdown))
          .addService(new StdioService(openStreams));
    }
  }
}
