package dev.spirekms.localkms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesResponse;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.InvalidParameterException;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.PaginationTokenExpiredException;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceGroupsTaggingApiException;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * The Resource Groups Tagging API's GetResources, for the keys of the model (the only resources it
 * has). Rules from the Resource Groups Tagging API Reference, GetResources:
 *
 * <ul>
 *   <li>only resources that carry at least one tag are listed;
 *   <li>tag filters are ANDed; the values of one filter are ORed; a filter without values matches
 *       any value of its key; at most 50 filters, each with at most 20 values;
 *   <li>a resource type filter is {@code service} or {@code service:resourceType}: {@code kms} and
 *       {@code kms:key} list keys, any other lists nothing here;
 *   <li>ResourcesPerPage is 1 to 100 (default 100); a page ends with an empty PaginationToken when
 *       nothing is left.
 * </ul>
 *
 * The API is eventually consistent in AWS; here it answers from the model at once, and lists keys
 * in any state, including pending deletion, as AWS does until the key is gone.
 */
final class TaggingOperations {
  static final String SERVICE_NAME = "ResourceGroupsTaggingAPI";
  private static final int MAX_PER_PAGE = 100;
  private static final int MAX_TAG_FILTERS = 50;
  private static final int MAX_FILTER_VALUES = 20;
  private static final Set<String> KEY_TYPES = Set.of("kms", "kms:key");

  private final KmsState state;

  TaggingOperations(KmsState state) {
    this.state = state;
  }

  GetResourcesResponse getResources(GetResourcesRequest request) {
    int perPage = perPage(request.resourcesPerPage());
    List<TagFilter> filters = request.hasTagFilters() ? request.tagFilters() : List.of();
    checkFilters(filters);
    boolean keysWanted =
        !request.hasResourceTypeFilters()
            || request.resourceTypeFilters().isEmpty()
            || request.resourceTypeFilters().stream().anyMatch(KEY_TYPES::contains);
    Set<String> arns =
        request.hasResourceARNList() && !request.resourceARNList().isEmpty()
            ? Set.copyOf(request.resourceARNList())
            : null;
    String token = request.paginationToken();
    synchronized (state.lock) {
      state.purgeExpired();
      List<ResourceTagMapping> matching = new ArrayList<>();
      if (keysWanted) {
        for (KeyRecord key : state.keys.values()) {
          if (!key.tags.isEmpty()
              && (arns == null || arns.contains(key.arn))
              && matches(key.tags, filters)) {
            matching.add(mapping(key));
          }
        }
      }
      matching.sort((a, b) -> a.resourceARN().compareTo(b.resourceARN()));
      Paging.Page<ResourceTagMapping> page;
      try {
        page =
            Paging.page(
                KmsOperations.GET_RESOURCES,
                matching,
                ResourceTagMapping::resourceARN,
                token == null || token.isEmpty() ? null : token,
                perPage);
      } catch (RuntimeException e) {
        throw error(
            PaginationTokenExpiredException.builder(),
            "PaginationTokenExpiredException",
            "The pagination token is invalid or has expired: " + token);
      }
      return GetResourcesResponse.builder()
          .resourceTagMappingList(page.items())
          .paginationToken(page.nextMarker() == null ? "" : page.nextMarker())
          .build();
    }
  }

  private static int perPage(Integer requested) {
    if (requested == null) {
      return MAX_PER_PAGE;
    }
    if (requested < 1 || requested > MAX_PER_PAGE) {
      throw invalidParameter("ResourcesPerPage must be between 1 and 100, got " + requested);
    }
    return requested;
  }

  private static void checkFilters(List<TagFilter> filters) {
    if (filters.size() > MAX_TAG_FILTERS) {
      throw invalidParameter("at most " + MAX_TAG_FILTERS + " TagFilters are allowed");
    }
    for (TagFilter filter : filters) {
      if (filter.key() == null || filter.key().isEmpty()) {
        throw invalidParameter("a TagFilter needs a Key");
      }
      if (filter.hasValues() && filter.values().size() > MAX_FILTER_VALUES) {
        throw invalidParameter(
            "a TagFilter allows at most " + MAX_FILTER_VALUES + " Values: " + filter.key());
      }
    }
  }

  private static boolean matches(Map<String, String> tags, List<TagFilter> filters) {
    for (TagFilter filter : filters) {
      String value = tags.get(filter.key());
      if (value == null) {
        return false;
      }
      if (filter.hasValues() && !filter.values().isEmpty() && !filter.values().contains(value)) {
        return false;
      }
    }
    return true;
  }

  private static ResourceTagMapping mapping(KeyRecord key) {
    List<Tag> tags =
        key.tags.entrySet().stream()
            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
            .toList();
    return ResourceTagMapping.builder().resourceARN(key.arn).tags(tags).build();
  }

  static InvalidParameterException invalidParameter(String message) {
    return (InvalidParameterException)
        error(InvalidParameterException.builder(), "InvalidParameterException", message);
  }

  static ResourceGroupsTaggingApiException error(
      ResourceGroupsTaggingApiException.Builder builder, String code, String message) {
    return (ResourceGroupsTaggingApiException)
        builder
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(message)
                    .serviceName(SERVICE_NAME)
                    .build())
            .message(message)
            .statusCode(400)
            .requestId(UUID.randomUUID().toString())
            .build();
  }
}
