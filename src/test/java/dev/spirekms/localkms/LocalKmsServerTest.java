package dev.spirekms.localkms;

import static dev.spirekms.localkms.Fixtures.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidAliasNameException;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.InvalidMarkerException;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagException;

/** The server, driven by the real AWS SDK client over HTTP. */
class LocalKmsServerTest {
  private static final int MAX_ATTEMPTS = 3;

  private final SteppingClock clock = Fixtures.clock();
  private final KmsModel model = KmsModel.builder().clock(clock).withAwsManagedAliases().build();
  private LocalKmsServer server;
  private KmsClient kms;

  @BeforeEach
  void start() throws Exception {
    server = LocalKmsServer.start(model, 0);
    kms = client(null);
  }

  @AfterEach
  void stop() {
    kms.close();
    server.close();
  }

  private KmsClient client(Duration apiCallTimeout) {
    return LocalKmsClients.builder(server, Region.US_EAST_1)
        .overrideConfiguration(
            o -> {
              o.retryStrategy(
                  AwsRetryStrategy.standardRetryStrategy().toBuilder()
                      .maxAttempts(MAX_ATTEMPTS)
                      .backoffStrategy(BackoffStrategy.retryImmediately())
                      .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                      .circuitBreakerEnabled(false)
                      .build());
              if (apiCallTimeout != null) {
                o.apiCallTimeout(apiCallTimeout);
              }
            })
        .build();
  }

  @Test
  void servesOnLoopbackAtTheAnnouncedEndpoint() {
    URI endpoint = server.endpoint();
    assertEquals("http", endpoint.getScheme());
    assertEquals("127.0.0.1", endpoint.getHost());
    assertTrue(server.port() > 0);
    assertEquals(server.port(), endpoint.getPort());
    assertEquals(model, server.model());
  }

  @Test
  void aKeysLifeThroughTheSdk() throws Exception {
    String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
    CreateKeyResponse created =
        kms.createKey(
            b ->
                b.keySpec(KeySpec.RSA_2048)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .description("SPIRE_SERVER_KEY/example_org/JWT-Signer-A")
                    .policy(policy)
                    .tags(Tag.builder().tagKey("spire-server-td").tagValue("example.org").build()));
    KeyMetadata key = created.keyMetadata();
    // Everything the model said arrives intact, dates included (KMS dates are millisecond-exact).
    assertEquals(model.key(key.keyId()), key);
    assertEquals(clock.instant().truncatedTo(ChronoUnit.MILLIS), key.creationDate());
    assertEquals("111122223333", key.awsAccountId());
    assertEquals(KeyManagerType.CUSTOMER, key.keyManager());
    assertEquals(OriginType.AWS_KMS, key.origin());
    assertEquals(6, key.signingAlgorithms().size());
    assertEquals(policy, model.policy(key.keyId()).orElseThrow());
    assertEquals("example.org", model.tags(key.keyId()).get("spire-server-td"));

    GetPublicKeyResponse publicKey = kms.getPublicKey(b -> b.keyId(key.arn()));
    assertEquals(key.arn(), publicKey.keyId());
    assertEquals(KeySpec.RSA_2048, publicKey.keySpec());
    assertEquals(KeyUsageType.SIGN_VERIFY, publicKey.keyUsage());
    assertEquals(key.signingAlgorithms(), publicKey.signingAlgorithms());
    PublicKey jdkKey =
        KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(publicKey.publicKey().asByteArray()));

    byte[] message = "header.payload".getBytes();
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
    byte[] signature =
        kms.sign(
                b ->
                    b.keyId(key.keyId())
                        .message(SdkBytes.fromByteArray(digest))
                        .messageType(MessageType.DIGEST)
                        .signingAlgorithm(SigningAlgorithmSpec.RSASSA_PSS_SHA_256))
            .signature()
            .asByteArray();
    Signature verifier = Signature.getInstance("RSASSA-PSS");
    verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    verifier.initVerify(jdkKey);
    verifier.update(message);
    assertTrue(verifier.verify(signature));

    kms.tagResource(
        b ->
            b.keyId(key.keyId())
                .tags(Tag.builder().tagKey("spire-active").tagValue("true").build()));
    assertEquals(
        List.of("spire-active", "spire-server-td"),
        kms.listResourceTags(b -> b.keyId(key.keyId())).tags().stream().map(Tag::tagKey).toList());

