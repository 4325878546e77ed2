package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests after the first on a kept-alive connection are answered without waiting for the client's
 * delayed ACK. The server runs in a fresh JVM, as {@code demo} and the launcher run it, so that no
 * HTTP server made earlier by another test fixes the JDK's settings first. Nor is any answered
 * sooner than {@link LocalKmsServer#RESPONSE_FLOOR}, which keeps the AWS SDK for Go from racing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalKmsServerKeepAliveTest {
  private static final Pattern ENDPOINT = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");
  private static final int REQUESTS = 11;

  /**
   * Linux's minimum delayed-ACK time is 40 ms; a request that waits for it cannot be this fast,
   * while one served without the wait takes a few milliseconds even on a loaded machine.
   */
  private static final long NO_STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  @Test
  void answersEveryRequestOnAKeptAliveConnectionWithoutTheDelayedAckStall() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process server =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LocalKmsServer.class.getName(),
                "--port",
                "0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String banner = out.readLine();
      Matcher endpoint = ENDPOINT.matcher(String.valueOf(banner));
      assertTrue(endpoint.find(), "no endpoint in: " + banner);
      int port = Integer.parseInt(endpoint.group(1));

      List<Long> later = new ArrayList<>();
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream request = socket.getOutputStream();
        InputStream response = socket.getInputStream();
        for (int i = 0; i < REQUESTS; i++) {
          long start = System.nanoTime();
          request.write(listAliases(port));
          request.flush();
          assertEquals(200, readResponse(response), "status of request " + (i + 1));
          if (i > 0) {
            later.add(System.nanoTime() - start);
          }
        }
      }
      later.sort(null);
      long median = later.get(later.size() / 2);
      assertTrue(
          later.get(0) >= LocalKmsServer.RESPONSE_FLOOR.toNanos(),
          "a request was answered in " + later.get(0) / 1000 + " us, before the response floor");
      assertTrue(
          median < NO_STALL_NANOS,
          "median time of requests 2.." + REQUESTS + " was " + median / 1_000_000 + " ms");
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static byte[] listAliases(int port) {
    String body = "{\"Limit\":10}";
    return ("POST / HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + port
            + "\r\n"
            + "Content-Type: application/x-amz-json-1.1\r\n"
            + "X-Amz-Target: TrentService.ListAliases\r\n"
            + "Content-Length: "
            + body.length()
            + "\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads one response with a Content-Length body and returns its status code. */
  private static int readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed inside a response head");
      }
      head.write(b);
    }
    String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
    int length = 0;
    for (String line : lines) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    if (in.readNBytes(length).length != length) {
      throw new IOException("connection closed inside a response body");
    }
    return Integer.parseInt(lines[0].split(" ")[1]);
  }
}
