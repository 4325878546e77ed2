package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagResourceRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesResponse;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.InvalidParameterException;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.PaginationTokenExpiredException;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * GetResources of the Resource Groups Tagging API over the model's keys, through the fake client.
 */
class KmsModelTaggingTest {
  private final SteppingClock clock = Fixtures.clock();
  private final KmsModel model = Fixtures.model(clock);
  private final FakeTaggingClient tagging = new FakeTaggingClient(model);

  private String key(Map<String, String> tags) {
    CreateKeyRequest.Builder request =
        CreateKeyRequest.builder()
            .keySpec(KeySpec.ECC_NIST_P256)
            .keyUsage(KeyUsageType.SIGN_VERIFY);
    if (!tags.isEmpty()) {
      request.tags(
          tags.entrySet().stream()
              .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build())
              .toList());
    }
    return model.createKey(request.build()).keyMetadata().arn();
  }

  private static TagFilter filter(String key, String... values) {
    return TagFilter.builder().key(key).values(values).build();
  }

  private List<String> arns(GetResourcesRequest request) {
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      GetResourcesResponse page =
          tagging.getResources(request.toBuilder().paginationToken(token).build());
      page.resourceTagMappingList().forEach(m -> arns.add(m.resourceARN()));
      token = page.paginationToken();
    } while (!token.isEmpty());
    return arns;
  }

  @Test
  void filtersAreAndedAndTheValuesOfOneFilterOred() {
    String a = key(Map.of("team", "a", "env", "prod"));
    String b = key(Map.of("team", "b", "env", "prod"));
    String c = key(Map.of("team", "c", "env", "dev"));
    key(Map.of());

    assertEquals(
        List.of(a),
        arns(
            GetResourcesRequest.builder()
                .tagFilters(filter("team", "a"), filter("env", "prod"))
                .build()));
    assertEquals(
        sorted(a, b),
        arns(GetResourcesRequest.builder().tagFilters(filter("team", "a", "b")).build()));
    // no values: any value of the key
    assertEquals(
        sorted(a, b, c), arns(GetResourcesRequest.builder().tagFilters(filter("env")).build()));
    assertEquals(
        List.of(), arns(GetResourcesRequest.builder().tagFilters(filter("team", "z")).build()));
  }

  @Test
  void untaggedKeysAreNeverListed() {
    String tagged = key(Map.of("x", "1"));
    key(Map.of());
    assertEquals(List.of(tagged), arns(GetResourcesRequest.builder().build()));
  }

  @Test
  void answersWithEachKeysTags() {
    String arn = key(Map.of("spire-active", "true", "spire-key-id", "x509-CA-A"));
    ResourceTagMapping mapping =
        tagging
            .getResources(b -> b.tagFilters(filter("spire-active", "true")))
            .resourceTagMappingList()
            .get(0);
    assertEquals(arn, mapping.resourceARN());
    assertEquals(
        Map.of("spire-active", "true", "spire-key-id", "x509-CA-A"),
        mapping.tags().stream()
            .collect(
                Collectors.toMap(
                    software.amazon.awssdk.services.resourcegroupstaggingapi.model.Tag::key,
                    software.amazon.awssdk.services.resourcegroupstaggingapi.model.Tag::value)));
  }

  @Test
  void seesTagsChangedByTagResource() {
    String arn = key(Map.of("spire-active", "true"));
    model.tagResource(
        TagResourceRequest.builder()
            .keyId(arn)
            .tags(Tag.builder().tagKey("spire-active").tagValue("false").build())
            .build());
    assertEquals(
        List.of(),
        arns(GetResourcesRequest.builder().tagFilters(filter("spire-active", "true")).build()));
  }

  @Test
  void resourceTypeFiltersSelectKmsKeysOnly() {
    String arn = key(Map.of("x", "1"));
    assertEquals(
        List.of(arn), arns(GetResourcesRequest.builder().resourceTypeFilters("kms:key").build()));
    assertEquals(
        List.of(arn), arns(GetResourcesRequest.builder().resourceTypeFilters("kms").build()));
    assertEquals(
        List.of(), arns(GetResourcesRequest.builder().resourceTypeFilters("s3:bucket").build()));
  }

  @Test
  void listsKeysPendingDeletionUntilTheyAreGone() {
    String arn = key(Map.of("x", "1"));
    model.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(arn).pendingWindowInDays(7).build());
    assertEquals(List.of(arn), arns(GetResourcesRequest.builder().build()));
    clock.advance(Duration.ofDays(8));
    assertEquals(List.of(), arns(GetResourcesRequest.builder().build()));
  }

  @Test
  void pagesWithoutGapsOrRepeats() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      all.add(key(Map.of("n", Integer.toString(i))));
    }
    all.sort(String::compareTo);
    GetResourcesResponse first = tagging.getResources(b -> b.resourcesPerPage(3));
    assertEquals(3, first.resourceTagMappingList().size());
    assertFalse(first.paginationToken().isEmpty());
    assertEquals(all, arns(GetResourcesRequest.builder().resourcesPerPage(3).build()));
    assertEquals(
        all.size() / 3 + 1,
        model.callCount(KmsOperations.GET_RESOURCES) - 1,
        "one call per page after the first probe");
  }

  @Test
  void theLastPageHasAnEmptyToken() {
    key(Map.of("x", "1"));
    assertEquals("", tagging.getResources(b -> b.resourcesPerPage(1)).paginationToken());
  }

  @Test
  void checksItsParameters() {
    InvalidParameterException tooMany =
        assertThrows(
            InvalidParameterException.class,
            () -> tagging.getResources(b -> b.resourcesPerPage(101)));
    assertEquals("InvalidParameterException", tooMany.awsErrorDetails().errorCode());
    assertThrows(
        InvalidParameterException.class, () -> tagging.getResources(b -> b.resourcesPerPage(0)));
    assertThrows(
        PaginationTokenExpiredException.class,
        () -> tagging.getResources(b -> b.paginationToken("not-a-token")));
    assertThrows(
        InvalidParameterException.class,
        () ->
            tagging.getResources(
                b ->
                    b.tagFilters(
                        filter(
                            "k", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
                            "13", "14", "15", "16", "17", "18", "19", "20", "21"))));
  }

  @Test
  void isLoggedAndTakesFaults() {
    key(Map.of("x", "1"));
    model.faults().failNext(KmsOperations.GET_RESOURCES, 1, Fault.accessDenied());
    KmsException denied = assertThrows(KmsException.class, () -> tagging.getResources(b -> {}));
    assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
    assertTrue(denied.getMessage().contains("tag:GetResources"), denied.getMessage());
    tagging.getResources(b -> {});
    List<KmsCall> calls = model.calls(KmsOperations.GET_RESOURCES);
    assertEquals(2, calls.size());
    assertFalse(calls.get(0).succeeded());
    assertInstanceOf(GetResourcesRequest.class, calls.get(1).request(GetResourcesRequest.class));
  }

  private static List<String> sorted(String... arns) {
    List<String> list = new ArrayList<>(List.of(arns));
    list.sort(String::compareTo);
    return list;
  }
}
