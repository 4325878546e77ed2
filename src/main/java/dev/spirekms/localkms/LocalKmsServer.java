package dev.spirekms.localkms;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

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
  static final int SIGNED_BY_CAPACITY = 1000;

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
  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final WireFaults wireFaults;
  private final KmsExchangeHandler handler;
  private final ConnectionRelay relay;

  private LocalKmsServer(KmsModel model, int port, boolean connectionFaults, Duration responseFloor)
      throws IOException {
    this.model = model;
    this.wireFaults = new WireFaults(connectionFaults);
    this.handler = new KmsExchangeHandler(model, wireFaults, this::relay, closed, responseFloor);
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
    server.createContext("/", handler);
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
    return handler.responseFloor();
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

  /** The relay in front of the HTTP server, or null (also while the constructor runs). */
  private ConnectionRelay relay() {
    return relay;
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
    return handler.signingAccessKeyIds();
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
}
