package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code spire-agent run} attested to a {@link SpireServer} with a join token, with the unix
 * workload attestor, bootstrapped from the server's bundle.
 */
final class SpireAgent implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final SpireBinaries spire;
  private final Path dir;
  private Process process;

  SpireAgent(SpireBinaries spire, Path dir) throws IOException {
    this.spire = spire;
    this.dir = Files.createDirectories(dir);
  }

  Path socket() {
    return dir.resolve("agent.sock");
  }

  Path log() {
    return dir.resolve("agent.log");
  }

  /** Starts the agent with a join token from {@code server}, and waits until it is healthy. */
  void start(SpireServer server, String joinToken, String bundlePem)
      throws IOException, InterruptedException {
    Path bundle = Files.writeString(dir.resolve("bootstrap.pem"), bundlePem);
    Path data = Files.createDirectories(dir.resolve("data"));
    Path config =
        Files.writeString(
            dir.resolve("agent.conf"),
            """
            agent {
              data_dir = "%s"
              log_level = "DEBUG"
              log_format = "json"
              log_file = "%s"
              server_address = "127.0.0.1"
              server_port = "%d"
              socket_path = "%s"
              trust_domain = "%s"
              trust_bundle_path = "%s"
              join_token = "%s"
            }

            plugins {
              NodeAttestor "join_token" {
                plugin_data {}
              }
              KeyManager "memory" {
                plugin_data {}
              }
              WorkloadAttestor "unix" {
                plugin_data {}
              }
            }
            """
                .formatted(
                    data,
                    log(),
                    server.port(),
                    socket(),
                    SpireServer.TRUST_DOMAIN,
                    bundle,
                    joinToken));
    process =
        new ProcessBuilder(spire.agent().toString(), "run", "-config", config.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("agent.out").toFile())
            .start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("spire-agent exited with " + process.exitValue() + ":\n" + SpireServer.tail(log()));
      }
      if (cli("healthcheck").exitCode() == 0) {
        return;
      }
      Thread.sleep(250);
    }
    fail("spire-agent was not healthy within " + START_TIMEOUT + ":\n" + SpireServer.tail(log()));
  }

  /** {@code spire-agent <command> -socketPath <socket> <flags>}, e.g. {@code "api fetch x509"}. */
  SpireCli.Result cli(String command, String... flags) throws IOException, InterruptedException {
    return SpireCli.run(spire.agent(), command, socket(), dir, Map.of(), flags);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
