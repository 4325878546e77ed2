package dev.spirekms.localkms;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.kms.model.ListResourceTagsRequest;
import software.amazon.awssdk.services.kms.model.ListResourceTagsResponse;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagResourceRequest;
import software.amazon.awssdk.services.kms.model.TagResourceResponse;

/** TagResource and ListResourceTags, with KMS's tag rules, which CreateKey's tags follow too. */
final class TagOperations {
  // KMS: tags per key (Developer Guide, Tagging keys).
  private static final int MAX_TAGS = 50;

  private final KmsState state;

  TagOperations(KmsState state) {
    this.state = state;
  }

  TagResourceResponse tagResource(TagResourceRequest request) {
    if (!request.hasTags()) {
      throw KmsErrors.validation("tags", null, "Member must not be null");
    }
    synchronized (state.lock) {
      state.purgeExpired();
      KeyRecord key = state.resolve(request.keyId(), false);
      KmsState.requireNotPendingDeletion(key);
      Map<String, String> merged = new TreeMap<>(key.tags);
      mergeTags(merged, request.tags());
      key.tags.clear();
      key.tags.putAll(merged);
      return TagResourceResponse.builder().build();
    }
  }

  ListResourceTagsResponse listResourceTags(ListResourceTagsRequest request) {
    // API Reference, ListResourceTags: Limit 1-50, default 50.
    int limit = Paging.limitOf(request.limit(), 50, 50);
    synchronized (state.lock) {
      state.purgeExpired();
      KeyRecord key = state.resolve(request.keyId(), false);
      List<Map.Entry<String, String>> entries = List.copyOf(key.tags.entrySet());
      Paging.Page<Map.Entry<String, String>> page =
          Paging.page(
              KmsOperations.LIST_RESOURCE_TAGS,
              entries,
              Map.Entry::getKey,
              request.marker(),
              limit);
      return ListResourceTagsResponse.builder()
          .tags(
              page.items().stream()
                  .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build())
                  .toList())
          .truncated(page.truncated())
          .nextMarker(page.nextMarker())
          .build();
    }
  }

  /**
   * Adds tags to {@code into} with KMS's tag rules (Developer Guide, Tagging keys): keys 1-128
   * characters not starting with {@code aws:}, values 0-256 characters, no key twice in one
   * request, at most 50 tags on a key. A tag with an existing key replaces its value.
   */
  static void mergeTags(Map<String, String> into, Collection<Tag> tags) {
    Map<String, String> incoming = new LinkedHashMap<>();
    for (Tag tag : tags) {
      String key = tag.tagKey();
      String value = tag.tagValue();
      if (key == null || value == null) {
        throw KmsErrors.validation(
            key == null ? "tagKey" : "tagValue", null, "Member must not be null");
      }
      if (key.isEmpty() || key.length() > 128) {
        throw KmsErrors.tag("Tag key must be 1-128 characters: " + key);
      }
      if (value.length() > 256) {
        throw KmsErrors.tag("Tag value for key " + key + " must be at most 256 characters");
      }
      if (key.regionMatches(true, 0, "aws:", 0, 4)) {
        throw KmsErrors.tag("Tag keys beginning with aws: are reserved: " + key);
      }
      if (incoming.put(key, value) != null) {
        throw KmsErrors.tag("Duplicate tag key in request: " + key);
      }
    }
    Map<String, String> merged = new TreeMap<>(into);
    merged.putAll(incoming);
    if (merged.size() > MAX_TAGS) {
      throw KmsErrors.limitExceeded(
          "A KMS key can have at most " + MAX_TAGS + " tags; this request makes " + merged.size());
    }
    into.putAll(incoming);
  }
}
