package dev.spirekms.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

class AssumedRoleHopTest {
  private static final String ROLE = "arn:aws:iam::111122223333:role/spire";
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** An STS whose AssumeRole answers with {@code answer}, recording each request. */
  private static final class Sts implements StsClient {
    final List<AssumeRoleRequest> requests = new ArrayList<>();
    Function<AssumeRoleRequest, AssumeRoleResponse> answer;

    @Override
    public AssumeRoleResponse assumeRole(AssumeRoleRequest request) {
      requests.add(request);
      return answer.apply(request);
    }

    @Override
    public String serviceName() {
      return "sts";
    }

    @Override
    public void close() {}
  }

  private static AssumeRoleResponse issued(Instant expiration, String date) {
    SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(200);
    if (date != null) {
      http.putHeader("Date", date);
    }
    return (AssumeRoleResponse)
        AssumeRoleResponse.builder()
            .credentials(
                Credentials.builder()
                    .accessKeyId("ASIATEMPORARY")
                    .secretAccessKey("temporary-secret")
                    .sessionToken("token")
                    .expiration(expiration)
                    .build())
            .sdkHttpResponse(http.build())
            .build();
  }

  private static AssumedRoleHop hop(Sts sts, Optional<String> externalId, Duration duration) {
    return new AssumedRoleHop(
        1, 2, new AssumedRole(ROLE, externalId, duration), "spire-server-x", sts, CLOCK);
  }

  @Test
  void sessionLifetimeIsCountedFromStsDateOnTheLocalClock() {
    Sts sts = new Sts();
    // STS's clock is 10 minutes behind ours: its session still has an hour to run.
    Instant stsNow = NOW.minus(Duration.ofMinutes(10));
    sts.answer =
        r ->
            issued(
                stsNow.plus(Duration.ofHours(1)),
                DateTimeFormatter.RFC_1123_DATE_TIME.format(stsNow.atOffset(ZoneOffset.UTC)));
    AssumedRoleHop hop = hop(sts, Optional.of("ext"), Duration.ofHours(1));

    hop.assume();

    assertEquals(Optional.of(NOW.plus(Duration.ofHours(1))), hop.expiration());
    assertEquals(NOW.plus(Duration.ofMinutes(45)), hop.refreshAt());
    assertEquals("ASIATEMPORARY", hop.resolveCredentials().accessKeyId());
    AssumeRoleRequest sent = sts.requests.get(0);
    assertEquals(ROLE, sent.roleArn());
    assertEquals("ext", sent.externalId());
    assertEquals("spire-server-x", sent.roleSessionName());
    assertEquals(3600, sent.durationSeconds());
  }

  @Test
  void withoutAUsableDateStsExpirationIsTakenAsItIs() {
    Sts sts = new Sts();
    Instant expiration = NOW.plus(Duration.ofMinutes(15));
    sts.answer = r -> issued(expiration, "not a date");
    AssumedRoleHop hop = hop(sts, Optional.empty(), Duration.ofMinutes(15));

    hop.assume();

    assertEquals(Optional.of(expiration), hop.expiration());
    // a quarter of 15 minutes is under the 5-minute minimum lead
    assertEquals(expiration.minus(Duration.ofMinutes(5)), hop.refreshAt());
    assertEquals(null, sts.requests.get(0).externalId());
  }

  @Test
  void noSessionMeansUnavailableCredentialsNamingTheHop() {
    AssumedRoleHop hop = hop(new Sts(), Optional.empty(), Duration.ofHours(1));

    CredentialsUnavailableException missing =
        assertThrows(CredentialsUnavailableException.class, hop::resolveCredentials);

    assertEquals(
        "no valid credentials for role hop 1 of 2 (" + ROLE + "): it was never assumed",
        missing.getMessage());
    assertEquals(NOW, hop.refreshAt());
    assertFalse(hop.hasValidSession());
  }

  @Test
  void anExpiredSessionNamesTheLastRenewalFailure() {
    Sts sts = new Sts();
    sts.answer = r -> issued(NOW.minusSeconds(1), null);
    AssumedRoleHop hop = hop(sts, Optional.empty(), Duration.ofHours(1));
    hop.assume();
    sts.answer =
        r -> {
          throw AwsServiceException.builder()
              .statusCode(403)
              .awsErrorDetails(
                  AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("no").build())
              .build();
        };

    KmsCallException denied = assertThrows(KmsCallException.class, hop::assume);
    CredentialsUnavailableException expired =
        assertThrows(CredentialsUnavailableException.class, hop::resolveCredentials);

    assertEquals(KmsCallException.Kind.ACCESS_DENIED, denied.kind());
    assertEquals(
        "role hop 1 of 2 ("
            + ROLE
            + "): access denied to sts:AssumeRole: AccessDenied: no; check that the role's trust"
            + " policy lets the source credentials' identity call sts:AssumeRole, and that the"
            + " source credentials' identity may assume the role",
        denied.getMessage());
    assertTrue(
        expired
            .getMessage()
            .endsWith(
                "its session expired at "
                    + NOW.minusSeconds(1)
                    + ", and renewing it failed: access denied to sts:AssumeRole: AccessDenied: no"),
        expired.getMessage());
    KmsCallException unsigned =
        AwsCalls.translate(
            "kms:Sign",
            software.amazon.awssdk.core.exception.SdkClientException.builder()
                .cause(expired)
                .build());
    assertEquals(KmsCallException.Kind.UNAVAILABLE, unsigned.kind());
    assertTrue(unsigned.getMessage().startsWith("kms:Sign was not sent: no valid credentials"));
  }

  @Test
  void aRefusedSessionLengthOnTheFirstHopExplainsTheChainingCap() {
    Sts sts = new Sts();
    sts.answer =
        r -> {
          throw AwsServiceException.builder()
              .statusCode(400)
              .awsErrorDetails(
                  AwsErrorDetails.builder()
                      .errorCode("ValidationError")
                      .errorMessage(
                          "The requested DurationSeconds exceeds the 1 hour session limit for"
                              + " roles assumed by role chaining.")
                      .build())
              .build();
        };
    AssumedRoleHop hop = hop(sts, Optional.empty(), Duration.ofHours(2));

    KmsCallException refused = assertThrows(KmsCallException.class, hop::assume);

    assertTrue(
        refused.getMessage().endsWith("set assume_role_duration to 1h or less, or raise the role's"
            + " maximum session duration"),
        refused.getMessage());
  }

  @Test
  void credentialSourcesAreNamedByTheSdkFeatureNames() {
    assertEquals("env_vars", AwsClients.describeSource("g"));
    assertEquals("env_vars,unknown-code", AwsClients.describeSource("g, unknown-code"));
    assertEquals("imds", AwsClients.describeSource("0"));
  }
}
