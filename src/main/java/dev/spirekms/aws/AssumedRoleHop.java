package dev.spirekms.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * One hop of a role chain: temporary credentials from {@code sts:AssumeRole}, asked for with the
 * previous hop's credentials (or the source credentials, for the first hop).
 *
 * <p>It only holds and renews a session when told to ({@link #assume()}); when to renew is decided
 * by the caller, on its own scheduler. {@link #resolveCredentials()} never calls STS, so signing
 * never waits for it: it answers the current session while it is valid, and otherwise fails with
 * {@link CredentialsUnavailableException} naming the hop and the last refresh failure.
 */
public final class AssumedRoleHop implements AwsCredentialsProvider {
  /** Renew at least this long before the session expires. */
  static final Duration MIN_REFRESH_LEAD = Duration.ofMinutes(5);

  private final int number;
  private final int hopCount;
  private final AssumedRole role;
  private final String sessionName;
  private final StsClient sts;
  private final Clock clock;
  private final AtomicReference<Session> session = new AtomicReference<>();
  private volatile String lastFailure;

  private record Session(AwsSessionCredentials credentials, Instant expiration) {}

  AssumedRoleHop(
      int number, int hopCount, AssumedRole role, String sessionName, StsClient sts, Clock clock) {
    this.number = number;
    this.hopCount = hopCount;
    this.role = role;
    this.sessionName = sessionName;
    this.sts = sts;
    this.clock = clock;
  }

  /** This hop's position in the chain, from 1. */
  public int number() {
    return number;
  }

  public String roleArn() {
    return role.roleArn();
  }

  /** How the hop is named in messages, e.g. {@code role hop 2 of 2 (arn:aws:iam::…:role/x)}. */
  public String describe() {
    return String.format(AwsMessages.ROLE_HOP, number, hopCount, role.roleArn());
  }

  /**
   * Asks STS for a new session and keeps it.
   *
   * @throws KmsCallException when STS refuses or cannot be reached; the message names the hop, the
   *     role and the likely fix, and the current session (if any) is kept
   */
  public void assume() {
    AssumeRoleRequest.Builder request =
        AssumeRoleRequest.builder()
            .roleArn(role.roleArn())
            .roleSessionName(sessionName)
            .durationSeconds(Math.toIntExact(role.duration().toSeconds()));
    role.externalId().ifPresent(request::externalId);
    AssumeRoleResponse response;
    try {
      response = AwsCalls.call("sts:AssumeRole", () -> sts.assumeRole(request.build()));
    } catch (KmsCallException e) {
      String message =
          describe()
              + ": "
              + e.getMessage()
              + (e.getMessage().contains("DurationSeconds") ? durationHint() : hint(e.kind()));
      lastFailure = e.getMessage();
      throw new KmsCallException(
          e.kind(), e.action(), e.errorCode().orElse(null), e.requestId().orElse(null), message, e);
    }
    Credentials issued = response.credentials();
    Instant expiration = localExpiration(response, issued.expiration());
    AwsSessionCredentials credentials =
        AwsSessionCredentials.builder()
            .accessKeyId(issued.accessKeyId())
            .secretAccessKey(issued.secretAccessKey())
            .sessionToken(issued.sessionToken())
            .expirationTime(issued.expiration())
            .providerName("AssumeRole")
            .build();
    session.set(new Session(credentials, expiration));
    lastFailure = null;
  }

  /**
   * The session's expiry on this hop's clock: STS's {@code Expiration} less the {@code Date} of its
   * answer is the session's lifetime, counted from now. A host clock that is off from STS's then
   * neither renews late nor takes a fresh session for an expired one. Without a usable {@code
   * Date}, STS's {@code Expiration} as it is.
   */
  private Instant localExpiration(AssumeRoleResponse response, Instant stsExpiration) {
    Optional<Instant> answeredAt =
        response.sdkHttpResponse().firstMatchingHeader("Date").flatMap(AssumedRoleHop::httpDate);
    if (answeredAt.isEmpty() || !stsExpiration.isAfter(answeredAt.get())) {
      return stsExpiration;
    }
    return clock.instant().plus(Duration.between(answeredAt.get(), stsExpiration));
  }

  private static Optional<Instant> httpDate(String value) {
    try {
      return Optional.of(
          ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** STS refused the session length: a chained session (from a role's credentials) caps at 1h. */
  private String durationHint() {
    return number == 1 ? AwsMessages.HINT_FIRST_HOP_DURATION : AwsMessages.HINT_CHAINED_DURATION;
  }

  private String hint(KmsCallException.Kind kind) {
    String caller = number == 1 ? "the source credentials' identity" : "role hop " + (number - 1);
    return switch (kind) {
      case ACCESS_DENIED ->
          String.format(
              AwsMessages.HINT_TRUST_POLICY,
              caller,
              role.externalId().isPresent() ? AwsMessages.HINT_WITH_EXTERNAL_ID : "",
              caller);
      case UNAVAILABLE, THROTTLED -> AwsMessages.HINT_STS_UNREACHABLE;
      default -> "";
    };
  }

  /** When the current session expires; empty before the first {@link #assume()}. */
  public Optional<Instant> expiration() {
    Session current = session.get();
    return current == null ? Optional.empty() : Optional.of(current.expiration());
  }

  /**
   * When to renew: a quarter of the session duration before it expires, and at least {@link
   * #MIN_REFRESH_LEAD} before; now, when there is no session.
   */
  public Instant refreshAt() {
    Session current = session.get();
    if (current == null) {
      return clock.instant();
    }
    Duration quarter = role.duration().dividedBy(4);
    Duration lead = quarter.compareTo(MIN_REFRESH_LEAD) > 0 ? quarter : MIN_REFRESH_LEAD;
    return current.expiration().minus(lead);
  }

  /** Whether the current session is still valid at the clock's time. */
  public boolean hasValidSession() {
    Session current = session.get();
    return current != null && clock.instant().isBefore(current.expiration());
  }

  @Override
  public AwsCredentials resolveCredentials() {
    Session current = session.get();
    if (current != null && clock.instant().isBefore(current.expiration())) {
      return current.credentials();
    }
    String failure = lastFailure;
    String renewal = failure == null ? "" : String.format(AwsMessages.RENEWING_FAILED, failure);
    throw new CredentialsUnavailableException(
        current == null
            ? String.format(AwsMessages.NEVER_ASSUMED, describe(), renewal)
            : String.format(
                AwsMessages.SESSION_EXPIRED, describe(), current.expiration(), renewal));
  }

  @Override
  public String toString() {
    return describe();
  }
}
