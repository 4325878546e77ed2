package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.aws.AssumedRole;
import dev.spirekms.aws.AssumedRoleHop;
import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.AwsClients;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.KeyStoreException;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.testing.MotoServer;
import dev.spirekms.testing.StsProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * A two-hop role chain against a real STS endpoint (moto_server, behind a recording proxy) and the
 * local KMS: what Configure sends, whose credentials sign each call, renewal before expiry on an
 * injected clock while signing goes on, an STS outage and the recovery after it, and a denied hop.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RoleChainWireTest {
  private static final String FIRST = "arn:aws:iam::123456789012:role/first";
  private static final String SECOND = "arn:aws:iam::123456789012:role/ops/second";
  private static final String SOURCE_KEY = "AKIDSOURCEKEY0001";
  private static final String SOURCE_SECRET = "source-secret-value-never-shown";
  private static final String EXTERNAL_ID = "external-id-two";
  private static final Duration HOUR = Duration.ofHours(1);
  private static final String WARN =
      "Failed to renew role credentials; retrying, and signing goes on until they expire";

  @TempDir Path temp;
  private MotoServer moto;
  private StsProxy sts;
  private LocalKmsServer kms;
  private MutableClock clock;
  private ManualScheduler scheduler;
  private AwsClients clients;

  @BeforeEach
  void start() throws Exception {
    moto = MotoServer.start(temp);
    sts = StsProxy.start(moto.endpoint());
    kms = LocalKmsServer.start(KmsModel.create(), 0);
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    scheduler = new ManualScheduler(clock);
    clients = clients(sts.endpoint());
  }

  private AwsClients clients(java.net.URI stsEndpoint) {
    return AwsClients.create(
        new AwsSettings(
            "us-east-1",
            Optional.of(kms.endpoint()),
            Optional.of(new AwsSettings.StaticCredentials(SOURCE_KEY, SOURCE_SECRET)),
            "spire-aws-kms-keymanager/test",
            Optional.of(stsEndpoint),
            false,
            List.of(
                new AssumedRole(FIRST, Optional.empty(), HOUR),
                new AssumedRole(SECOND, Optional.of(EXTERNAL_ID), HOUR)),
            "spire-server-test"),
        clock);
  }

  @AfterEach
  void stop() throws Exception {
    if (clients != null) {
      clients.close();
    }
    if (kms != null) {
      kms.close();
    }
    if (sts != null) {
      sts.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private List<AssumedRoleHop> hops() {
    return clients.credentials().hops();
  }

  private String keyOf(int hop) {
    return hops().get(hop - 1).resolveCredentials().accessKeyId();
  }

  @Test
  void configureAssumesEachHopOnceAndKmsCallsAreSignedWithTheLastHop() {
    String caller = clients.proveIdentity();

    assertTrue(caller.endsWith(":assumed-role/second/spire-server-test"), caller);
    List<StsProxy.Request> calls = sts.requests();
    assertEquals(
        List.of("AssumeRole", "AssumeRole", "GetCallerIdentity"),
        calls.stream().map(StsProxy.Request::action).toList());
    assertEquals(FIRST, calls.get(0).params().get("RoleArn"));
    assertFalse(calls.get(0).params().containsKey("ExternalId"));
    assertEquals(SOURCE_KEY, calls.get(0).accessKeyId());
    assertEquals(SECOND, calls.get(1).params().get("RoleArn"));
    assertEquals(EXTERNAL_ID, calls.get(1).params().get("ExternalId"));
    assertEquals("spire-server-test", calls.get(1).params().get("RoleSessionName"));
    assertEquals(keyOf(1), calls.get(1).accessKeyId());
    assertEquals(keyOf(2), calls.get(2).accessKeyId());
    assertNotEquals(keyOf(1), keyOf(2));

    clients.kms().listAliases();
    List<String> signers = kms.signingAccessKeyIds();
    assertEquals(keyOf(2), signers.get(signers.size() - 1));
    assertFalse(signers.contains(SOURCE_KEY));
  }

  @Test
  void sessionsAreRenewedBeforeExpiryWhileSigningGoesOnAndRecoverAfterAnStsOutage()
      throws Exception {
    // Straight to moto, whose restart on the same port stands for an STS outage.
    clients.close();
    clients = clients(moto.endpoint());
    CapturedLog log = new CapturedLog();
    clients.proveIdentity();
    String keyId = createKey();
    CredentialRefresher refresher = CredentialRefresher.start(hops(), scheduler, clock, log);
    String firstSession = keyOf(2);
    Instant firstExpiry = hops().get(1).expiration().orElseThrow();

    // An hour's session is renewed a quarter of an hour before it expires; signing never stops.
    for (int minute = 0; minute < 50; minute++) {
      scheduler.advance(Duration.ofMinutes(1));
      sign(keyId);
    }
    assertEquals(
        2,
        log.withMessage("Role credentials renewed").size(),
        "one renewal per hop: " + log.lines());
    assertNotEquals(firstSession, keyOf(2));
    assertTrue(hops().get(1).expiration().orElseThrow().isAfter(firstExpiry));
    List<String> signers = kms.signingAccessKeyIds();
    assertEquals(
        keyOf(2), signers.get(signers.size() - 1), "KMS was not signed with the renewed session");

    // STS goes away: the sessions still valid keep signing; once they expire, calls are
    // unavailable and name the hop.
    int port = moto.port();
    moto.close();
    Instant expiry = hops().get(1).expiration().orElseThrow();
    while (clock.instant().isBefore(expiry.minusSeconds(60))) {
      scheduler.advance(Duration.ofMinutes(1));
      sign(keyId);
    }
    assertEquals(2, log.withMessage(WARN).size(), "one warning per hop: " + log.lines());
    assertEquals(2, log.atLeast(Level.ERROR).size(), "one error per hop: " + log.lines());
    scheduler.advance(Duration.ofMinutes(2));
    KmsCallException unavailable = assertThrows(KmsCallException.class, () -> sign(keyId));
    assertEquals(KmsCallException.Kind.UNAVAILABLE, unavailable.kind());
    assertTrue(
        unavailable.getMessage().contains("role hop 2 of 2 (" + SECOND + ")"),
        unavailable.getMessage());
    assertEquals(
        KeyStoreException.Kind.UNAVAILABLE,
        KeyStoreException.fromCall("failed to sign", unavailable).kind());
    assertEquals(2, log.withMessage(WARN).size(), "warned again in the same streak");

    // STS answers again: both hops recover by themselves within a retry or two.
    moto = MotoServer.start(temp, port);
    scheduler.advance(Duration.ofMinutes(3));
    sign(keyId);
    assertEquals(
        2,
        log.withMessage("Role credentials renewed after failures").size(),
        log.lines().toString());
    refresher.close();
  }

  @Test
  void aDeniedHopFailsNamingTheHopAndRoleWithoutShowingSecrets() {
    sts.deny(SECOND);

    KmsCallException denied = assertThrows(KmsCallException.class, clients::proveIdentity);

    assertEquals(KmsCallException.Kind.ACCESS_DENIED, denied.kind());
    String message = denied.getMessage();
    assertTrue(
        message.startsWith("role hop 2 of 2 (" + SECOND + "): access denied to sts:AssumeRole"),
        message);
    assertTrue(
        message.contains("trust policy lets role hop 1 call sts:AssumeRole with this external id"),
        message);
    assertFalse(message.contains(SOURCE_SECRET) || message.contains(EXTERNAL_ID), message);
    assertEquals(
        1,
        sts.requests("AssumeRole").stream()
            .filter(r -> r.params().get("RoleArn").equals(SECOND))
            .count());
  }

  @Test
  void anUnreachableStsFailsTheFirstHopAsUnavailable() throws Exception {
    sts.setDown(true);

    KmsCallException down = assertThrows(KmsCallException.class, clients::proveIdentity);

    assertEquals(KmsCallException.Kind.UNAVAILABLE, down.kind());
    assertTrue(
        down.getMessage().startsWith("role hop 1 of 2 (" + FIRST + "): "), down.getMessage());
    assertTrue(
        down.getMessage().contains("set sts_endpoint to an STS VPC endpoint"), down.getMessage());
  }

  private String createKey() {
    return clients
        .kms()
        .createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
        .keyMetadata()
        .arn();
  }

  /** A SignData's KMS call, as the key store makes it. */
  private void sign(String keyId) {
    AwsCalls.call(
        "kms:Sign",
        () ->
            clients
                .kms()
                .sign(
                    r ->
                        r.keyId(keyId)
                            .message(SdkBytes.fromByteArray(new byte[32]))
                            .messageType(MessageType.DIGEST)
                            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
  }
}
