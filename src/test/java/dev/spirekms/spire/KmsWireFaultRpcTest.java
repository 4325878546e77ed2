package dev.spirekms.spire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.spirekms.aws.AwsClients;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.localkms.WireFault;
import dev.spirekms.localkms.WireFaultRule;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every KeyManager RPC and Configure against a local KMS that misbehaves on the wire, through the
 * real SDK client with the plugin's own timeouts and retries: each answers within SPIRE's 30 s
 * deadline with Unavailable (or succeeds, where it needs no KMS call), the SDK makes at most its
 * three attempts, and the plugin works again as soon as KMS does, with no restart.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KmsWireFaultRpcTest {
  private static final Duration SPIRE_DEADLINE = Duration.ofSeconds(30);
  private static final String CONFIG =
      "region = \"us-east-1\"\n\nkey_identifier_value = \"server-a\"";
  private static final String KEY = "x509-CA-A";

  private final KmsModel model = KmsModel.create();
  private LocalKmsServer server;
  private AwsClients clients;
  private PluginHarness harness;

  @BeforeEach
  void start() throws IOException {
    server = LocalKmsServer.startWithConnectionFaults(model, 0);
    clients =
        AwsClients.create(
            new AwsSettings(
                "us-east-1",
                Optional.of(URI.create(server.endpoint().toString())),
                Optional.of(new AwsSettings.StaticCredentials("AKIDWIREFAULT", "wire-secret")),
                "spire-aws-kms-keymanager-test/1"));
    harness = new PluginHarness(model, clients.kms());
    harness.configured();
    assertEquals(Status.Code.OK, generate(KEY));
  }

  @AfterEach
  void stop() throws InterruptedException {
    harness.close();
    clients.close();
    server.close();
  }

  static Stream<Arguments> quickFaults() {
    return Stream.of(
        Arguments.of("connection reset", (Supplier<WireFault>) WireFault::reset),
        Arguments.of("malformed JSON", (Supplier<WireFault>) WireFault::malformedJson),
        Arguments.of("truncated body", (Supplier<WireFault>) WireFault::truncatedBody),
        Arguments.of("HTML 502", (Supplier<WireFault>) () -> WireFault.htmlError(502)),
        Arguments.of("HTML 503", (Supplier<WireFault>) () -> WireFault.htmlError(503)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("quickFaults")
  void everyRpcAnswersUnavailableUnderAFaultOnEveryCallAndRecoversAfterIt(
      String name, Supplier<WireFault> fault) {
    for (String operation : KmsOperations.ALL) {
      server.wireFaults().always(operation, fault.get());
    }
    server.wireFaults().resetCounts();

    assertEquals(Status.Code.UNAVAILABLE, sign(KEY), name);
    assertEquals(3, server.wireFaults().requests(KmsOperations.SIGN), "Sign attempts");
    assertEquals(Status.Code.UNAVAILABLE, generate(KEY), name);
    assertEquals(3, server.wireFaults().requests(KmsOperations.CREATE_KEY), "CreateKey attempts");
    assertEquals(Status.Code.OK, getPublicKey(KEY), "served from memory");
    assertEquals(Status.Code.OK, getPublicKeys(), "served from memory");
    assertEquals(Status.Code.UNAVAILABLE, configure(), name);
    assertEquals(
        3, server.wireFaults().requests(KmsOperations.LIST_ALIASES), "ListAliases attempts");

    server.wireFaults().clear();
    assertRecovered();
  }

  @Test
  void aKmsThatGoesAwayMakesEveryKmsCallUnavailableAndTheNextCallsWorkWhenItComesBack()
      throws IOException {
    server.goAway();
    assertEquals(Status.Code.UNAVAILABLE, sign(KEY));
    assertEquals(Status.Code.UNAVAILABLE, generate(KEY));
    assertEquals(Status.Code.OK, getPublicKey(KEY));
    assertEquals(Status.Code.OK, getPublicKeys());
    assertEquals(Status.Code.UNAVAILABLE, configure());

    server.comeBack();
    assertRecovered();
  }

  @Test
  void aThrottlingStormIsUnavailableWithThreeAttemptsPerCall() {
    model.faults().failAlways(KmsOperations.SIGN, Fault.throttling());
    model.faults().failAlways(KmsOperations.CREATE_KEY, Fault.throttling());
    model.clearCalls();
    assertEquals(Status.Code.UNAVAILABLE, sign(KEY));
    assertEquals(3, model.callCount(KmsOperations.SIGN));
    assertEquals(Status.Code.UNAVAILABLE, generate(KEY));
    assertEquals(3, model.callCount(KmsOperations.CREATE_KEY));

    model.faults().clear();
    assertRecovered();
  }

  @Test
  void aFrozenKmsTimesSignDataOutAsUnavailableWithinTheDeadline() {
    WireFault hold = WireFault.hold();
    WireFaultRule rule =
        server.wireFaults().add(WireFaultRule.on(KmsOperations.SIGN).always().with(hold));
    assertEquals(Status.Code.UNAVAILABLE, sign(KEY));
    assertTrue(rule.fired() >= 1 && rule.fired() <= 3, rule.toString());

    server.wireFaults().clear();
    assertRecovered();
  }

  @Test
  void aFrozenCreateKeyIsNotRetriedSoNoSecondKeyIsMade() {
    server
        .wireFaults()
        .add(WireFaultRule.on(KmsOperations.CREATE_KEY).always().with(WireFault.hold()));
    server.wireFaults().resetCounts();
    assertEquals(Status.Code.UNAVAILABLE, generate(KEY));
    assertEquals(1, server.wireFaults().requests(KmsOperations.CREATE_KEY));

    server.wireFaults().clear();
    assertRecovered();
  }

  @Test
  void aSlowCreateKeyThenAFrozenGetPublicKeyStillAnswerWithinTheDeadline() {
    server.wireFaults().next(KmsOperations.CREATE_KEY, WireFault.delay(Duration.ofSeconds(15)));
    server
        .wireFaults()
        .add(WireFaultRule.on(KmsOperations.GET_PUBLIC_KEY).always().with(WireFault.hold()));
    assertEquals(Status.Code.UNAVAILABLE, generate(KEY));

    server.wireFaults().clear();
    assertRecovered();
  }

  @Test
  void answersSlowerThanTheAttemptTimeoutOnEveryCallStillEndWithinTheDeadline() {
    for (String operation : KmsOperations.ALL) {
      server.wireFaults().always(operation, WireFault.delay(Duration.ofSeconds(7)));
    }
    // CreateKey waits its whole budget and gets its answer; the calls after it time out
    assertEquals(Status.Code.UNAVAILABLE, generate("x509-CA-B"));

    server.wireFaults().clear();
    assertRecovered();
  }

  /** Signs, rotates and signs with the new key, and re-configures, all on the first try. */
  private void assertRecovered() {
    assertEquals(Status.Code.OK, sign(KEY), "SignData after the fault");
    assertEquals(Status.Code.OK, generate(KEY), "GenerateKey after the fault");
    assertEquals(Status.Code.OK, sign(KEY), "SignData with the new key");
    assertEquals(Status.Code.OK, configure(), "Configure after the fault");
    assertEquals(Status.Code.OK, sign(KEY), "SignData after Configure");
  }

  private Status.Code generate(String keyId) {
    return timed(
        () ->
            harness
                .keyManager()
                .generateKey(
                    GenerateKeyRequest.newBuilder()
                        .setKeyId(keyId)
                        .setKeyType(KeyType.EC_P256)
                        .build()));
  }

  private Status.Code sign(String keyId) {
    return timed(
        () ->
            harness
                .keyManager()
                .signData(
                    SignDataRequest.newBuilder()
                        .setKeyId(keyId)
                        .setHashAlgorithm(HashAlgorithm.SHA256)
                        .setData(ByteString.copyFrom(new byte[32]))
                        .build()));
  }

  private Status.Code getPublicKey(String keyId) {
    return timed(
        () ->
            harness
                .keyManager()
                .getPublicKey(GetPublicKeyRequest.newBuilder().setKeyId(keyId).build()));
  }

  private Status.Code getPublicKeys() {
    return timed(
        () -> harness.keyManager().getPublicKeys(GetPublicKeysRequest.getDefaultInstance()));
  }

  private Status.Code configure() {
    return timed(
        () -> harness.config().configure(PluginHarness.configureRequest("example.org", CONFIG)));
  }

  /** Runs one RPC; fails if it took SPIRE's deadline or longer; returns its status code. */
  private static Status.Code timed(Runnable rpc) {
    long start = System.nanoTime();
    Status.Code code;
    try {
      rpc.run();
      code = Status.Code.OK;
    } catch (StatusRuntimeException e) {
      code = e.getStatus().getCode();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(SPIRE_DEADLINE) < 0, "the RPC took " + took + ", ended with " + code);
    return code;
  }
}
