package dev.spirekms.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds the SDK clients: one region, bounded retries and timeouts, our user agent on every
 * request, and the JDK's URL-connection HTTP client, which starts fastest and adds no jars.
 */
public final class AwsClients implements AutoCloseable {
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final KmsClient kms;
  private final StsClient sts;

  private AwsClients(AwsSettings settings) {
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(java.time.Duration.ofSeconds(3))
            .socketTimeout(AwsSettings.ATTEMPT_TIMEOUT)
            .build();
    this.credentials =
        settings
            .staticCredentials()
            .<AwsCredentialsProvider>map(
                c ->
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    Region region = Region.of(settings.region());
    ClientOverrideConfiguration overrides = overrides(settings.userAgent());
    var kmsBuilder =
        KmsClient.builder()
            .region(region)
            .httpClient(http)
            .credentialsProvider(credentials)
            .overrideConfiguration(overrides);
    settings.kmsEndpoint().ifPresent(kmsBuilder::endpointOverride);
    this.kms = kmsBuilder.build();
    this.sts =
        StsClient.builder()
            .region(region)
            .httpClient(http)
            .credentialsProvider(credentials)
            .overrideConfiguration(overrides)
            .build();
  }

  public static AwsClients create(AwsSettings settings) {
    return new AwsClients(settings);
  }

  static ClientOverrideConfiguration overrides(String userAgent) {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(AwsSettings.MAX_ATTEMPTS)
                .build())
        .apiCallTimeout(AwsSettings.API_CALL_TIMEOUT)
        .apiCallAttemptTimeout(AwsSettings.ATTEMPT_TIMEOUT)
        // shows up in CloudTrail's userAgent, so operators can find this plugin's calls
        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, userAgent)
        .build();
  }

  public KmsClient kms() {
    return kms;
  }

  public StsClient sts() {
    return sts;
  }

  @Override
  public void close() {
    kms.close();
    sts.close();
    http.close();
    if (credentials instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // nothing to release beyond threads the provider stops itself
      }
    }
  }
}
