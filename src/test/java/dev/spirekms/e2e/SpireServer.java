package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code spire-server run} on loopback, in its own directory: the sqlite datastore, the
 * join-token node attestor and the KeyManager block a test gives, with its log in JSON to {@code
 * server.log}. Restarts reuse the directory, so the datastore, the CA journal and the server-id
 * file carry over as they do for an operator.
 */
final class SpireServer implements AutoCloseable {
  static final String TRUST_DOMAIN = "example.org";
  static final String TRUST_DOMAIN_ID = "spiffe://" + TRUST_DOMAIN;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final SpireBinaries spire;
  private final Path dir;
  private final Map<String, String> env;
  private final int port;
  private Process process;
  private int launches;

  SpireServer(SpireBinaries spire, Path dir, Map<String, String> env) throws IOException {
    this.spire = spire;
    this.dir = Files.createDirectories(dir);
    this.env = Map.copyOf(env);
    this.port = freePort();
    Files.createDirectories(dir.resolve("data"));
  }

  Path dir() {
    return dir;
  }

  int port() {
    return port;
  }

  Path socket() {
    return dir.resolve("api.sock");
  }

  Path log() {
    return dir.resolve("server.log");
  }

  Path config() {
    return dir.resolve("server.conf");
  }

  /** Writes {@code server.conf} with this KeyManager block; the next start uses it. */
  void configure(String keyManagerBlock) throws IOException {
    Files.writeString(config(), serverConf(keyManagerBlock));
  }

  String serverConf(String keyManagerBlock) {
    return """
    server {
      bind_address = "127.0.0.1"
      bind_port = "%d"
      socket_path = "%s"
      trust_domain = "%s"
      data_dir = "%s"
      log_level = "DEBUG"
      log_format = "json"
      log_file = "%s"
      ca_key_type = "ec-p256"
      ca_ttl = "24h"
      default_x509_svid_ttl = "1h"
      default_jwt_svid_ttl = "5m"
    }

    plugins {
      DataStore "sql" {
        plugin_data {
          database_type = "sqlite3"
          connection_string = "%s"
        }
      }

      NodeAttestor "join_token" {
        plugin_data {}
      }

    %s
    }
    """
        .formatted(
            port,
            socket(),
            TRUST_DOMAIN,
            dir.resolve("data"),
            log(),
            dir.resolve("data").resolve("datastore.sqlite3"),
            keyManagerBlock.indent(2).stripTrailing());
  }

  /** Starts {@code spire-server run} and waits until its health check passes. */
  void start() throws IOException, InterruptedException {
    Process started = launch();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!started.isAlive()) {
        fail(
            "spire-server exited with "
                + started.exitValue()
                + " before it was healthy; its output:\n"
                + output()
                + "\nits log:\n"
                + tail(log()));
      }
      if (cli("healthcheck").exitCode() == 0) {
        return;
      }
      Thread.sleep(250);
    }
    fail("spire-server was not healthy within " + START_TIMEOUT + "; its log:\n" + tail(log()));
  }

  /** Starts {@code spire-server run} without waiting for it. */
  Process launch() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("spire-server is already running");
    }
    launches++;
    Path out = dir.resolve("server-" + launches + ".out");
    ProcessBuilder builder =
        new ProcessBuilder(spire.server().toString(), "run", "-config", config().toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    builder.environment().putAll(env);
    process = builder.start();
    return process;
  }

  /** What the latest {@code spire-server run} wrote to stdout and stderr. */
  String output() throws IOException {
    Path out = dir.resolve("server-" + launches + ".out");
    return Files.exists(out) ? Files.readString(out) : "";
  }

  /** Waits for the server to exit by itself, as after a failed start. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("spire-server still running after " + timeout);
    }
    return process.exitValue();
  }

  /** {@code spire-server <command> -socketPath <socket> <flags>}, e.g. {@code "bundle show"}. */
  SpireCli.Result cli(String command, String... flags) throws IOException, InterruptedException {
    return SpireCli.run(spire.server(), command, socket(), dir, env, flags);
  }

  /**
   * {@code spire-server localauthority <kind> prepare}: SPIRE generates the next authority's key in
   * its other slot. Returns the prepared authority's id.
   */
  String prepareAuthority(String kind) throws IOException, InterruptedException {
    SpireCli.Result prepared =
        cli("localauthority " + kind + " prepare", "-output", "json").requireSuccess();
    JsonObject authority =
        JsonParser.parseString(prepared.stdout())
            .getAsJsonObject()
            .getAsJsonObject("prepared_authority");
    if (authority == null || !authority.has("authority_id")) {
      fail("no prepared authority in: " + prepared);
    }
    return authority.get("authority_id").getAsString();
  }

  /** {@code spire-server localauthority <kind> activate -authorityID <id>}. */
  void activateAuthority(String kind, String authorityId) throws IOException, InterruptedException {
    cli("localauthority " + kind + " activate", "-authorityID", authorityId, "-output", "json")
        .requireSuccess();
  }

  /** Stops the server as an init system does (SIGTERM), which unloads its plugins. */
  void stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      fail("spire-server did not stop within " + STOP_TIMEOUT + " of SIGTERM");
    }
  }

  /** The server's log entries so far, each a JSON object. */
  List<JsonObject> logEntries() throws IOException {
    List<JsonObject> entries = new ArrayList<>();
    if (!Files.exists(log())) {
      return entries;
    }
    for (String line : Files.readAllLines(log())) {
      if (!line.isBlank()) {
        entries.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    return entries;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "(no " + file.getFileName() + ")";
    }
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
