package dev.spirekms.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recording HTTP proxy in front of a real STS endpoint (moto_server): it records each request's
 * form parameters and the access key id it was signed with, and can refuse to answer (as an
 * unreachable STS) or deny AssumeRole for chosen roles (as a trust policy would).
 */
public final class StsProxy implements AutoCloseable {
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");

  /** One request that reached the proxy. */
  public record Request(Map<String, String> params, String accessKeyId) {
    public String action() {
      return params.getOrDefault("Action", "");
    }
  }

  private final URI target;
  private final int port;
  private HttpServer server;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Set<String> deniedRoles = ConcurrentHashMap.newKeySet();

  private StsProxy(URI target) throws IOException {
    this.target = target;
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  private HttpServer listen(int port) throws IOException {
    HttpServer listening =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    listening.createContext("/", this::handle);
    listening.start();
    return listening;
  }

  public static StsProxy start(URI target) throws IOException {
    return new StsProxy(target);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Every request so far, oldest first. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> requests(String action) {
    return requests.stream().filter(r -> r.action().equals(action)).toList();
  }

  /**
   * While down, the port is closed, so connections are refused as by an unreachable endpoint; up
   * again, it listens on the same port.
   */
  public synchronized void setDown(boolean down) throws IOException {
    if (down && server != null) {
      server.stop(0);
      server = null;
    } else if (!down && server == null) {
      server = listen(port);
    }
  }

  /** AssumeRole of {@code roleArn} is answered with STS's AccessDenied. */
  public void deny(String roleArn) {
    deniedRoles.add(roleArn);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, String> params = form(new String(body, StandardCharsets.UTF_8));
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      Matcher credential = CREDENTIAL.matcher(authorization == null ? "" : authorization);
      requests.add(new Request(params, credential.find() ? credential.group(1) : ""));
      if ("AssumeRole".equals(params.get("Action"))
          && deniedRoles.contains(params.get("RoleArn"))) {
        send(exchange, 403, accessDenied(params.get("RoleArn")).getBytes(StandardCharsets.UTF_8));
        return;
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!Set.of("host", "content-length", "connection", "expect")
                    .contains(name.toLowerCase(java.util.Locale.ROOT))) {
                  values.forEach(v -> forward.header(name, v));
                }
              });
      HttpResponse<byte[]> response;
      try {
        response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      response
          .headers()
          .firstValue("Content-Type")
          .ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
      send(exchange, response.statusCode(), response.body());
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String accessDenied(String roleArn) {
    return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
        + "<Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform:"
        + " sts:AssumeRole on resource: "
        + roleArn
        + "</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
        + "</ErrorResponse>";
  }

  private static Map<String, String> form(String body) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }
}
