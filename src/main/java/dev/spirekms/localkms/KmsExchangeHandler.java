package dev.spirekms.localkms;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Serves each HTTP exchange of a {@link LocalKmsServer}: records who signed it, routes it by its
 * {@code X-Amz-Target} to the KMS or the tagging protocol in the region of its credential scope,
 * serves the wire fault that applies to it, and writes the answer or the KMS error no sooner than
 * the server's response floor.
 */
final class KmsExchangeHandler implements HttpHandler {
  private static final String TARGET_PREFIX = "TrentService.";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final int MAX_BODY_BYTES = 1 << 20;
  private static final Duration MAX_STALL = Duration.ofMinutes(5);
  // SigV4: Authorization: AWS4-HMAC-SHA256 Credential=<access key
  // id>/<date>/<region>/kms/aws4_request, ...
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");

  private final KmsJsonProtocol protocol;
  private final TaggingJsonProtocol tagging;
  private final RegionRouter regions;
  private final WireFaults wireFaults;
  private final Supplier<ConnectionRelay> relay;
  private final CountDownLatch closed;
  private final long responseFloorNanos;
  private final Deque<String> signedBy = new ArrayDeque<>();

  /**
   * @param relay gives the server's connection relay, or null when it has none; asked on each fault
   * @param closed counted down when the server closes; a stalled request waits for it
   */
  KmsExchangeHandler(
      KmsModel model,
      WireFaults wireFaults,
      Supplier<ConnectionRelay> relay,
      CountDownLatch closed,
      Duration responseFloor) {
    this.protocol = new KmsJsonProtocol(model);
    this.tagging = new TaggingJsonProtocol(model);
    this.regions = new RegionRouter(model);
    this.wireFaults = wireFaults;
    this.relay = relay;
    this.closed = closed;
    this.responseFloorNanos = responseFloor.toNanos();
  }

  /** How soon after its request an answer may leave at the earliest. */
  Duration responseFloor() {
    return Duration.ofNanos(responseFloorNanos);
  }

  /** See {@link LocalKmsServer#signingAccessKeyIds()}. */
  List<String> signingAccessKeyIds() {
    synchronized (signedBy) {
      return List.copyOf(signedBy);
    }
  }

  private void recordSigner(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Matcher credential = CREDENTIAL.matcher(authorization == null ? "" : authorization);
    synchronized (signedBy) {
      if (signedBy.size() == LocalKmsServer.SIGNED_BY_CAPACITY) {
        signedBy.removeFirst();
      }
      signedBy.addLast(credential.find() ? credential.group(1) : "");
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long received = System.nanoTime();
    try (exchange) {
      exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
      recordSigner(exchange);
      try {
        if (!"POST".equals(exchange.getRequestMethod())
            || !"/".equals(exchange.getRequestURI().getPath())) {
          sendError(exchange, received, 404, "UnknownOperationException", "only POST / is served");
          return;
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target != null && target.startsWith(TaggingJsonProtocol.TARGET_PREFIX)) {
          String operation = target.substring(TaggingJsonProtocol.TARGET_PREFIX.length());
          if (!tagging.supports(operation)) {
            sendError(
                exchange,
                received,
                400,
                "UnknownOperationException",
                "unknown operation " + target);
            return;
          }
          if (faulted(operation, exchange, null)) {
            return;
          }
          JsonObject body = readBody(exchange);
          String answer = regions.tagging(exchange).handle(operation, body).toString();
          if (!faulted(operation, exchange, answer)) {
            send(exchange, received, 200, answer);
          }
          return;
        }
        String operation =
            target != null && target.startsWith(TARGET_PREFIX)
                ? target.substring(TARGET_PREFIX.length())
                : null;
        if (operation == null || !protocol.supports(operation)) {
          sendError(
              exchange, received, 400, "UnknownOperationException", "unknown operation " + target);
          return;
        }
        if (faulted(operation, exchange, null)) {
          return;
        }
        JsonObject body = readBody(exchange);
        String answer = regions.kms(exchange).handle(operation, body).toString();
        if (!faulted(operation, exchange, answer)) {
          send(exchange, received, 200, answer);
        }
      } catch (MalformedRequestException e) {
        sendError(exchange, received, 400, "SerializationException", e.getMessage());
      } catch (AwsServiceException e) {
        String code =
            e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? e.awsErrorDetails().errorCode()
                : "KMSInternalException";
        String message =
            e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage()
                : String.valueOf(e.getMessage());
        sendError(exchange, received, e.statusCode() > 0 ? e.statusCode() : 500, code, message);
      } catch (SdkClientException e) {
        // A client-side fault such as a timeout: leave the request unanswered.
        stall();
      } catch (RuntimeException e) {
        sendError(exchange, received, 500, "KMSInternalException", String.valueOf(e.getMessage()));
      }
    }
  }

  /**
   * Counts the request (before the model sees it) and serves the wire fault that applies to it, if
   * any; true if that finished the exchange.
   *
   * @param answer the model's answer, or null before the model saw the call
   */
  private boolean faulted(String operation, HttpExchange exchange, String answer)
      throws IOException {
    if (answer == null) {
      wireFaults.received(operation);
    }
    WireFault fault = wireFaults.fire(operation, answer != null);
    return fault != null && WireFaultAnswers.serve(fault, exchange, answer, relay.get());
  }

  private void stall() {
    try {
      closed.await(MAX_STALL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void waitForFloor(long received) {
    long left = responseFloorNanos - (System.nanoTime() - received);
    while (left > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      left = responseFloorNanos - (System.nanoTime() - received);
    }
  }

  private static JsonObject readBody(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new MalformedRequestException("request body is larger than 1 MiB");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return new JsonObject();
    }
    JsonElement json;
    try {
      json = StrictJson.parse(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedRequestException("request body is not JSON");
    }
    if (!json.isJsonObject()) {
      throw new MalformedRequestException("request body is not a JSON object");
    }
    return json.getAsJsonObject();
  }

  private void sendError(
      HttpExchange exchange, long received, int status, String code, String message)
      throws IOException {
    exchange.getResponseHeaders().set("x-amzn-ErrorType", code);
    JsonObject body = new JsonObject();
    body.addProperty("__type", code);
    body.addProperty("message", message);
    send(exchange, received, status, body.toString());
  }

  private void send(HttpExchange exchange, long received, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    waitForFloor(received);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
