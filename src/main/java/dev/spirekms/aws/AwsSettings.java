package dev.spirekms.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach AWS.
 *
 * @param region the KMS and STS region
 * @param kmsEndpoint a KMS endpoint to use instead of the regional one (VPC, FIPS, local)
 * @param staticCredentials access key id and secret key, when the operator configured them
 * @param userAgent product token sent with every request, e.g. {@code spire-aws-kms-keymanager/1.0}
 */
public record AwsSettings(
    String region,
    Optional<URI> kmsEndpoint,
    Optional<StaticCredentials> staticCredentials,
    String userAgent) {

  /** Whole call, retries included; well under SPIRE's 30 s KeyManager RPC deadline. */
  public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(20);

  /** One attempt. */
  public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(6);

  /** Attempts per call, the first included (SDK standard retry mode). */
  public static final int MAX_ATTEMPTS = 3;

  public AwsSettings {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(kmsEndpoint, "kmsEndpoint");
    Objects.requireNonNull(staticCredentials, "staticCredentials");
    Objects.requireNonNull(userAgent, "userAgent");
  }

  /**
   * A static key pair. {@link #toString()} never shows the secret.
   *
   * @param accessKeyId the access key id
   * @param secretAccessKey the secret access key
   */
  public record StaticCredentials(String accessKeyId, String secretAccessKey) {
    @Override
    public String toString() {
      return "StaticCredentials[redacted]";
    }
  }
}
