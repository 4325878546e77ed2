package dev.spirekms.bench;

import dev.spirekms.aws.AwsSettings;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;

/**
 * One timed start of a KMS client with one HTTP client, for {@code src/bench/http-client.sh}: the
 * time from the launch of this JVM to a built {@link KmsClient}, then to the answer of its first
 * call (ListAliases) to a local KMS. Prints one line:
 *
 * <pre>client=url-connection-client built_ms=412.3 first_response_ms=188.0</pre>
 *
 * <p>Usage: {@code HttpClientStartup <url-connection-client|apache-client> <endpoint>
 * <launch-epoch-micros>}, where the last argument is the wall-clock time just before the JVM was
 * started. Not a unit test: it runs only when the script starts it.
 */
public final class HttpClientStartup {
  private HttpClientStartup() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println(
          "usage: HttpClientStartup <url-connection-client|apache-client> <endpoint>"
              + " <launch-epoch-micros>");
      System.exit(2);
    }
    String name = args[0];
    URI endpoint = URI.create(args[1]);
    long launchMicros = Long.parseLong(args[2]);

    SdkHttpClient http = httpClient(name);
    KmsClient kms =
        KmsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(endpoint)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
            .httpClient(http)
            // the time limits the plugin sets: the SDK then times each call on a thread of its own
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallTimeout(AwsSettings.API_CALL_TIMEOUT)
                    .apiCallAttemptTimeout(AwsSettings.ATTEMPT_TIMEOUT)
                    .build())
            .build();
    long builtMicros = epochMicros(Instant.now());

    ListAliasesResponse response = kms.listAliases(b -> b.limit(10));
    long answeredMicros = epochMicros(Instant.now());
    if (response.aliases() == null) {
      throw new IllegalStateException("ListAliases answered without an alias list");
    }
    kms.close();
    http.close();

    System.out.println(
        String.format(
            Locale.ROOT,
            "client=%s built_ms=%.1f first_response_ms=%.1f",
            name,
            (builtMicros - launchMicros) / 1000.0,
            (answeredMicros - builtMicros) / 1000.0));
  }

  /** Built as the plugin builds its client: connection and socket time limits only. */
  private static SdkHttpClient httpClient(String name) {
    Duration connect = Duration.ofSeconds(3);
    return switch (name) {
      case "url-connection-client" ->
          UrlConnectionHttpClient.builder()
              .connectionTimeout(connect)
              .socketTimeout(AwsSettings.ATTEMPT_TIMEOUT)
              .build();
      case "apache-client" ->
          ApacheHttpClient.builder()
              .connectionTimeout(connect)
              .socketTimeout(AwsSettings.ATTEMPT_TIMEOUT)
              .build();
      default -> throw new IllegalArgumentException("unknown HTTP client " + name);
    };
  }

  private static long epochMicros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000L;
  }
}
