package dev.spirekms.aws;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach AWS.
 *
 * @param region the KMS and STS region
 * @param kmsEndpoint a KMS endpoint to use instead of the regional one (VPC, FIPS, local)
 * @param staticCredentials access key id and secret key, when the operator configured them
 * @param userAgent product token sent with every request, e.g. {@code spire-aws-kms-keymanager/1.0}
 * @param stsEndpoint an STS endpoint to use instead of the regional one (VPC, local)
 * @param fips whether to use the FIPS endpoints of KMS and STS
 * @param roleChain roles to assume in order, the first with the source credentials; may be empty
 * @param sessionName the role session name for every hop
 * @param taggingEndpoint a Resource Groups Tagging API endpoint to use instead of the regional one
 *     (VPC, local); without it the SDK reads {@code AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API}
 */
public record AwsSettings(
    String region,
    Optional<URI> kmsEndpoint,
    Optional<StaticCredentials> staticCredentials,
    String userAgent,
    Optional<URI> stsEndpoint,
    boolean fips,
    List<AssumedRole> roleChain,
    String sessionName,
    Optional<URI> taggingEndpoint) {

  /** Whole call, retries included; well under SPIRE's 30 s KeyManager RPC deadline. */
  public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(20);

  /** One attempt. */
  public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(6);

  /**
   * One attempt of kms:CreateKey: the whole call's budget. CreateKey is not idempotent: a retry
   * after an attempt timed out makes a second key while the first may exist already, with no alias
   * (the orphan key sweep finds it only days later). An attempt that waits longer makes no second
   * key; throttling and other answers that come back still get their retries.
   */
  public static final Duration CREATE_KEY_ATTEMPT_TIMEOUT = API_CALL_TIMEOUT;

  /** Attempts per call, the first included (SDK standard retry mode). */
  public static final int MAX_ATTEMPTS = 3;

  public AwsSettings {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(kmsEndpoint, "kmsEndpoint");
    Objects.requireNonNull(staticCredentials, "staticCredentials");
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(stsEndpoint, "stsEndpoint");
    roleChain = List.copyOf(roleChain);
    Objects.requireNonNull(sessionName, "sessionName");
    Objects.requireNonNull(taggingEndpoint, "taggingEndpoint");
  }

  /** Settings with the default tagging endpoint. */
  public AwsSettings(
      String region,
      Optional<URI> kmsEndpoint,
      Optional<StaticCredentials> staticCredentials,
      String userAgent,
      Optional<URI> stsEndpoint,
      boolean fips,
      List<AssumedRole> roleChain,
      String sessionName) {
    this(
        region,
        kmsEndpoint,
        staticCredentials,
        userAgent,
        stsEndpoint,
        fips,
        roleChain,
        sessionName,
        Optional.empty());
  }

  /** Settings with no role chain, default STS endpoint and no FIPS. */
  public AwsSettings(
      String region,
      Optional<URI> kmsEndpoint,
      Optional<StaticCredentials> staticCredentials,
      String userAgent) {
    this(region, kmsEndpoint, staticCredentials, userAgent, Optional.empty(), false, List.of(), "");
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