    kms.disableKey(b -> b.keyId(key.keyId()));
    assertKmsError(
        DisabledException.class,
        "DisabledException",
        () -> kms.getPublicKey(b -> b.keyId(key.keyId())));
    kms.enableKey(b -> b.keyId(key.keyId()));

    clock.advance(Duration.ofMinutes(1));
    ScheduleKeyDeletionResponse scheduled =
        kms.scheduleKeyDeletion(b -> b.keyId(key.arn()).pendingWindowInDays(7));
    assertEquals(KeyState.PENDING_DELETION, scheduled.keyState());
    assertEquals(7, scheduled.pendingWindowInDays());
    assertEquals(
        clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofDays(7)),
        scheduled.deletionDate());
    KeyMetadata pending = kms.describeKey(b -> b.keyId(key.keyId())).keyMetadata();
    assertEquals(scheduled.deletionDate(), pending.deletionDate());
    assertEquals(7, pending.pendingDeletionWindowInDays());
    assertFalse(pending.enabled());
    assertKmsError(
        KmsInvalidStateException.class,
        "KMSInvalidStateException",
        () -> kms.scheduleKeyDeletion(b -> b.keyId(key.arn())));

    assertEquals(key.arn(), kms.cancelKeyDeletion(b -> b.keyId(key.keyId())).keyId());
    assertEquals(
        KeyState.DISABLED, kms.describeKey(b -> b.keyId(key.arn())).keyMetadata().keyState());
  }

  @Test
  void aliasesThroughTheSdk() {
    String first = Fixtures.createKey(model).keyId();
    String second = Fixtures.createKey(model, KeySpec.ECC_NIST_P384).keyId();
    String name = "alias/SPIRE_SERVER/example_org/server-1/x509-CA-A";

    kms.createAlias(b -> b.aliasName(name).targetKeyId(first));
    clock.advance(Duration.ofHours(6));
    kms.updateAlias(b -> b.aliasName(name).targetKeyId(first));

    AliasListEntry alias =
        kms.listAliases(b -> b.keyId(first)).aliases().stream().findFirst().orElseThrow();
    assertEquals(name, alias.aliasName());
    assertEquals("arn:aws:kms:us-east-1:111122223333:" + name, alias.aliasArn());
    assertEquals(first, alias.targetKeyId());
    assertEquals(
        Duration.ofHours(6), Duration.between(alias.creationDate(), alias.lastUpdatedDate()));
    assertEquals(model.alias(name).orElseThrow(), alias);

    kms.updateAlias(b -> b.aliasName(name).targetKeyId(second));
    assertEquals(second, kms.describeKey(b -> b.keyId(name)).keyMetadata().keyId());
    assertKmsError(
        AlreadyExistsException.class,
        "AlreadyExistsException",
        () -> kms.createAlias(b -> b.aliasName(name).targetKeyId(first)));
    assertKmsError(
        InvalidAliasNameException.class,
        "InvalidAliasNameException",
        () -> kms.createAlias(b -> b.aliasName("alias/aws/mine").targetKeyId(first)));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> kms.createAlias(b -> b.aliasName("alias/bad.name").targetKeyId(first)));

    kms.deleteAlias(b -> b.aliasName(name));
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> kms.deleteAlias(b -> b.aliasName(name)));
  }

  @Test
  void paginatorsWalkTheServersPages() {
    List<String> keyIds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String keyId = Fixtures.createKey(model).keyId();
      keyIds.add(keyId);
      kms.createAlias(b -> b.aliasName("alias/k" + keyIds.size()).targetKeyId(keyId));
    }
    model.clearCalls();

    List<AliasListEntry> aliases =
        kms.listAliasesPaginator(b -> b.limit(2)).aliases().stream().toList();
    List<String> keys =
        kms.listKeysPaginator(b -> b.limit(2)).keys().stream().map(KeyListEntry::keyId).toList();

    // 5 customer aliases and the AWS managed ones, which have no target and no dates.
    assertEquals(5 + KmsModel.AWS_MANAGED_ALIASES.size(), aliases.size());
    assertEquals(
        KmsModel.AWS_MANAGED_ALIASES.size(),
        aliases.stream().filter(a -> a.targetKeyId() == null).count());
    AliasListEntry managed =
        aliases.stream()
            .filter(a -> a.aliasName().equals("alias/aws/ebs"))
            .findFirst()
            .orElseThrow();
    assertNull(managed.lastUpdatedDate());
    assertNotNull(managed.aliasArn());
    assertEquals(keyIds, keys);
    assertEquals(7, model.callCount("ListAliases"));
    assertEquals(3, model.callCount("ListKeys"));

    assertKmsError(
        InvalidMarkerException.class,
        "InvalidMarkerException",
        () -> kms.listKeys(b -> b.marker("not-a-marker")));
    assertKmsError(
        KmsException.class, "ValidationException", () -> kms.listAliases(b -> b.limit(101)));
  }

  @Test
  void modeledErrorsArriveAsTheirSdkClasses() {
    String keyId = Fixtures.createKey(model).keyId();
    NotFoundException notFound =
        assertKmsError(
            NotFoundException.class,
            "NotFoundException",
            () -> kms.describeKey(b -> b.keyId("alias/missing")));
    assertEquals(
        "Alias arn:aws:kms:us-east-1:111122223333:alias/missing is not found.",
        notFound.awsErrorDetails().errorMessage());
    assertNotNull(notFound.requestId());
    assertKmsError(
        InvalidArnException.class,
        "InvalidArnException",
        () -> kms.scheduleKeyDeletion(b -> b.keyId("arn:aws:kms:us-east-1:oops")));
    assertKmsError(
        InvalidKeyUsageException.class,
        "InvalidKeyUsageException",
        () ->
            kms.sign(
                b ->
                    b.keyId(keyId)
                        .message(SdkBytes.fromUtf8String("m"))
                        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_512)));
    assertKmsError(
        MalformedPolicyDocumentException.class,
        "MalformedPolicyDocumentException",
        () ->
            kms.createKey(
                b ->
                    b.keySpec(KeySpec.ECC_NIST_P256)
                        .keyUsage(KeyUsageType.SIGN_VERIFY)
                        .policy("{not json")));
    assertKmsError(
        TagException.class,
        "TagException",
        () ->
            kms.tagResource(
                b -> b.keyId(keyId).tags(Tag.builder().tagKey("aws:x").tagValue("v").build())));
    assertKmsError(
        software.amazon.awssdk.services.kms.model.UnsupportedOperationException.class,
        "UnsupportedOperationException",
        () -> kms.createKey(b -> b.keySpec(KeySpec.HMAC_256)));
  }

  @Test
  void optionalMembersCrossTheWire() {
    String keyId = Fixtures.createKey(model).keyId();
    assertKmsError(
        software.amazon.awssdk.services.kms.model.DryRunOperationException.class,
        "DryRunOperationException",
        () -> kms.sign(signRequest(keyId).toBuilder().dryRun(true).grantTokens("token").build()));
    SignRequest received = model.requests("Sign", SignRequest.class).get(0);
    assertTrue(received.dryRun());
    assertEquals(List.of("token"), received.grantTokens());

    KeyMetadata encryption =
        kms.createKey(b -> b.keySpec(KeySpec.RSA_2048).keyUsage(KeyUsageType.ENCRYPT_DECRYPT))
            .keyMetadata();
    assertEquals(2, encryption.encryptionAlgorithms().size());
    assertFalse(encryption.hasSigningAlgorithms());
    GetPublicKeyResponse publicKey = kms.getPublicKey(b -> b.keyId(encryption.keyId()));
    assertEquals(encryption.encryptionAlgorithms(), publicKey.encryptionAlgorithms());
    assertFalse(publicKey.hasSigningAlgorithms());
  }

  @Test
  void oversizedBodiesAreRejected() throws Exception {
    String body = "{\"Description\":\"" + "x".repeat((1 << 20) + 1) + "\"}";
    HttpResponse<String> response = post("TrentService.CreateKey", body);
    assertEquals(400, response.statusCode());
    assertEquals("SerializationException", json(response).get("__type").getAsString());
    assertEquals(0, model.callCount("CreateKey"));
  }

  @Test
  void throttlingIsRetriedBySdk() {
    String keyId = Fixtures.createKey(model).keyId();
    model.faults().failNext("Sign", MAX_ATTEMPTS - 1, Fault.throttling());

    kms.sign(signRequest(keyId));

    assertEquals(MAX_ATTEMPTS, model.callCount("Sign"));
    assertEquals(
        List.of(false, false, true), model.calls("Sign").stream().map(KmsCall::succeeded).toList());
  }

  @Test
  void persistentThrottlingArrivesAsAThrottlingKmsException() {
    String keyId = Fixtures.createKey(model).keyId();
    model.faults().failAlways("Sign", Fault.throttling());

    KmsException e =
        assertKmsError(
            KmsException.class, "ThrottlingException", () -> kms.sign(signRequest(keyId)));

    assertTrue(e.isThrottlingException());
    assertEquals(MAX_ATTEMPTS, model.callCount("Sign"));
  }

  @Test
  void accessDeniedIsNotRetried() {
    model.faults().failAlways("ListKeys", Fault.accessDenied());
    KmsException e =
        assertKmsError(KmsException.class, "AccessDeniedException", () -> kms.listKeys());
    assertTrue(e.awsErrorDetails().errorMessage().contains("kms:ListKeys"));
    assertEquals(1, model.callCount("ListKeys"));
  }

  @Test
  void internalErrorsAre500AndRetried() {
    model.faults().failAlways("ListKeys", Fault.internalError());
    assertKmsError(KmsInternalException.class, "KMSInternalException", 500, () -> kms.listKeys());
    assertEquals(MAX_ATTEMPTS, model.callCount("ListKeys"));
  }

  @Test
  void unexpectedExceptionsBecomeInternalErrors() {
    model
        .faults()
        .failNext("ListKeys", MAX_ATTEMPTS, Fault.of(() -> new IllegalStateException("bug")));
    assertKmsError(KmsInternalException.class, "KMSInternalException", 500, () -> kms.listKeys());
  }

  @Test
  @Timeout(30)
  void aTimeoutFaultLetsTheClientTimeOut() {
    model.faults().failNext("ListAliases", 1, Fault.timeout());
    try (KmsClient impatient = client(Duration.ofMillis(500))) {
      assertThrows(ApiCallTimeoutException.class, impatient::listAliases);
      assertEquals(1, model.callCount("ListAliases"));
      // The server still answers other calls while one is held.
      assertEquals(KmsModel.AWS_MANAGED_ALIASES.size(), impatient.listAliases().aliases().size());
    }
  }

  @Test
  void unknownOperationsAndMalformedBodiesAreRejected() throws Exception {
    HttpResponse<String> unknown = post("TrentService.Encrypt", "{}");
    assertEquals(400, unknown.statusCode());
    assertEquals(
        "UnknownOperationException",
        unknown.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    assertEquals("UnknownOperationException", json(unknown).get("__type").getAsString());
    assertTrue(unknown.headers().firstValue("x-amzn-RequestId").isPresent());

    assertEquals(400, post("KmsService.ListKeys", "{}").statusCode());
    assertEquals("UnknownOperationException", json(post(null, "{}")).get("__type").getAsString());

    for (String body : List.of("{", "[]", "{\"Limit\":\"ten\"}", "{\"Limit\":1.5}", "{} x")) {
      HttpResponse<String> response = post("TrentService.ListKeys", body);
      assertEquals(400, response.statusCode(), body);
      assertEquals("SerializationException", json(response).get("__type").getAsString(), body);
    }
    assertEquals(
        "SerializationException",
        json(post("TrentService.Sign", "{\"KeyId\":\"k\",\"Message\":\"***\"}"))
            .get("__type")
            .getAsString());
    assertEquals(
        "SerializationException",
        json(post("TrentService.TagResource", "{\"KeyId\":\"k\",\"Tags\":[\"x\"]}"))
            .get("__type")
            .getAsString());
    assertEquals(
        "SerializationException",
        json(post("TrentService.DescribeKey", "{\"KeyId\":\"k\",\"GrantTokens\":\"x\"}"))
            .get("__type")
            .getAsString());
    assertEquals(
        "SerializationException",
        json(post("TrentService.DescribeKey", "{\"KeyId\":\"k\",\"GrantTokens\":[1]}"))
            .get("__type")
            .getAsString());
    assertEquals(
        "SerializationException",
        json(post("TrentService.Sign", "{\"KeyId\":\"k\",\"DryRun\":\"yes\"}"))
            .get("__type")
            .getAsString());
    assertEquals(
        "SerializationException",
        json(post("TrentService.DescribeKey", "{\"KeyId\":7}")).get("__type").getAsString());

    HttpResponse<String> empty = post("TrentService.ListKeys", "");
    assertEquals(200, empty.statusCode());
    assertEquals(
        "application/x-amz-json-1.1", empty.headers().firstValue("Content-Type").orElseThrow());
    assertFalse(json(empty).get("Truncated").getAsBoolean());

    HttpResponse<String> get =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.endpoint()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(404, get.statusCode());
  }

  @Test
  void wireFormatUsesKmsMemberNamesAndEpochSeconds() throws Exception {
    String keyId = Fixtures.createKey(model).keyId();
    JsonObject described =
        json(post("TrentService.DescribeKey", "{\"KeyId\":\"" + keyId + "\"}"))
            .getAsJsonObject("KeyMetadata");
    assertEquals(keyId, described.get("KeyId").getAsString());
    assertEquals("111122223333", described.get("AWSAccountId").getAsString());
    assertEquals("ECC_NIST_P256", described.get("KeySpec").getAsString());
    assertEquals("ECC_NIST_P256", described.get("CustomerMasterKeySpec").getAsString());
    assertEquals(
        Fixtures.START.truncatedTo(ChronoUnit.MILLIS).toEpochMilli() / 1000.0,
        described.get("CreationDate").getAsDouble(),
        0.0005);
    assertTrue(described.get("CreationDate").getAsJsonPrimitive().isNumber());

    JsonObject notFound = json(post("TrentService.DescribeKey", "{\"KeyId\":\"alias/none\"}"));
    assertEquals("NotFoundException", notFound.get("__type").getAsString());
    assertTrue(notFound.get("message").getAsString().contains("alias/none"));
  }

  @Test
  void closeIsIdempotentAndFreesThePort() throws Exception {
    int port = server.port();
    server.close();
    server.close();
    assertThrows(Exception.class, () -> kms.listKeys());
    try (LocalKmsServer again = LocalKmsServer.start(model, port)) {
      assertEquals(port, again.port());
    }
    assertThrows(IllegalArgumentException.class, () -> LocalKmsServer.start(model, 70000));
    assertThrows(NullPointerException.class, () -> LocalKmsServer.start(null, 0));
  }

  @Test
  void eachServerOfOneModelHoldsItsAnswersForItsOwnFloor() throws Exception {
    KmsModel shared = KmsModel.create();
    Duration floor = Duration.ofMillis(60);
    try (LocalKmsServer slow = LocalKmsServer.start(shared, 0, floor);
        LocalKmsServer fast = LocalKmsServer.start(shared, 0, Duration.ZERO)) {
      assertEquals(floor, slow.responseFloor());
      assertEquals(Duration.ZERO, fast.responseFloor());
      assertEquals(LocalKmsServer.RESPONSE_FLOOR, server.responseFloor());
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        HttpResponse<String> answer =
            client.send(
                HttpRequest.newBuilder(slow.endpoint())
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .header("X-Amz-Target", "TrentService.ListAliases")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        assertTrue(
            System.nanoTime() - start >= floor.toNanos(), "answered before the floor of " + floor);
      }
      assertEquals(shared, fast.model(), "one model behind both servers");
      assertEquals(3, shared.callCount("ListAliases"));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.start(KmsModel.create(), 0, Duration.ofMillis(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> LocalKmsServer.start(KmsModel.create(), 0, Duration.ofSeconds(6)));
  }

  @Test
  void commandLineStartsAConfiguredServer() throws Exception {
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    try (LocalKmsServer standalone =
        LocalKmsCommand.startFromArgs(
            new String[] {
              "--port",
              "0",
              "--region",
              "eu-west-1",
              "--account-id",
              "123456789012",
              "--aws-managed-aliases",
              "--response-floor-ms",
              "0"
            },
            new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8))) {
      String output = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(output.contains(standalone.endpoint().toString()), output);
      assertEquals("eu-west-1", standalone.model().region());
      assertEquals("123456789012", standalone.model().accountId());
      assertEquals(KmsModel.AWS_MANAGED_ALIASES.size(), standalone.model().aliases().size());
      assertEquals(Duration.ZERO, standalone.responseFloor());
    }
    for (String[] bad :
        new String[][] {
          {"--port"},
          {"--port", "http"},
          {"--verbose"},
          {"--account-id", "1"},
          {"--response-floor-ms", "soon"},
          {"--response-floor-ms", "-5"}
        }) {
      assertThrows(
          IllegalArgumentException.class,
          () -> LocalKmsCommand.startFromArgs(bad, new java.io.PrintStream(printed)),
          String.join(" ", bad));
    }
  }

  private HttpResponse<String> post(String target, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.endpoint())
            .header("Content-Type", "application/x-amz-json-1.1")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (target != null) {
      request.header("X-Amz-Target", target);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static SignRequest signRequest(String keyId) {
    return SignRequest.builder()
        .keyId(keyId)
        .message(SdkBytes.fromUtf8String("message"))
        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
        .build();
  }
}
