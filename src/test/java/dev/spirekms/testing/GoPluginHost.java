package dev.spirekms.testing;

import dev.spirekms.proto.goplugin.ConnInfo;
import dev.spirekms.proto.goplugin.Empty;
import dev.spirekms.proto.goplugin.GRPCBrokerGrpc;
import dev.spirekms.proto.goplugin.GRPCControllerGrpc;
import dev.spirekms.proto.goplugin.GRPCStdioGrpc;
import dev.spirekms.proto.goplugin.StdioData;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a plugin as a child process the way SPIRE server's go-plugin host does, and talks to it:
 * the host's environment plus the cookie and go-plugin variables, the handshake line read from
 * stdout within a timeout, a plaintext gRPC channel to the announced address, the broker stream
 * opened with one ConnInfo for host services (service 1), and the stdio stream. All stdout and
 * stderr is captured.
 */
public final class GoPluginHost implements AutoCloseable {
  /** go-plugin's default StartTimeout, which SPIRE does not change. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofMinutes(1);

  /** How long to wait for the plugin's exit after Shutdown before reporting it as still running. */
  static final Duration EXIT_WAIT = Duration.ofSeconds(10);

  /** What {@link #shutdown()} observed. */
  public record ShutdownResult(Status shutdownStatus, int exitCode, Duration elapsed) {
    /** Exit code reported when the process had not exited after {@link #EXIT_WAIT}. */
    public static final int STILL_RUNNING = -1;
  }

  private final Process process;
  private final Handshake handshake;
  private final PluginChannels channels;
  private final ManagedChannel channel;
  private final StreamObserver<ConnInfo> brokerRequests;
  private final RecordingObserver<ConnInfo> brokerResponses;
  private final RecordingObserver<StdioData> stdio;
  private final OutputCapture stdout;
  private final OutputCapture stderr;
  private final String hostServicesAddress;

  private GoPluginHost(
      Process process,
      Handshake handshake,
      OutputCapture stdout,
      OutputCapture stderr,
      String hostServicesAddress) {
    this.process = process;
    this.handshake = handshake;
    this.stdout = stdout;
    this.stderr = stderr;
    this.hostServicesAddress = hostServicesAddress;
    this.channels = new PluginChannels();
    this.channel = channels.dial(handshake);
    // go-plugin client: open the broker stream, then the stdio stream
    this.brokerResponses = new RecordingObserver<>();
    this.brokerRequests = GRPCBrokerGrpc.newStub(channel).startStream(brokerResponses);
    // SPIRE's dispense calls broker.Accept(1), which announces the host-services socket
    brokerRequests.onNext(
        ConnInfo.newBuilder()
            .setServiceId(1)
            .setNetwork("unix")
            .setAddress(hostServicesAddress)
            .build());
    this.stdio = new RecordingObserver<>();
    GRPCStdioGrpc.newStub(channel)
        .streamStdio(com.google.protobuf.Empty.getDefaultInstance(), stdio);
  }

  /** Starts describing a plugin launch with {@code command} (program and arguments). */
  public static Builder builder(List<String> command) {
    return new Builder(command);
  }

  /** Launches {@code command} with the default environment and handshake timeout. */
  public static GoPluginHost start(List<String> command) throws IOException {
    return builder(command).start();
  }

  /** The parsed handshake line. */
  public Handshake handshake() {
    return handshake;
  }

  /** A plaintext channel to the plugin's gRPC server. */
  public ManagedChannel channel() {
    return channel;
  }

  /** The child process (after the launcher's exec, the JVM itself). */
  public Process process() {
    return process;
  }

  /** The host-services address announced on the broker stream. */
  public String hostServicesAddress() {
    return hostServicesAddress;
  }

  /** Messages received on the broker stream and how it ended. */
  public RecordingObserver<ConnInfo> broker() {
    return brokerResponses;
  }

  /** Messages received on the stdio stream and how it ended. */
  public RecordingObserver<StdioData> stdio() {
    return stdio;
  }

  /** Every stdout line so far; complete once the process has exited. */
  public List<String> stdoutLines() {
    return stdout.lines();
  }

  /** Every stderr line so far; complete once the process has exited. */
  public List<String> stderrLines() {
    return stderr.lines();
  }

