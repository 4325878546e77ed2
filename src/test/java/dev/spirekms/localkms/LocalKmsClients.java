package dev.spirekms.localkms;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/** SDK clients for a {@link LocalKmsServer}: its endpoint, a region, and test credentials. */
public final class LocalKmsClients {
  private LocalKmsClients() {}

  /** A KMS client builder for the server in {@code region}, for further settings. */
  public static KmsClientBuilder builder(LocalKmsServer server, Region region) {
    return KmsClient.builder()
        .endpointOverride(server.endpoint())
        .region(region)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create());
  }

  /** A KMS client for the server in {@code region}. */
  public static KmsClient kms(LocalKmsServer server, Region region) {
    return builder(server, region).build();
  }
}
