package dev.spirekms.localkms;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesResponse;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * The AWS JSON 1.1 body of the Resource Groups Tagging API's GetResources, marshalled by hand as
 * {@link KmsJsonProtocol} does for KMS. Member names are those of the API Reference.
 */
final class TaggingJsonProtocol {
  /** The {@code X-Amz-Target} prefix of the Resource Groups Tagging API. */
  static final String TARGET_PREFIX = "ResourceGroupsTaggingAPI_20170126.";

  private final KmsModel model;

  TaggingJsonProtocol(KmsModel model) {
    this.model = model;
  }

  boolean supports(String operation) {
    return KmsOperations.GET_RESOURCES.equals(operation);
  }

  /** Serves one call; throws what the model throws, or a malformed-request exception. */
  JsonObject handle(String operation, JsonObject in) {
    GetResourcesRequest request =
        GetResourcesRequest.builder()
            .paginationToken(JsonMembers.string(in, "PaginationToken"))
            .tagFilters(tagFilters(in))
            .resourcesPerPage(JsonMembers.integer(in, "ResourcesPerPage"))
            .tagsPerPage(JsonMembers.integer(in, "TagsPerPage"))
            .resourceTypeFilters(JsonMembers.strings(in, "ResourceTypeFilters"))
            .includeComplianceDetails(JsonMembers.bool(in, "IncludeComplianceDetails"))
            .excludeCompliantResources(JsonMembers.bool(in, "ExcludeCompliantResources"))
            .resourceARNList(JsonMembers.strings(in, "ResourceARNList"))
            .build();
    return response(model.getResources(request));
  }

  private static List<TagFilter> tagFilters(JsonObject in) {
    JsonElement member = in.get("TagFilters");
    if (member == null || member.isJsonNull()) {
      return null;
    }
    if (!member.isJsonArray()) {
      throw new MalformedRequestException("TagFilters must be a list");
    }
    List<TagFilter> filters = new ArrayList<>();
    for (JsonElement element : member.getAsJsonArray()) {
      if (!element.isJsonObject()) {
        throw new MalformedRequestException("TagFilters must be a list of filters");
      }
      JsonObject filter = element.getAsJsonObject();
      filters.add(
          TagFilter.builder()
              .key(JsonMembers.string(filter, "Key"))
              .values(JsonMembers.strings(filter, "Values"))
              .build());
    }
    return filters;
  }

  private static JsonObject response(GetResourcesResponse response) {
    JsonObject out = new JsonObject();
    out.addProperty("PaginationToken", response.paginationToken());
    JsonArray mappings = new JsonArray();
    for (ResourceTagMapping mapping : response.resourceTagMappingList()) {
      JsonObject json = new JsonObject();
      json.addProperty("ResourceARN", mapping.resourceARN());
      JsonArray tags = new JsonArray();
      for (Tag tag : mapping.tags()) {
        JsonObject t = new JsonObject();
        t.addProperty("Key", tag.key());
        t.addProperty("Value", tag.value());
        tags.add(t);
      }
      json.add("Tags", tags);
      mappings.add(json);
    }
    out.add("ResourceTagMappingList", mappings);
    return out;
  }
}
