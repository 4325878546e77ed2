package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.InvalidParameterException;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceGroupsTaggingApiException;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/** GetResources served over HTTP to the SDK's own Resource Groups Tagging API client. */
class LocalKmsServerTaggingTest {
  private final KmsModel model = Fixtures.model(Fixtures.clock());
  private LocalKmsServer server;
  private KmsClient kms;
  private ResourceGroupsTaggingApiClient tagging;

  @BeforeEach
  void start() throws Exception {
    server = LocalKmsServer.start(model, 0);
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    kms =
        KmsClient.builder()
            .endpointOverride(server.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    tagging =
        ResourceGroupsTaggingApiClient.builder()
            .endpointOverride(server.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
            .build();
  }

  @AfterEach
  void stop() {
    tagging.close();
    kms.close();
    server.close();
  }

  private String key(String keyId) {
    return kms.createKey(
            b ->
                b.keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .tags(
                        Tag.builder().tagKey("spire-server-td").tagValue("example.org").build(),
                        Tag.builder().tagKey("spire-active").tagValue("true").build(),
                        Tag.builder().tagKey("spire-key-id").tagValue(keyId).build()))
        .keyMetadata()
        .arn();
  }

  @Test
  void theSdksPaginatorWalksEveryPage() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(key("key-" + i));
    }
    made.sort(String::compareTo);
    List<String> listed = new ArrayList<>();
    tagging
        .getResourcesPaginator(
            GetResourcesRequest.builder()
                .resourceTypeFilters("kms:key")
                .tagFilters(
                    TagFilter.builder().key("spire-server-td").values("example.org").build(),
                    TagFilter.builder().key("spire-active").values("true").build())
                .resourcesPerPage(2)
                .build())
        .resourceTagMappingList()
        .forEach(m -> listed.add(m.resourceARN()));
    assertEquals(made, listed);
    assertEquals(3, model.callCount(KmsOperations.GET_RESOURCES));
  }

  @Test
  void tagsArriveAsKeyAndValue() {
    String arn = key("x509-CA-A");
    ResourceTagMapping mapping =
        tagging
            .getResources(
                b ->
                    b.tagFilters(
                        TagFilter.builder().key("spire-key-id").values("x509-CA-A").build()))
            .resourceTagMappingList()
            .get(0);
    assertEquals(arn, mapping.resourceARN());
    Map<String, String> tags =
        mapping.tags().stream()
            .collect(
                Collectors.toMap(
                    software.amazon.awssdk.services.resourcegroupstaggingapi.model.Tag::key,
                    software.amazon.awssdk.services.resourcegroupstaggingapi.model.Tag::value));
    assertEquals("x509-CA-A", tags.get("spire-key-id"));
    assertEquals(3, tags.size());
  }

  @Test
  void errorsArriveAsTheSdksModeledExceptions() {
    assertThrows(
        InvalidParameterException.class, () -> tagging.getResources(b -> b.resourcesPerPage(500)));
    model.faults().failNext(KmsOperations.GET_RESOURCES, 1, Fault.accessDenied());
    ResourceGroupsTaggingApiException denied =
        assertThrows(ResourceGroupsTaggingApiException.class, () -> tagging.getResources(b -> {}));
    assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
    assertTrue(denied.awsErrorDetails().errorMessage().contains("tag:GetResources"));
  }
}