  /**
   * Unloads the plugin as go-plugin does (close the broker stream, call GRPCController.Shutdown and
   * ignore its error, close the connection), then waits for the process to exit. The elapsed time
   * runs from the Shutdown call to the process's exit.
   */
  public ShutdownResult shutdown() {
    brokerRequests.onCompleted();
    long start = System.nanoTime();
    Status status = Status.OK;
    try {
      GRPCControllerGrpc.newBlockingStub(channel)
          .withDeadlineAfter(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)
          .shutdown(Empty.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      status = e.getStatus();
    }
    channel.shutdown();
    int exitCode = ShutdownResult.STILL_RUNNING;
    try {
      exitCode = process.onExit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS).exitValue();
    } catch (TimeoutException e) {
      // reported as STILL_RUNNING
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    awaitOutput();
    return new ShutdownResult(status, exitCode, elapsed);
  }

  /** Waits for the process to exit on its own; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException, TimeoutException {
    try {
      int code = process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS).exitValue();
      awaitOutput();
      return code;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitOutput() {
    stdout.awaitEnd(Duration.ofSeconds(5));
    stderr.awaitEnd(Duration.ofSeconds(5));
  }

  /** Kills the process if it still runs and releases the channel. */
  @Override
  public void close() {
    channel.shutdownNow();
    if (process.isAlive()) {
      process.destroyForcibly();
      process.onExit().join();
    }
    channels.close();
    awaitOutput();
  }

  /** Options of a launch. */
  public static final class Builder {
    private final List<String> command;
    private final Map<String, String> extraEnv = new LinkedHashMap<>();
    private final List<String> removedEnv = new ArrayList<>();
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private String hostServicesAddress =
        "/tmp/plugin-host-services-" + ProcessHandle.current().pid();

    private Builder(List<String> command) {
      this.command = List.copyOf(command);
    }

    /** Adds or replaces an environment variable after the go-plugin ones. */
    public Builder env(String name, String value) {
      extraEnv.put(name, value);
      return this;
    }

    /** Removes an environment variable inherited from this process or added with {@link #env}. */
    public Builder removeEnv(String name) {
      removedEnv.add(name);
      extraEnv.remove(name);
      return this;
    }

    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = timeout;
      return this;
    }

    /** The host-services socket path announced on the broker stream (never dialled here). */
    public Builder hostServicesAddress(String address) {
      this.hostServicesAddress = address;
      return this;
    }

    /**
     * Starts the process and completes the handshake.
     *
     * @throws IOException if the process cannot start, exits, or prints no handshake line in time;
     *     the message carries its stderr
     */
    public GoPluginHost start() throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command);
      Map<String, String> env = builder.environment();
      removedEnv.forEach(env::remove);
      // SPIRE pkg/common/catalog + go-plugin client.go: appended to the host's own environment
      env.put("KeyManager", "KeyManager");
      env.put("PLUGIN_MIN_PORT", "10000");
      env.put("PLUGIN_MAX_PORT", "25000");
      env.put("PLUGIN_PROTOCOL_VERSIONS", "1");
      env.putAll(extraEnv);
      Process process = builder.start();
      process.getOutputStream().close();
      OutputCapture stdout = OutputCapture.start(process.getInputStream(), "plugin-stdout");
      OutputCapture stderr = OutputCapture.start(process.getErrorStream(), "plugin-stderr");
      String line;
      try {
        line = stdout.firstLine().get(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException | InterruptedException e) {
        process.destroyForcibly();
        process.onExit().join();
        stderr.awaitEnd(Duration.ofSeconds(5));
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new IOException(
            "no handshake line from "
                + command
                + " ("
                + e
                + "); stderr:\n"
                + String.join("\n", stderr.lines()),
            e);
      }
      try {
        return new GoPluginHost(
            process, Handshake.parse(line), stdout, stderr, hostServicesAddress);
      } catch (RuntimeException e) {
        process.destroyForcibly();
        throw e;
      }
    }
  }

  /** Reads one output stream of the child into lines, on its own thread. */
  private static final class OutputCapture {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> firstLine = new CompletableFuture<>();
    private final Thread reader;

    private OutputCapture(InputStream in, String name) {
      this.reader = new Thread(() -> read(in), name);
      reader.setDaemon(true);
    }

    static OutputCapture start(InputStream in, String name) {
      OutputCapture capture = new OutputCapture(in, name);
      capture.reader.start();
      return capture;
    }

    private void read(InputStream in) {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
          firstLine.complete(line);
        }
        firstLine.completeExceptionally(new IOException("the stream ended before a line"));
      } catch (IOException e) {
        firstLine.completeExceptionally(new UncheckedIOException(e));
      }
    }

    CompletableFuture<String> firstLine() {
      return firstLine;
    }

    List<String> lines() {
      return List.copyOf(lines);
    }

    void awaitEnd(Duration timeout) {
      try {
        reader.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
