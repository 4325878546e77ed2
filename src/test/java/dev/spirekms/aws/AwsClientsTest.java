package dev.spirekms.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.spirekms.aws.AwsSettings.StaticCredentials;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AwsClientsTest {
  private HttpServer server;
  private final List<String> userAgents = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          userAgents.add(exchange.getRequestHeaders().getFirst("User-Agent"));
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.getRequestBody().readAllBytes();
          byte[] body;
          if (failuresLeft.getAndDecrement() > 0) {
            body =
                "{\"__type\":\"ThrottlingException\",\"message\":\"slow down\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "ThrottlingException");
            exchange.sendResponseHeaders(400, body.length);
          } else {
            body = "{\"Aliases\":[],\"Truncated\":false}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
          }
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private AwsSettings settings() {
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    return new AwsSettings(
        "us-east-2",
        Optional.of(endpoint),
        Optional.of(new StaticCredentials("AKIDEXAMPLE", "secret-value")),
        "spire-aws-kms-keymanager/9.9.9");
  }

  @Test
  void theStsAndTaggingClientsAreBuiltOnceAtFirstUseAndClosedOnlyIfBuilt() {
    try (AwsClients clients = AwsClients.create(settings())) {
      assertSame(clients.tagging(), clients.tagging());
      assertSame(clients.sts(), clients.sts());
    }
    try (AwsClients unused = AwsClients.create(settings())) {
      assertEquals(0, requests.get(), "nothing is called to build or close the clients");
    }
  }

  @Test
  void everyRequestCarriesOurUserAgentAndGoesToTheEndpoint() {
    try (AwsClients clients = AwsClients.create(settings())) {
      clients.kms().listAliases();
    }
    assertEquals(1, requests.get());
    assertTrue(userAgents.get(0).contains("spire-aws-kms-keymanager/9.9.9"), userAgents.get(0));
    assertTrue(authorizations.get(0).contains("Credential=AKIDEXAMPLE/"), authorizations.get(0));
    assertTrue(authorizations.get(0).contains("/us-east-2/kms/"), authorizations.get(0));
  }

  @Test
  void throttlingIsRetriedABoundedNumberOfTimes() {
    failuresLeft.set(100);
    try (AwsClients clients = AwsClients.create(settings())) {
      KmsCallException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              KmsCallException.class,
              () -> AwsCalls.call("kms:ListAliases", () -> clients.kms().listAliases()));
      assertEquals(KmsCallException.Kind.THROTTLED, e.kind());
    }
    assertEquals(AwsSettings.MAX_ATTEMPTS, requests.get());
  }

  @Test
  void aTransientThrottleIsAbsorbed() {
    failuresLeft.set(1);
    try (AwsClients clients = AwsClients.create(settings())) {
      assertTrue(clients.kms().listAliases().aliases().isEmpty());
    }
    assertEquals(2, requests.get());
  }

  @Test
  void secretsNeverShowInSettingsText() {
    String text = settings().toString();
    assertFalse(text.contains("secret-value"), text);
    assertFalse(text.contains("AKIDEXAMPLE"), text);
  }

  @Test
  void stsClientUsesTheRegion() {
    try (AwsClients clients = AwsClients.create(settings())) {
      assertEquals("us-east-2", clients.sts().serviceClientConfiguration().region().id());
      assertEquals("us-east-2", clients.kms().serviceClientConfiguration().region().id());
    }
  }

  @Test
  void aReplicaRegionsClientSignsForItsRegionWithOurUserAgentAndIsMadeOnce() {
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try (AwsClients clients = AwsClients.create(settings())) {
      var west = clients.kmsIn("us-west-2", Optional.of(endpoint));
      assertTrue(west == clients.kmsIn("us-west-2", Optional.empty()));
      assertEquals("us-west-2", west.serviceClientConfiguration().region().id());
      assertEquals(
          "eu-west-1",
          clients.kmsIn("eu-west-1", Optional.empty()).serviceClientConfiguration().region().id());
      west.listAliases();
    }
    assertEquals(1, requests.get());
    assertTrue(authorizations.get(0).contains("/us-west-2/kms/"), authorizations.get(0));
    assertTrue(authorizations.get(0).contains("Credential=AKIDEXAMPLE/"), authorizations.get(0));
    assertTrue(userAgents.get(0).contains("spire-aws-kms-keymanager/9.9.9"), userAgents.get(0));
  }
}
