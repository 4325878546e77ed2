package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;

/** Each wire fault as the real AWS SDK client sees it, over HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalKmsServerWireFaultTest {
  private static final int ATTEMPTS = 3;

  private final KmsModel model = KmsModel.create();
  private LocalKmsServer server;
  private KmsClient kms;

  @BeforeEach
  void start() throws IOException {
    server = LocalKmsServer.startWithConnectionFaults(model, 0);
    kms =
        KmsClient.builder()
            .endpointOverride(server.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
            .httpClient(
                UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(5)).build())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofSeconds(1))
                        .apiCallTimeout(Duration.ofSeconds(10)))
            .build();
  }

  @AfterEach
  void stop() {
    kms.close();
    server.close();
  }

  private String createKey() {
    return kms.createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
        .keyMetadata()
        .keyId();
  }

  private void getPublicKey(String keyId) {
    kms.getPublicKey(b -> b.keyId(keyId));
  }

  @Test
  void aDelayedAnswerArrivesLate() {
    String keyId = createKey();
    server.wireFaults().next(KmsOperations.GET_PUBLIC_KEY, WireFault.delay(Duration.ofMillis(400)));
    long start = System.nanoTime();
    getPublicKey(keyId);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 400);
    assertEquals(1, server.wireFaults().requests(KmsOperations.GET_PUBLIC_KEY));
  }

  @Test
  void aDelayLongerThanTheAttemptTimeoutTimesEveryAttemptOut() {
    String keyId = createKey();
    WireFaultRule rule =
        server
            .wireFaults()
            .always(KmsOperations.GET_PUBLIC_KEY, WireFault.delay(Duration.ofSeconds(2)));
    SdkClientException e = assertThrows(SdkClientException.class, () -> getPublicKey(keyId));
    assertInstanceOf(ApiCallAttemptTimeoutException.class, e);
    assertEquals(ATTEMPTS, rule.fired());
  }

  @Test
  void aHeldCallIsAnsweredOnlyAfterItsRelease() throws Exception {
    String keyId = createKey();
    WireFault hold = WireFault.hold();
    server.wireFaults().add(WireFaultRule.on(KmsOperations.GET_PUBLIC_KEY).with(hold));
    CompletableFuture<Void> call = CompletableFuture.runAsync(() -> getPublicKey(keyId));
    assertTrue(hold.awaitHeld(1, Duration.ofSeconds(5)));
    Thread.sleep(300);
    assertFalse(call.isDone(), "a held call has no answer");
    hold.release();
    call.get(5, TimeUnit.SECONDS); // the retry, or the held attempt itself, succeeds
  }

  @Test
  void aHeldCallAfterApplyKeepsItsEffect() throws Exception {
    WireFault hold = WireFault.hold();
    server.wireFaults().add(WireFaultRule.on(KmsOperations.CREATE_KEY).afterApply().with(hold));
    CompletableFuture<String> call = CompletableFuture.supplyAsync(this::createKey);
    assertTrue(hold.awaitHeld(1, Duration.ofSeconds(5)));
    assertEquals(1, model.keys().size(), "the key exists while its answer is held");
    hold.release();
    call.handle((id, error) -> null).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aResetConnectionIsRetriedAndReportedAsAnIoFailure() {
    String keyId = createKey();
    WireFaultRule rule =
        server.wireFaults().always(KmsOperations.GET_PUBLIC_KEY, WireFault.reset());
    SdkClientException e = assertThrows(SdkClientException.class, () -> getPublicKey(keyId));
    // HttpURLConnection reports a reset while it reads the status line as an end of file
    assertTrue(
        causes(e).contains("connection reset") || causes(e).contains("unexpected end of file"),
        causes(e));
    assertEquals(ATTEMPTS, rule.fired());

    server.wireFaults().clear();
    getPublicKey(keyId);
  }

  @Test
  void aResetIsATcpResetOnTheWire() throws IOException {
    server.wireFaults().always(KmsOperations.LIST_KEYS, WireFault.reset());
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket
          .getOutputStream()
          .write(
              ("POST / HTTP/1.1\r\nHost: kms\r\nX-Amz-Target: TrentService.ListKeys\r\n"
                      + "Content-Length: 2\r\n\r\n{}")
                  .getBytes(StandardCharsets.US_ASCII));
      SocketException e = assertThrows(SocketException.class, () -> socket.getInputStream().read());
      assertEquals("Connection reset", e.getMessage());
    }
  }

  @Test
  void aMalformedBodyFailsToParse() {
    String keyId = createKey();
    WireFaultRule rule =
        server.wireFaults().always(KmsOperations.GET_PUBLIC_KEY, WireFault.malformedJson());
    SdkClientException e = assertThrows(SdkClientException.class, () -> getPublicKey(keyId));
    assertTrue(causes(e).contains("unable to unmarshall response"), causes(e));
    assertEquals(ATTEMPTS, rule.fired(), "the SDK retries a response it cannot read");
    assertEquals(ATTEMPTS, server.wireFaults().requests(KmsOperations.GET_PUBLIC_KEY));
  }

  @Test
  void aTruncatedBodyFailsAndIsRetried() {
    String keyId = createKey();
    WireFaultRule rule =
        server.wireFaults().always(KmsOperations.GET_PUBLIC_KEY, WireFault.truncatedBody());
    long start = System.nanoTime();
    SdkClientException e = assertThrows(SdkClientException.class, () -> getPublicKey(keyId));
    // HttpURLConnection ends the body stream early; the SDK's JSON reader finds the end of input
    assertTrue(
        causes(e).contains("end-of-input") || causes(e).contains("premature eof"), causes(e));
    assertEquals(ATTEMPTS, rule.fired());
    assertTrue(
        Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5, "no wait for a timeout");
  }

  @Test
  void anHtmlGatewayErrorIsAServerErrorWithNoKmsCodeAndIsRetried() {
    String keyId = createKey();
    WireFaultRule rule =
        server.wireFaults().always(KmsOperations.GET_PUBLIC_KEY, WireFault.htmlError(502));
    KmsException e = assertThrows(KmsException.class, () -> getPublicKey(keyId));
    assertEquals(502, e.statusCode());
    assertEquals(ATTEMPTS, rule.fired());
    assertEquals(0, model.callCount(KmsOperations.GET_PUBLIC_KEY), "the model never saw it");
  }

  @Test
  void aServerThatGoesAwayRefusesConnectionsAndComesBackOnTheSamePort() throws Exception {
    String keyId = createKey();
    int port = server.port();
    server.goAway();
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    SdkClientException e = assertThrows(SdkClientException.class, () -> getPublicKey(keyId));
    assertTrue(causes(e).contains("connection refused"), causes(e));
    assertTrue(e.getMessage().contains("Attempt Count: " + ATTEMPTS), e.getMessage());

    server.comeBack();
    assertEquals(port, server.port());
    getPublicKey(keyId);
  }

  @Test
  void theNthCallIsFaultedAndTheOthersGoThrough() {
    WireFaultRule rule =
        server
            .wireFaults()
            .add(
                WireFaultRule.on(KmsOperations.CREATE_KEY).after(2).with(WireFault.htmlError(503)));
    createKey();
    createKey();
    assertEquals(0, rule.fired());
    createKey(); // the third call is faulted once, its retry succeeds
    assertEquals(1, rule.fired());
    assertEquals(4, server.wireFaults().requests(KmsOperations.CREATE_KEY));
    assertEquals(3, model.keys().size());
  }

  @Test
  void aResetNeedsAServerWithConnectionFaults() throws IOException {
    try (LocalKmsServer plain = LocalKmsServer.start(KmsModel.create(), 0)) {
      assertThrows(
          IllegalStateException.class,
          () -> plain.wireFaults().always(KmsOperations.SIGN, WireFault.reset()));
      assertThrows(IllegalStateException.class, plain::goAway);
    }
  }

  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t).append(" / ");
    }
    return text.toString().toLowerCase(java.util.Locale.ROOT);
  }
}
