package dev.spirekms.localkms;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** How {@link LocalKmsServer} serves each {@link WireFault} on an exchange. */
final class WireFaultAnswers {
  private static final String HTML =
      "<html>\r\n<head><title>%1$d %2$s</title></head>\r\n<body>\r\n"
          + "<center><h1>%1$d %2$s</h1></center>\r\n</body>\r\n</html>\r\n";

  /** Not JSON: a value is missing, and the brackets do not match. */
  static final String MALFORMED = "{\"KeyMetadata\": {\"Arn\": ]}";

  private WireFaultAnswers() {}

  /**
   * Serves {@code fault} on {@code exchange}.
   *
   * @param answer the JSON answer the call would get, or null before the model saw the call
   * @return true if the exchange is finished; false if the call goes on as usual
   */
  static boolean serve(WireFault fault, HttpExchange exchange, String answer, ConnectionRelay relay)
      throws IOException {
    switch (fault.kind()) {
      case DELAY -> {
        sleep(fault.delay().toMillis());
        return false;
      }
      case HOLD -> {
        fault.holdCall();
        return false;
      }
      case RESET -> {
        if (relay == null || !relay.reset(exchange.getRemoteAddress().getPort())) {
          throw new IllegalStateException("no relayed connection to reset");
        }
        return true;
      }
      case MALFORMED_JSON -> {
        byte[] body = MALFORMED.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
        return true;
      }
      case TRUNCATED_BODY -> {
        byte[] full =
            (answer == null ? "{\"KeyMetadata\": {}, \"Truncated\": false}" : answer)
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(200, full.length * 2L);
        OutputStream out = exchange.getResponseBody();
        out.write(full, 0, full.length / 2);
        out.flush();
        if (relay != null) {
          relay.hangUp(exchange.getRemoteAddress().getPort());
        }
        try {
          out.close();
        } catch (IOException expected) {
          // "insufficient bytes written to stream"
        }
        return true;
      }
      case HTML_ERROR -> {
        String reason = fault.status() == 503 ? "Service Temporarily Unavailable" : "Bad Gateway";
        byte[] body = String.format(HTML, fault.status(), reason).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        exchange.sendResponseHeaders(fault.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
        return true;
      }
    }
    throw new IllegalStateException("unknown wire fault " + fault);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
