package dev.spirekms.keys;

import dev.spirekms.keys.TaggedKeys.TaggedKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * Upstream aws_kms's SPIRE tags (SPIRE 1.15.2, tag-based key discovery), byte for byte, so that a
 * server can move between the two plugins in tag mode without losing a key.
 */
public final class SpireTags {
  public static final String TRUST_DOMAIN = "spire-server-td";
  public static final String SERVER_ID = "spire-server-id";
  public static final String ACTIVE = "spire-active";
  public static final String KEY_ID = "spire-key-id";
  public static final String LAST_UPDATE = "spire-last-update";
  public static final String TRUE = "true";
  public static final String FALSE = "false";

  /** The tagging API's resource type of a KMS key. */
  public static final String KMS_KEY_TYPE = "kms:key";

  private SpireTags() {}

  /**
   * The tags of a new key, in upstream's order: trust domain (unsanitised), server id, active, the
   * user's {@code key_tags}, then the key id and the time stamp.
   */
  public static List<Tag> forNewKey(
      KeyNaming naming, Map<String, String> userTags, String spireKeyId, Instant now) {
    List<Tag> tags = new ArrayList<>(owner(naming));
    userTags.forEach((k, v) -> tags.add(tag(k, v)));
    tags.add(tag(KEY_ID, spireKeyId));
    tags.add(lastUpdate(now));
    return tags;
  }

  /** The tags a key found only through its alias gets when it is migrated to tag mode. */
  public static List<Tag> forMigration(KeyNaming naming, String spireKeyId, Instant now) {
    List<Tag> tags = new ArrayList<>(owner(naming));
    tags.add(tag(KEY_ID, spireKeyId));
    tags.add(lastUpdate(now));
    return tags;
  }

  /** {@code spire-last-update} as upstream writes it: Unix seconds, in decimal. */
  public static Tag lastUpdate(Instant now) {
    return tag(LAST_UPDATE, Long.toString(now.getEpochSecond()));
  }

  /**
   * A key's {@code spire-last-update} as upstream reads it: the epoch when the tag is missing,
   * empty when it is not Unix seconds.
   */
  public static Optional<Instant> lastUpdateOf(TaggedKey key) {
    Optional<String> value = key.tag(LAST_UPDATE);
    if (value.isEmpty()) {
      return Optional.of(Instant.EPOCH);
    }
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(value.get().strip())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code spire-active=false}: the key is no longer managed. */
  public static Tag inactive() {
    return tag(ACTIVE, FALSE);
  }

  /** GetResources filters for this server's active keys. */
  public static List<TagFilter> serverFilters(KeyNaming naming) {
    return List.of(
        filter(TRUST_DOMAIN, naming.trustDomain()),
        filter(SERVER_ID, naming.serverId()),
        filter(ACTIVE, TRUE));
  }

  /** GetResources filters for the active keys of every server of the trust domain. */
  public static List<TagFilter> trustDomainFilters(KeyNaming naming) {
    return List.of(filter(TRUST_DOMAIN, naming.trustDomain()), filter(ACTIVE, TRUE));
  }

  private static List<Tag> owner(KeyNaming naming) {
    return List.of(
        tag(TRUST_DOMAIN, naming.trustDomain()),
        tag(SERVER_ID, naming.serverId()),
        tag(ACTIVE, TRUE));
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().tagKey(key).tagValue(value).build();
  }

  private static TagFilter filter(String key, String value) {
    return TagFilter.builder().key(key).values(value).build();
  }
}
