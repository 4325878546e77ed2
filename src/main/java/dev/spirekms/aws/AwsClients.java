package dev.spirekms.aws;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.useragent.BusinessMetricFeatureId;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.utils.Lazy;

/**
 * Builds the SDK clients: one region, bounded retries and timeouts, our user agent on every
 * request, and the JDK's URL-connection HTTP client, which starts fastest and adds no jars.
 */
public final class AwsClients implements AutoCloseable {
  private final SdkHttpClient http;
  private final AwsCredentialsProvider source;
  private final RoleChainCredentials chain;
  private final KmsClient kms;
  // built at first use: a client's first build costs 0.1 to 0.5 s of Configure
  // (docs/performance.md)
  private final Lazy<StsClient> sts;
  private final Lazy<ResourceGroupsTaggingApiClient> tagging;
  // the KMS clients' overrides: the rate limit, when there is one, is shared by every region's
  private final ClientOverrideConfiguration kmsOverrides;
  private final boolean fips;
  private final Map<String, KmsClient> replicaKms = new LinkedHashMap<>();

  private AwsClients(AwsSettings settings, Clock clock, Optional<ControlPlaneRateLimit> limit) {
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(java.time.Duration.ofSeconds(3))
            // the longest attempt (CreateKey's); the SDK's attempt timeout cuts the others
            .socketTimeout(AwsSettings.CREATE_KEY_ATTEMPT_TIMEOUT)
            .build();
    this.source =
        settings
            .staticCredentials()
            .<AwsCredentialsProvider>map(
                c ->
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    Region region = Region.of(settings.region());
    ClientOverrideConfiguration overrides = overrides(settings.userAgent());
    this.kmsOverrides =
        limit.map(l -> overrides.toBuilder().addExecutionInterceptor(l).build()).orElse(overrides);
    this.fips = settings.fips();
    this.chain =
        RoleChainCredentials.build(
            source,
            settings.roleChain(),
            settings.sessionName(),
            credentials -> sts(settings, region, overrides, credentials),
            clock);
    var kmsBuilder =
        KmsClient.builder()
            .region(region)
            .httpClient(http)
            .credentialsProvider(chain.provider())
            .overrideConfiguration(kmsOverrides);
    settings.kmsEndpoint().ifPresent(kmsBuilder::endpointOverride);
    if (settings.fips()) {
      kmsBuilder.fipsEnabled(true);
    }
    this.kms = kmsBuilder.build();
    this.sts = new Lazy<>(() -> sts(settings, region, overrides, chain.provider()));
    // no FIPS variant: the tagging API carries no key material, and has FIPS endpoints in few
    // regions
    this.tagging =
        new Lazy<>(
            () -> {
              var taggingBuilder =
                  ResourceGroupsTaggingApiClient.builder()
                      .region(region)
                      .httpClient(http)
                      .credentialsProvider(chain.provider())
                      .overrideConfiguration(overrides);
              settings.taggingEndpoint().ifPresent(taggingBuilder::endpointOverride);
              return taggingBuilder.build();
            });
  }

  /** An STS client in the configured region (its regional endpoint), signed with {@code creds}. */
  private StsClient sts(
      AwsSettings settings,
      Region region,
      ClientOverrideConfiguration overrides,
      AwsCredentialsProvider creds) {
    var builder =
        StsClient.builder()
            .region(region)
            .httpClient(http)
            .credentialsProvider(creds)
            .overrideConfiguration(overrides);
    settings.stsEndpoint().ifPresent(builder::endpointOverride);
    if (settings.fips()) {
      builder.fipsEnabled(true);
    }
    return builder.build();
  }

  public static AwsClients create(AwsSettings settings) {
    return new AwsClients(settings, Clock.systemUTC(), Optional.empty());
  }

  /** Clients whose KMS calls other than Sign keep to {@code limit}, when there is one. */
  public static AwsClients create(AwsSettings settings, Optional<ControlPlaneRateLimit> limit) {
    return new AwsClients(settings, Clock.systemUTC(), limit);
  }

  /** Clients whose role sessions are judged valid or expired by {@code clock}. */
  public static AwsClients create(AwsSettings settings, Clock clock) {
    return new AwsClients(settings, clock, Optional.empty());
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

  /**
   * A KMS client for a replica region, signed as the home region's client is and with the same
   * retries, timeouts and user agent: at {@code endpoint}, else the region's standard endpoint (or
   * the SDK's {@code AWS_ENDPOINT_URL_KMS}). Made once per region; closed with these clients.
   */
  public synchronized KmsClient kmsIn(String region, Optional<URI> endpoint) {
    return replicaKms.computeIfAbsent(
        region,
        name -> {
          var builder =
              KmsClient.builder()
                  .region(Region.of(name))
                  .httpClient(http)
                  .credentialsProvider(chain.provider())
                  .overrideConfiguration(kmsOverrides);
          endpoint.ifPresent(builder::endpointOverride);
          if (fips && endpoint.isEmpty()) {
            builder.fipsEnabled(true);
          }
          return builder.build();
        });
  }

  /** The Resource Groups Tagging API, signed as KMS calls are; used in tag mode only. */
  public ResourceGroupsTaggingApiClient tagging() {
    return tagging.getValue();
  }

  /** STS signed with the credentials KMS calls use (the last hop of the role chain, if any). */
  public StsClient sts() {
    return sts.getValue();
  }

  /** The source credentials and the role chain. */
  public RoleChainCredentials credentials() {
    return chain;
  }

  /**
   * Proves the credentials work before the first KMS call: assumes every hop once, then asks STS
   * who the plugin now is. Returns that caller ARN.
   *
   * @throws KmsCallException naming the hop that failed, or the {@code sts:GetCallerIdentity} call
   */
  public String proveIdentity() {
    chain.assumeAll();
    return AwsCalls.call("sts:GetCallerIdentity", () -> sts().getCallerIdentity().arn());
  }

  /**
   * Which provider of the source chain answered, e.g. {@code
   * WebIdentityTokenFileCredentialsProvider}.
   */
  public Optional<String> sourceName() {
    try {
      return source.resolveCredentials().providerName().map(AwsClients::describeSource);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The SDK names a credential source by short feature codes (as it reports them in its user
   * agent), e.g. {@code g} for environment variables; this turns them into the feature names, e.g.
   * {@code env_vars}, or {@code env_vars_sts_web_id_token,sts_assume_role_web_id} for web identity.
   */
  static String describeSource(String providerName) {
    List<String> names = new ArrayList<>();
    for (String code : providerName.split(",")) {
      String name = code.strip();
      for (BusinessMetricFeatureId feature : BusinessMetricFeatureId.values()) {
        if (feature.value().equals(name) && feature.name().startsWith("CREDENTIALS_")) {
          name = feature.name().substring("CREDENTIALS_".length()).toLowerCase(Locale.ROOT);
          break;
        }
      }
      names.add(name);
    }
    return String.join(",", names);
  }

  @Override
  public void close() {
    kms.close();
    synchronized (this) {
      replicaKms.values().forEach(KmsClient::close);
    }
    // Lazy.close() would build a client first
    if (sts.hasValue()) {
      sts.getValue().close();
    }
    if (tagging.hasValue()) {
      tagging.getValue().close();
    }
    chain.close();
    http.close();
    if (source instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // nothing to release beyond threads the provider stops itself
      }
    }
  }
}
