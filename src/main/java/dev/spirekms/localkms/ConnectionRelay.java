package dev.spirekms.localkms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of the local KMS's HTTP server, so that the server can do to a client's
 * connection what the JDK's HTTP server cannot: reset it (close with {@code SO_LINGER} 0, which
 * sends a TCP RST), and stop listening on the port and listen again on the same port. Each client
 * connection gets its own connection to the HTTP server; the relay knows which is which by the
 * local port of the latter, which the HTTP server sees as the remote port of the exchange.
 */
final class ConnectionRelay implements AutoCloseable {
  private static final long HANG_UP_PAUSE_MILLIS = 100;

  private final InetAddress loopback;
  private final InetSocketAddress backend;
  private final Map<Integer, Pair> byBackendPort = new ConcurrentHashMap<>();
  private final ExecutorService threads;
  private final int port;
  private ServerSocket listener;
  // counted down when the thread accepting on the listener has left accept(): until then the
  // kernel may still take connections on a listener already closed (the blocked accept holds it)
  private CountDownLatch listenerGone;
  private boolean closed;

  private record Pair(Socket client, Socket server) {
    void reset() {
      try {
        client.setSoLinger(true, 0);
      } catch (SocketException e) {
        // already closed
      }
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  ConnectionRelay(InetAddress loopback, int port, InetSocketAddress backend) throws IOException {
    this.loopback = loopback;
    this.backend = backend;
    AtomicInteger count = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "local-kms-relay-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.listener = bind(port);
    this.port = listener.getLocalPort();
  }

  int port() {
    return port;
  }

  private ServerSocket bind(int onPort) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(loopback, onPort), 50);
    ServerSocket bound = socket;
    CountDownLatch gone = new CountDownLatch(1);
    listenerGone = gone;
    threads.execute(
        () -> {
          try {
            accept(bound);
          } finally {
            gone.countDown();
          }
        });
    return socket;
  }

  private void accept(ServerSocket from) {
    while (!from.isClosed()) {
      Socket client;
      try {
        client = from.accept();
      } catch (IOException e) {
        return;
      }
      try {
        Socket server = new Socket();
        server.setTcpNoDelay(true);
        server.connect(backend);
        client.setTcpNoDelay(true);
        Pair pair = new Pair(client, server);
        int key = server.getLocalPort();
        byBackendPort.put(key, pair);
        threads.execute(() -> pump(client, server, pair, key));
        threads.execute(() -> pump(server, client, pair, key));
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to, Pair pair, int key) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // a reset or close on either side ends both directions
      closeQuietly(pair.client());
      closeQuietly(pair.server());
    } finally {
      if (pair.client().isClosed() || pair.server().isClosed()) {
        byBackendPort.remove(key, pair);
      }
    }
  }

  /**
   * Resets the client connection whose relayed connection has local port {@code backendPort}.
   *
   * @return false if there is no such connection
   */
  boolean reset(int backendPort) {
    Pair pair = byBackendPort.remove(backendPort);
    if (pair == null) {
      return false;
    }
    pair.reset();
    return true;
  }

  /**
   * Ends the client connection whose relayed connection has local port {@code backendPort} the
   * orderly way (FIN), after a pause in which what the server sent so far is passed on (a copy on
   * the loopback interface takes microseconds; the pause is a generous bound).
   */
  void hangUp(int backendPort) {
    Pair pair = byBackendPort.remove(backendPort);
    if (pair == null) {
      return;
    }
    try {
      Thread.sleep(HANG_UP_PAUSE_MILLIS);
      pair.client().shutdownOutput();
    } catch (IOException e) {
      // already closed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(pair.server());
  }

  /** Stops listening (connections are refused) and resets every open connection. */
  synchronized void goAway() {
    if (listener != null) {
      closeQuietly(listener);
      listener = null;
      try {
        if (!listenerGone.await(5, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the relay's listener did not stop within 5 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<Integer> open = new ArrayList<>(byBackendPort.keySet());
    open.forEach(this::reset);
  }

  /** Listens again on the same port. */
  synchronized void comeBack() throws IOException {
    if (closed) {
      throw new IllegalStateException("the server is closed");
    }
    if (listener == null) {
      listener = bind(port);
    }
  }

  synchronized boolean listening() {
    return listener != null;
  }

  @Override
  public synchronized void close() {
    closed = true;
    goAway();
    threads.shutdownNow();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // nothing to do
    }
  }
}
