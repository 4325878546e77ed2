package dev.spirekms.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code moto_server}, a real AWS endpoint (here for STS) on 127.0.0.1, started by a test and
 * stopped after it. Tests that need it are skipped when it is not installed, unless {@code
 * MOTO_REQUIRED=1} is set (as {@code .ci/run} sets it).
 */
public final class MotoServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final int port;

  private MotoServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts moto_server on a free loopback port and waits until it answers. */
  public static MotoServer start(Path logDir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    return start(logDir, port);
  }

  /** Starts moto_server on {@code port}, e.g. again where a stopped one listened. */
  public static MotoServer start(Path logDir, int port) throws IOException, InterruptedException {
    String command = onPath("moto_server");
    String missing = "moto_server is not on PATH: install it with pip install 'moto[server]'";
    if (command == null && "1".equals(System.getenv("MOTO_REQUIRED"))) {
      fail(missing + "; MOTO_REQUIRED=1 forbids skipping");
    }
    assumeTrue(command != null, missing);
    Path log = Files.createTempFile(logDir, "moto", ".log");
    Process process =
        new ProcessBuilder(command, "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    MotoServer server = new MotoServer(process, port);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("moto_server exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      if (server.answers()) {
        return server;
      }
      Thread.sleep(100);
    }
    server.close();
    fail("moto_server did not answer within " + START_TIMEOUT + ":\n" + Files.readString(log));
    return server;
  }

  private boolean answers() {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) endpoint().resolve("/moto-api/").toURL().openConnection();
      connection.setConnectTimeout(500);
      connection.setReadTimeout(500);
      return connection.getResponseCode() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  private static String onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
