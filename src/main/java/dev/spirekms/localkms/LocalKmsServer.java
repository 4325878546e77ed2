package dev.spirekms.localkms;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Serves a {@link KmsModel} over HTTP on 127.0.0.1 in the AWS KMS wire protocol (AWS JSON 1.1:
 * {@code POST /} with {@code X-Amz-Target: TrentService.<Operation>}), so that the real AWS SDK,
 * the AWS CLI or any KMS client can be pointed at it with an endpoint override. The same endpoint
 * answers the Resource Groups Tagging API's GetResources for the model's keys ({@code X-Amz-Target:
 * ResourceGroupsTaggingAPI_20170126.GetResources}).
 *
 * <p>Each request is served in the region of its SigV4 credential scope ({@link RegionRouter}), so
 * clients built for several regions can share one port.
 *
 * <p>This is a test and demo server, never a security boundary: it does not check SigV4 signatures
 * or credentials at all, and its keys live in memory.
 *
 * <p>Errors are answered as KMS answers them: status 400 (500 for internal errors), header {@code
 * x-amzn-ErrorType} and body {@code {"__type": "<code>", "message": "..."}}. An injected {@link
 * Fault#timeout()} is served by holding the request unanswered until the client gives up (or the
 * server closes), so the client's own timeout fires.
 *
 * <p>{@link #wireFaults()} breaks the exchange itself (slow, held, malformed or truncated answers,
 * HTML 5xx pages); a server made by {@link #startWithConnectionFaults} can also reset connections
 * and go away and come back on its port.
 */
public final class LocalKmsServer implements AutoCloseable {
  private static final String TARGET_PREFIX = "TrentService.";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final int MAX_BODY_BYTES = 1 << 20;
  private static final Duration MAX_STALL = Duration.ofMinutes(5);
  static final int SIGNED_BY_CAPACITY = 1000;
  // SigV4: Authorization: AWS4-HMAC-SHA256 Credential=<access key
  // id>/<date>/<region>/kms/aws4_request, ...
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");

  /**
   * The JDK's HTTP server writes a response's headers and body as two segments; with Nagle's
   * algorithm on, the body then waits for the client's delayed ACK (about 40 ms on Linux) on every
   * request after the first on a kept-alive connection. The server reads this property once, when
   * its first instance in the JVM is made, so it is set here before any is made by this class.
   */
  static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

  /**
   * No answer leaves sooner than this after its request arrived. Real KMS is never this fast, and
   * the AWS SDK for Go (under SPIRE's built-in {@code aws_kms}) races on an answer that arrives
   * while it is still finishing the request on a kept-alive connection: it closes the connection
   * while reading the body ("failed to discard response body ... use of closed network connection")
   * and retries, so a CreateAlias that succeeded is sent again and fails with
   * AlreadyExistsException. Measured with that SDK (the version SPIRE v1.13.3 pins), two clients
   * making 9,000 calls (CreateKey, GetPublicKey, CreateAlias) against this server on a loaded
   * 2-core machine: 40 to 70 calls retried with no floor, 27 with 1 ms, none with 3 ms.
   */
  static final Duration RESPONSE_FLOOR = Duration.ofMillis(3);

  /** The longest floor a server accepts; past it a client's attempt timeout would fire first. */
  static final Duration MAX_RESPONSE_FLOOR = Duration.ofSeconds(5);

  static {
    if (System.getProperty(NO_DELAY_PROPERTY) == null) {
      System.setProperty(NO_DELAY_PROPERTY, "true");
    }
  }

  private final KmsModel model;
  private final KmsJsonProtocol protocol;
  private final TaggingJsonProtocol tagging;
  private final RegionRouter regions;
  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Deque<String> signedBy = new ArrayDeque<>();
  private final WireFaults wireFaults;
  private final ConnectionRelay relay;
  private final long responseFloorNanos;

  private LocalKmsServer(KmsModel model, int port, boolean connectionFaults, Duration responseFloor)
      throws IOException {
    this.model = model;
    this.responseFloorNanos = responseFloor.toNanos();
    this.protocol = new KmsJsonProtocol(model);
    this.tagging = new TaggingJsonProtocol(model);
    this.wireFaults = new WireFaults(connectionFaults);
    this.regions = new RegionRouter(model);
    InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    this.server =
        HttpServer.create(new InetSocketAddress(loopback, connectionFaults ? 0 : port), 0);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "local-kms-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    ConnectionRelay front = null;
    if (connectionFaults) {
      try {
        front = new ConnectionRelay(loopback, port, server.getAddress());
      } catch (IOException | RuntimeException e) {
        server.stop(0);
        executor.shutdownNow();
        throw e;
      }
    }
    this.relay = front;
  }

  /**
   * Starts serving {@code model} on 127.0.0.1.
   *
   * @param port the TCP port, or 0 for any free port (see {@link #endpoint()})
   */
  public static LocalKmsServer start(KmsModel model, int port) throws IOException {
    return start(model, port, RESPONSE_FLOOR);
  }

  /**
   * Starts serving {@code model} on 127.0.0.1, answering no request sooner than {@code
   * responseFloor} after it arrived. {@link #RESPONSE_FLOOR} (what {@link #start(KmsModel, int)}
   * uses) keeps the AWS SDK for Go from racing; {@link Duration#ZERO} serves as fast as the model
   * answers (for benchmarks of Java clients); a longer floor stands in for the round trip to a
   * distant KMS. Several servers may serve one model, each with its own floor.
   *
   * @param port the TCP port, or 0 for any free port (see {@link #endpoint()})
   * @param responseFloor from zero to {@link #MAX_RESPONSE_FLOOR}
   */
  public static LocalKmsServer start(KmsModel model, int port, Duration responseFloor)
      throws IOException {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(responseFloor, "responseFloor");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("not a TCP port: " + port);
    }
    if (responseFloor.isNegative() || responseFloor.compareTo(MAX_RESPONSE_FLOOR) > 0) {
      throw new IllegalArgumentException(
          "response floor must be from 0 to " + MAX_RESPONSE_FLOOR.toMillis() + " ms");
    }
    return new LocalKmsServer(model, port, false, responseFloor);
  }

  /** How soon after its request an answer may leave at the earliest. */
  public Duration responseFloor() {
    return Duration.ofNanos(responseFloorNanos);
  }

  /**
   * Starts serving {@code model} on 127.0.0.1 behind a TCP relay, so that besides every other
   * {@link WireFault} it can reset connections ({@link WireFault#reset()}) and go away and come
   * back on the same port ({@link #goAway()}, {@link #comeBack()}).
   *
   * @param port the TCP port, or 0 for any free port (see {@link #endpoint()})
   */
  public static LocalKmsServer startWithConnectionFaults(KmsModel model, int port)
      throws IOException {
    Objects.requireNonNull(model, "model");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("not a TCP port: " + port);
    }
    return new LocalKmsServer(model, port, true, RESPONSE_FLOOR);
  }

  /**
   * Runs a server until the process is stopped, for demos with the AWS CLI or any KMS client; see
   * {@link LocalKmsCommand}.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    LocalKmsCommand.main(args);
  }

  /** Waits until {@link #close()} has run. */
  void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** The endpoint to give a client, e.g. {@code http://127.0.0.1:4566}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  public int port() {
    return relay != null ? relay.port() : server.getAddress().getPort();
  }

  public KmsModel model() {
    return model;
  }

  /** The server's wire fault rules and request counts. */
  public WireFaults wireFaults() {
    return wireFaults;
  }

  /**
   * Goes away as a stopped KMS does: stops listening on the port, so that connections are refused,
   * and resets every open connection. Calls held by a {@link WireFault#hold()} stay held.
   *
   * @throws IllegalStateException if the server was started without connection faults
   */
  public void goAway() {
    requireRelay().goAway();
  }

  /** Listens again on the same port after {@link #goAway()}. */
  public void comeBack() throws IOException {
    requireRelay().comeBack();
  }

  private ConnectionRelay requireRelay() {
    if (relay == null) {
      throw new IllegalStateException("the server was started without connection faults");
    }
    return relay;
  }

  /**
   * The access key id each request was signed with (from its SigV4 {@code Authorization} header,
   * {@code ""} when unsigned), oldest first; the last {@value #SIGNED_BY_CAPACITY} are kept. The
   * signature itself is never checked.
   */
  public List<String> signingAccessKeyIds() {
    synchronized (signedBy) {
      return List.copyOf(signedBy);
    }
  }

  private void recordSigner(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Matcher credential = CREDENTIAL.matcher(authorization == null ? "" : authorization);
    synchronized (signedBy) {
      if (signedBy.size() == SIGNED_BY_CAPACITY) {
        signedBy.removeFirst();
      }
      signedBy.addLast(credential.find() ? credential.group(1) : "");
    }
  }

  /** Stops serving; requests held by a timeout fault are dropped without an answer. */
  @Override
  public void close() {
    if (closed.getCount() == 0) {
      return;
    }
    closed.countDown();
    wireFaults.releaseHolds();
    if (relay != null) {
      relay.close();
    }
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
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
    return fault != null && WireFaultAnswers.serve(fault, exchange, answer, relay);
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
