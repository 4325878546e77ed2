package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.config.ConfigLoader;
import dev.spirekms.config.ConfigResult;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KeyStoreException;
import dev.spirekms.keys.SpireKeyType;
import dev.spirekms.lifecycle.KeyLifecycle;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.spire.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.AliasListEntry;

/**
 * The factory with real configurations and the real AWS SDK over HTTP against a local KMS on
 * 127.0.0.1. STS is a canned loopback stub (the SDK's {@code aws.endpointUrlSts} setting), so that
 * no test can reach AWS.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AwsKmsBackendFactoryTest {
  private static final String USER_AGENT = "spire-aws-kms-keymanager/9.8.7-test";
  private static final String STS_ENDPOINT_PROPERTY = "aws.endpointUrlSts";
  private static final String SECRET = "factory-test-secret-key";
  private static final String CALLER_ARN =
      "arn:aws:sts::111122223333:assumed-role/spire-server/i-0123456789abcdef0";
  private static final String GET_CALLER_IDENTITY_RESPONSE =
      "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
          + "<GetCallerIdentityResult><Arn>"
          + CALLER_ARN
          + "</Arn><UserId>AROAEXAMPLE:i-0123456789abcdef0</UserId><Account>111122223333</Account>"
          + "</GetCallerIdentityResult><ResponseMetadata>"
          + "<RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>"
          + "</ResponseMetadata></GetCallerIdentityResponse>";

  @TempDir Path temp;

  private KmsModel model;
  private LocalKmsServer kms;
  private Loopback sts;
  private String previousStsEndpoint;
  private Path policyFile;
  private final List<Backend> opened = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    model = KmsModel.builder().region("us-east-2").build();
    kms = LocalKmsServer.start(model, 0);
    sts =
        Loopback.start(exchange -> reply(exchange, 200, "text/xml", GET_CALLER_IDENTITY_RESPONSE));
    previousStsEndpoint = System.getProperty(STS_ENDPOINT_PROPERTY);
    System.setProperty(STS_ENDPOINT_PROPERTY, sts.endpoint().toString());
    policyFile = temp.resolve("key-policy.json");
    Files.writeString(
        policyFile,
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"from the"
            + " file\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\","
            + "\"Resource\":\"*\"}]}");
  }

  @AfterEach
  void stop() {
    opened.forEach(Backend::close);
    if (previousStsEndpoint == null) {
      System.clearProperty(STS_ENDPOINT_PROPERTY);
    } else {
      System.setProperty(STS_ENDPOINT_PROPERTY, previousStsEndpoint);
    }
    sts.close();
    kms.close();
  }

  private static PluginConfig config(String hcl) {
    ConfigResult result = ConfigLoader.load("example.org", hcl);
    assertTrue(result.errors().isEmpty(), result.errors().toString());
    return result.configOrThrow();
  }

  /** plugin_data for the local KMS with static credentials and the given extra settings. */
  private String pluginData(URI endpoint, String... extra) {
    StringBuilder hcl =
        new StringBuilder()
            .append("region = \"us-east-2\"\n")
            .append("endpoint = \"")
            .append(endpoint)
            .append("\"\n")
            .append("access_key_id = \"AKIDFACTORYTEST\"\n")
            .append("secret_access_key = \"")
            .append(SECRET)
            .append("\"\n");
    for (String line : extra) {
      hcl.append(line).append('\n');
    }
    return hcl.toString();
  }

  private String withFileIdAndPolicy() {
    return pluginData(
        kms.endpoint(),
        "key_identifier_file = \"" + temp.resolve("server_id") + "\"",
        "key_policy_file = \"" + policyFile + "\"");
  }

  private Backend open(Map<String, String> env, String hcl) {
    Backend backend = new AwsKmsBackendFactory(env, USER_AGENT).open(config(hcl));
    opened.add(backend);
    return backend;
  }

  private List<AliasListEntry> aliases() {
    return model.aliases().stream()
        .filter(a -> a.aliasName().startsWith("alias/SPIRE_SERVER/"))
        .toList();
  }

  @Test
  void keysOutliveTheBackendThroughTheServerIdFile() throws IOException {
    Backend first = open(Map.of(), withFileIdAndPolicy());
    assertEquals(List.of(), first.keyStore().all());
    KeyEntry generated = first.keyStore().generate("x509-CA-A", SpireKeyType.EC_P256);
    first.close();

    String serverId = Files.readString(temp.resolve("server_id")).strip();
    assertTrue(serverId.matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"), serverId);
    assertEquals(
        List.of("alias/SPIRE_SERVER/example_org/" + serverId + "/x509-CA-A"),
        aliases().stream().map(AliasListEntry::aliasName).toList());
    assertEquals(
        Files.readString(policyFile),
        model.policy(generated.keyArn()).orElseThrow(),
        "the key got the policy from key_policy_file");
    assertEquals(1, model.callCount(KmsOperations.CREATE_KEY));

    Backend second = open(Map.of(), withFileIdAndPolicy());
    assertEquals(List.of(generated), second.keyStore().all());
    assertEquals(serverId, second.keyStore().naming().serverId());
    assertEquals(1, model.callCount(KmsOperations.CREATE_KEY), "found, not created again");
  }

  @Test
  void aCreateKeySlowerThanTheAttemptTimeoutIsWaitedForAndNotSentTwice() throws IOException {
    kms.close();
    Duration slow = AwsSettings.ATTEMPT_TIMEOUT.plusSeconds(2);
    model = KmsModel.builder().region("us-east-2").keyGenerationTime(slow).build();
    kms = LocalKmsServer.start(model, 0);
    Backend backend = open(Map.of(), withFileIdAndPolicy());

    long start = System.nanoTime();
    KeyEntry generated = backend.keyStore().generate("x509-CA-A", SpireKeyType.EC_P256);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertTrue(took.compareTo(slow) >= 0, "CreateKey answered in " + took);
    assertEquals(1, model.callCount(KmsOperations.CREATE_KEY), "CreateKey was sent again");
    assertEquals(List.of(generated.keyArn()), model.keys().stream().map(k -> k.arn()).toList());
  }

  @Test
  void aMissingKeyPolicyFileFailsWithUpstreamsMessageBeforeAnyKmsCall() {
    Path missing = temp.resolve("no-such-policy.json");
    PluginConfig config =
        config(
            pluginData(
                kms.endpoint(),
                "key_identifier_value = \"server-a\"",
                "key_policy_file = \"" + missing + "\""));
    AwsKmsBackendFactory factory = new AwsKmsBackendFactory(Map.of(), USER_AGENT);

    KeyStoreException e = assertThrows(KeyStoreException.class, () -> factory.open(config));

    assertEquals(KeyStoreException.Kind.INTERNAL, e.kind());
    assertTrue(
        e.getMessage().startsWith("failed to read file configured in 'key_policy_file': "),
        e.getMessage());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertEquals(List.of(), model.calls());
  }

  @Test
  void keyIdentifierValueIsTheServerId() throws IOException {
    Backend backend =
        open(
            Map.of(),
            pluginData(
                kms.endpoint(),
                "key_identifier_value = \"server-a\"",
                "key_policy_file = \"" + policyFile + "\""));

    backend.keyStore().generate("JWT-Signer-A", SpireKeyType.EC_P384);

    assertEquals("server-a", backend.keyStore().naming().serverId());
    assertEquals(
        List.of("alias/SPIRE_SERVER/example_org/server-a/JWT-Signer-A"),
        aliases().stream().map(AliasListEntry::aliasName).toList());
    try (var files = Files.list(temp)) {
      assertEquals(List.of(policyFile), files.toList(), "no server id file is written");
    }
  }

  @Test
  void closingTwiceIsSafeAndStopsTheLifecycleThread() throws InterruptedException {
    Set<Thread> before = liveThreads();
    Backend backend = open(Map.of(), withFileIdAndPolicy());
    List<Thread> lifecycle = newThreads(before, KeyLifecycle.THREAD_NAME);
    assertEquals(1, lifecycle.size(), "open starts one lifecycle thread");

    backend.close();
    backend.close();

    lifecycle.get(0).join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(lifecycle.get(0).isAlive(), "the lifecycle thread ends after close");
  }

  @Test
  void aKmsFailureAtOpenClosesWhatItOpened() throws InterruptedException {
    Set<Thread> before = liveThreads();
    model.faults().failAlways(KmsOperations.LIST_ALIASES, Fault.accessDenied());
    AwsKmsBackendFactory factory = new AwsKmsBackendFactory(Map.of(), USER_AGENT);
    PluginConfig config = config(withFileIdAndPolicy());

    KeyStoreException e = assertThrows(KeyStoreException.class, () -> factory.open(config));

    assertEquals(KeyStoreException.Kind.PERMISSION_DENIED, e.kind());
    assertTrue(e.getMessage().startsWith("failed to fetch aliases: "), e.getMessage());
    assertEquals(1, model.callCount(KmsOperations.LIST_ALIASES));
    List<Thread> started = new ArrayList<>(newThreads(before, "sdk-"));
    started.addAll(newThreads(before, KeyLifecycle.THREAD_NAME));
    started.addAll(newThreads(before, "kms-key-loader"));
    for (Thread thread : started) {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
    List<String> leaked = names(started.stream().filter(Thread::isAlive).toList());
    assertEquals(List.of(), leaked, "threads left running by the failed open");
  }

  @Test
  void everyKmsRequestCarriesThePluginsUserAgent() throws IOException {
    List<String> userAgents = new CopyOnWriteArrayList<>();
    HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Loopback proxy =
        Loopback.start(
            exchange -> {
              userAgents.add(String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
              forwardTo(kms.endpoint(), forward, exchange);
            })) {
      Backend backend =
          open(
              Map.of(),
              pluginData(
                  proxy.endpoint(),
                  "key_identifier_value = \"server-a\"",
                  "key_policy_file = \"" + policyFile + "\""));
      backend.keyStore().generate("x509-CA-A", SpireKeyType.EC_P256);
    }

    // ListAliases at open; CreateKey, CreateAlias (and maybe more) for the key
    assertTrue(userAgents.size() >= 3, userAgents.toString());
    assertEquals(model.calls().size(), userAgents.size(), "every KMS call went through the proxy");
    for (String userAgent : userAgents) {
      assertTrue(userAgent.contains(USER_AGENT), userAgent);
      assertFalse(userAgent.contains(SECRET), userAgent);
    }
  }

  @Test
  void withoutAPolicyFileNewKeysGetThePolicyOfTheCallersRoleWithItsPathFromTheEnvironment() {
    String roleArn = "arn:aws:iam::111122223333:role/platform/spire/spire-server";
    Backend backend =
        open(
            Map.of("AWS_ROLE_ARN", roleArn),
            pluginData(kms.endpoint(), "key_identifier_value = \"server-a\""));
    assertEquals(0, sts.requests(), "STS is asked only when a key is made");

    KeyEntry key = backend.keyStore().generate("x509-CA-B", SpireKeyType.RSA_2048);

    assertEquals(1, sts.requests());
    String policy = model.policy(key.keyArn()).orElseThrow();
    assertTrue(policy.contains("\"AWS\":\"" + roleArn + "\""), policy);
    assertTrue(policy.contains("\"AWS\":\"arn:aws:iam::111122223333:root\""), policy);
  }

  @Test
  void aFreshBackendOverTheSameKmsSeesARotation() {
    Backend first = open(Map.of(), withFileIdAndPolicy());
    KeyEntry old = first.keyStore().generate("x509-CA-A", SpireKeyType.EC_P256);
    KeyEntry rotated = first.keyStore().generate("x509-CA-A", SpireKeyType.EC_P256);
    first.close();

    Backend second = open(Map.of(), withFileIdAndPolicy());

    assertNotEquals(old.fingerprint(), rotated.fingerprint());
    assertEquals(List.of(rotated), second.keyStore().all());
  }

  private static Set<Thread> liveThreads() {
    return new HashSet<>(Thread.getAllStackTraces().keySet());
  }

  /** Live threads not in {@code before} whose names start with {@code prefix}. */
  private static List<Thread> newThreads(Set<Thread> before, String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive() && t.getName().startsWith(prefix))
        .collect(Collectors.toList());
  }

  private static List<String> names(List<Thread> threads) {
    return threads.stream().map(Thread::getName).sorted().toList();
  }

  private static void forwardTo(URI target, HttpClient client, HttpExchange exchange)
      throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    for (String header : List.of("Content-Type", "X-Amz-Target")) {
      String value = exchange.getRequestHeaders().getFirst(header);
      if (value != null) {
        request.header(header, value);
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    for (String header : List.of("x-amzn-RequestId", "x-amzn-ErrorType")) {
      response
          .headers()
          .firstValue(header)
          .ifPresent(v -> exchange.getResponseHeaders().set(header, v));
    }
    reply(
        exchange,
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse("application/x-amz-json-1.1"),
        response.body());
  }

  private static void reply(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    reply(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** An HTTP server on 127.0.0.1 that hands every request to one handler and counts them. */
  private static final class Loopback implements AutoCloseable {
    interface Handler {
      void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private Loopback(HttpServer server) {
      this.server = server;
    }

    static Loopback start(Handler handler) throws IOException {
      HttpServer server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
      Loopback loopback = new Loopback(server);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              loopback.seen.add(exchange.getRequestURI().toString());
              handler.handle(exchange);
            }
          });
      server.start();
      return loopback;
    }

    URI endpoint() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int requests() {
      return seen.size();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
