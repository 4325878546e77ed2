package dev.spirekms.goplugin;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a plugin process launched by a go-plugin host: check the environment, start the
 * server, print the handshake line, serve until the host's Shutdown call or SIGTERM, then stop in
 * order (server, plugin, socket) and report the exit status.
 */
public final class PluginProcess {
  /** go-plugin client.go Kill: the host kills the plugin 2 s after Shutdown; finish well before. */
  static final Duration STOP_DEADLINE = Duration.ofMillis(1800);

  private static final Logger log = LoggerFactory.getLogger(PluginProcess.class);

  private final String pluginType;
  private final int[] appProtocolVersions;
  private final Supplier<? extends ServedPlugin> pluginFactory;
  private final boolean exitAfterHandshake;
  private final Supplier<PrintStream> stdout;
  private final SignalHandlers signals;
  private final IntConsumer halt;
  private final Duration stopDeadline;

  private PluginProcess(Builder builder) {
    this.pluginType = builder.pluginType;
    this.appProtocolVersions = builder.appProtocolVersions.clone();
    this.pluginFactory = Objects.requireNonNull(builder.pluginFactory, "plugin factory");
    this.exitAfterHandshake = builder.exitAfterHandshake;
    this.stdout = builder.stdout;
    this.signals = builder.signals;
    this.halt = builder.halt;
    this.stopDeadline = builder.stopDeadline;
  }

  /** Starts describing a process that serves one plugin of {@code pluginType}. */
  public static Builder builder(String pluginType) {
    return new Builder(pluginType);
  }

  /**
   * Serves until asked to stop and returns the exit status: 0 after an orderly stop, 1 if the
   * plugin could not start. Writes nothing to stdout except the handshake line.
   */
  public int run(Map<String, String> env) {
    PrintStream handshakeOut = stdout.get();
    PluginEnvironment environment;
    try {
      environment = PluginEnvironment.parse(pluginType, env, appProtocolVersions);
    } catch (PluginEnvironmentException e) {
      log.atError().addKeyValue("reason", e.getMessage()).log(GoPluginMessages.CANNOT_START);
      return 1;
    }
    ShutdownSignal shutdown = new ShutdownSignal();
    Runnable restoreSignals = signals.install(shutdown);
    try {
      return serve(environment, shutdown, handshakeOut);
    } finally {
      restoreSignals.run();
    }
  }

  private int serve(PluginEnvironment environment, ShutdownSignal shutdown, PrintStream out) {
    ServedPlugin plugin;
    try {
      plugin = pluginFactory.get();
    } catch (RuntimeException e) {
      log.atError().addKeyValue("reason", e.toString()).log(GoPluginMessages.NOT_CREATED);
      return 1;
    }
    GoPluginServer server;
    try {
      server = GoPluginServer.start(environment, plugin.services(), shutdown);
    } catch (IOException | RuntimeException e) {
      log.atError().addKeyValue("reason", e.toString()).log(GoPluginMessages.SERVER_NOT_STARTED);
      closePlugin(plugin);
      return 1;
    }
    try {
      StdoutGuard.announce(out, server.handshakeLine());
    } catch (IOException e) {
      log.atError().addKeyValue("reason", e.getMessage()).log(GoPluginMessages.NOT_ANNOUNCED);
      server.close();
      closePlugin(plugin);
      return 1;
    }
    log.atDebug()
        .addKeyValue("handshake", server.handshakeLine())
        .addKeyValue("app_protocol_version", environment.appProtocolVersion())
        .log("Plugin serving");
    if (exitAfterHandshake) {
      shutdown.request("exit after handshake requested");
    }
    String reason;
    try {
      reason = shutdown.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reason = "interrupted";
    }
    log.atDebug().addKeyValue("reason", reason).log("Plugin stopping");
    Watchdog watchdog = Watchdog.start(stopDeadline, halt);
    try {
      server.close();
      closePlugin(plugin);
    } finally {
      watchdog.cancel();
    }
    return 0;
  }

  private static void closePlugin(ServedPlugin plugin) {
    try {
      plugin.close();
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("reason", e.toString()).log(GoPluginMessages.NOT_CLOSED_CLEANLY);
    }
  }

  /** Ends the process if an orderly stop overruns its deadline. */
  private static final class Watchdog {
    private final CountDownLatch done = new CountDownLatch(1);

    static Watchdog start(Duration deadline, IntConsumer halt) {
      Watchdog watchdog = new Watchdog();
      Thread thread =
          new Thread(
              () -> {
                try {
                  if (!watchdog.done.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.atError()
                        .addKeyValue("deadline_ms", deadline.toMillis())
                        .log(GoPluginMessages.STOP_TIMED_OUT);
                    halt.accept(1);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "plugin-stop-watchdog");
      thread.setDaemon(true);
      thread.start();
      return watchdog;
    }

    void cancel() {
      done.countDown();
    }
  }

  /** Options of a {@link PluginProcess}. */
  public static final class Builder {
    private final String pluginType;
    private int[] appProtocolVersions = {1};
    private Supplier<? extends ServedPlugin> pluginFactory;
    private boolean exitAfterHandshake;
    private Supplier<PrintStream> stdout = StdoutGuard::takeStdout;
    private SignalHandlers signals = new PosixSignals();
    private IntConsumer halt = status -> Runtime.getRuntime().halt(status);
    private Duration stopDeadline = STOP_DEADLINE;

    private Builder(String pluginType) {
      this.pluginType = Objects.requireNonNull(pluginType, "pluginType");
    }

    /** The app protocol versions the plugin speaks; SPIRE offers only 1 (the default). */
    public Builder appProtocolVersions(int... versions) {
      this.appProtocolVersions = versions.clone();
      return this;
    }

    /** Creates the plugin once the environment has been checked. */
    public Builder plugin(Supplier<? extends ServedPlugin> factory) {
      this.pluginFactory = factory;
      return this;
    }

    /** Stops in order right after the handshake line; used for class-data archive training. */
    public Builder exitAfterHandshake(boolean exit) {
      this.exitAfterHandshake = exit;
      return this;
    }

    Builder stdout(Supplier<PrintStream> stdout) {
      this.stdout = stdout;
      return this;
    }

    Builder signals(SignalHandlers signals) {
      this.signals = signals;
      return this;
    }

    Builder halt(IntConsumer halt) {
      this.halt = halt;
      return this;
    }

    Builder stopDeadline(Duration deadline) {
      this.stopDeadline = deadline;
      return this;
    }

    public PluginProcess build() {
      return new PluginProcess(this);
    }
  }
}
