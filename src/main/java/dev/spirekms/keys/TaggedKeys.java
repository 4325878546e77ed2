package dev.spirekms.keys;

import dev.spirekms.aws.AwsCalls;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesResponse;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * KMS keys found through the Resource Groups Tagging API's GetResources, every page. Failures
 * arrive as {@link dev.spirekms.aws.KmsCallException} for the action {@code tag:GetResources}.
 */
public final class TaggedKeys {
  /** The IAM action, named in access-denied messages. */
  public static final String ACTION = "tag:GetResources";

  // Resource Groups Tagging API, GetResources: ResourcesPerPage is 1 to 100
  static final int PAGE = 100;

  private TaggedKeys() {}

  /**
   * One key and its tags.
   *
   * @param keyArn the key's ARN
   * @param tags every tag of the key
   */
  public record TaggedKey(String keyArn, Map<String, String> tags) {
    public TaggedKey {
      tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** The value of one tag, if the key has it. */
    public Optional<String> tag(String key) {
      return Optional.ofNullable(tags.get(key));
    }
  }

  /** Every KMS key whose tags match all {@code filters}. */
  public static List<TaggedKey> list(
      ResourceGroupsTaggingApiClient tagging, List<TagFilter> filters) {
    return list(tagging, filters, () -> false);
  }

  /**
   * Every KMS key whose tags match all {@code filters}; stops between pages when {@code stop} says
   * so, returning what it has.
   */
  public static List<TaggedKey> list(
      ResourceGroupsTaggingApiClient tagging, List<TagFilter> filters, BooleanSupplier stop) {
    List<TaggedKey> keys = new ArrayList<>();
    String token = null;
    do {
      String page = token;
      GetResourcesResponse response =
          AwsCalls.call(
              ACTION,
              () ->
                  tagging.getResources(
                      b ->
                          b.resourceTypeFilters(SpireTags.KMS_KEY_TYPE)
                              .tagFilters(filters)
                              .resourcesPerPage(PAGE)
                              .paginationToken(page)));
      for (ResourceTagMapping mapping : response.resourceTagMappingList()) {
        if (mapping.resourceARN() == null) {
          continue;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : mapping.tags()) {
          tags.put(tag.key(), tag.value());
        }
        keys.add(new TaggedKey(mapping.resourceARN(), tags));
      }
      token = response.paginationToken();
    } while (token != null && !token.isEmpty() && !stop.getAsBoolean());
    return keys;
  }
}
