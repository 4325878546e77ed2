package dev.spirekms.keys;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.KeyStoreException.Kind;
import dev.spirekms.keys.TaggedKeys.TaggedKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;

/**
 * Start-up discovery in tag mode, in upstream aws_kms's order (SPIRE 1.15.2): this server's active
 * keys by their SPIRE tags through the Resource Groups Tagging API, then its aliases; a key found
 * only through its alias is tagged (migrated), and a key found by its tags wins over the alias.
 *
 * <p>Where upstream picks at random: when a rotation stopped between moving the alias and deleting
 * the old key, two keys are tagged active for one SPIRE key id. The one the alias points at is kept
 * and the other is handed to the deletion queue, which marks it inactive once KMS has scheduled its
 * deletion.
 */
final class TagModeDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(TagModeDiscovery.class);

  private final KmsClient kms;
  private final ResourceGroupsTaggingApiClient tagging;
  private final KeyStoreSettings settings;
  private final DeletionQueue deletionQueue;

  TagModeDiscovery(
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      KeyStoreSettings settings,
      DeletionQueue deletionQueue) {
    this.kms = kms;
    this.tagging = tagging;
    this.settings = settings;
    this.deletionQueue = deletionQueue;
  }

  /**
   * This server's keys; {@code byAlias} runs the alias discovery, with its fatal errors, given the
   * keys already loaded by their tags (by KMS key id), which it need not read again.
   */
  List<KeyEntry> discover(Function<Map<String, KeyEntry>, List<KeyEntry>> byAlias) {
    List<TaggedKey> found = query();
    List<KeyEntry> tagged = load(found);
    Map<String, KeyEntry> byKeyId = new LinkedHashMap<>();
    tagged.forEach(entry -> byKeyId.put(keyIdOf(entry.keyArn()), entry));
    List<KeyEntry> aliased = byAlias.apply(byKeyId);
    return merge(tagged, aliased);
  }

  /** The key id of a key ARN ({@code arn:aws:kms:<region>:<account>:key/<id>}). */
  static String keyIdOf(String keyArn) {
    int slash = keyArn.lastIndexOf('/');
    return slash < 0 ? keyArn : keyArn.substring(slash + 1);
  }

  private List<TaggedKey> query() {
    try {
      return TaggedKeys.list(tagging, SpireTags.serverFilters(settings.naming()));
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.ACCESS_DENIED) {
        // upstream: the permission cannot come from a key policy, so say where it must go
        throw new KeyStoreException(
            Kind.PRECONDITION, KeyMessages.TAG_DISCOVERY_DENIED + ": " + e.getMessage(), e);
      }
      throw new KeyStoreException(
          Kind.INTERNAL, KeyMessages.FAILED_TO_FETCH_BY_TAGS + ": " + e.getMessage(), e);
    }
  }

  private List<KeyEntry> load(List<TaggedKey> found) {
    List<Callable<Optional<KeyEntry>>> loads = new ArrayList<>();
    for (TaggedKey key : found) {
      Optional<String> spireKeyId = key.tag(SpireTags.KEY_ID).filter(id -> !id.isEmpty());
      if (spireKeyId.isEmpty()) {
        LOG.atWarn()
            .addKeyValue("key_arn", key.keyArn())
            .log(KeyMessages.TAGGED_KEY_WITHOUT_KEY_ID);
        continue;
      }
      loads.add(() -> loadOne(key.keyArn(), spireKeyId.get()));
    }
    return ParallelLoad.all(settings.startupConcurrency(), loads);
  }

  private Optional<KeyEntry> loadOne(String keyArn, String spireKeyId) {
    GetPublicKeyResponse response;
    try {
      response = AwsCalls.call("kms:GetPublicKey", () -> kms.getPublicKey(b -> b.keyId(keyArn)));
    } catch (KmsCallException e) {
      switch (e.kind()) {
        case DISABLED, INVALID_STATE, NOT_FOUND -> {
          // upstream skips a disabled or pending-deletion key found through its tags
          LOG.atWarn()
              .addKeyValue("key_arn", keyArn)
              .addKeyValue("spire_key_id", spireKeyId)
              .addKeyValue("reason", e.getMessage())
              .log(KeyMessages.TAGGED_KEY_UNUSABLE);
          return Optional.empty();
        }
        default -> throw KeyStoreException.fromCall(KeyMessages.FETCH_ENTRIES_GET_PUBLIC_KEY, e);
      }
    }
    return Optional.of(
        PublicKeyAnswers.toEntry(
            response,
            spireKeyId,
            keyArn,
            settings.naming().aliasName(spireKeyId),
            KeyMessages.FETCH_ENTRIES_UNSUPPORTED_KEY_SPEC,
            keyArn,
            KeyMessages.FETCH_ENTRIES_MALFORMED_PUBLIC_KEY));
  }

  private List<KeyEntry> merge(List<KeyEntry> tagged, List<KeyEntry> aliased) {
    Map<String, List<KeyEntry>> taggedById = new TreeMap<>();
    for (KeyEntry entry : tagged) {
      taggedById.computeIfAbsent(entry.spireKeyId(), id -> new ArrayList<>()).add(entry);
    }
    Map<String, KeyEntry> aliasById = new LinkedHashMap<>();
    aliased.forEach(entry -> aliasById.put(entry.spireKeyId(), entry));

    Map<String, KeyEntry> result = new TreeMap<>();
    taggedById.forEach(
        (id, candidates) -> result.put(id, choose(id, candidates, aliasById.get(id))));
    int migrated = 0;
    for (KeyEntry entry : aliasById.values()) {
      if (result.containsKey(entry.spireKeyId())) {
        continue;
      }
      if (migrate(entry)) {
        migrated++;
      }
      result.put(entry.spireKeyId(), entry);
    }
    LOG.atInfo()
        .addKeyValue("migrated_keys", migrated)
        .addKeyValue("total_keys", result.size())
        .log("Tag-based key discovery migration finished");
    return List.copyOf(result.values());
  }

  /** The key to use among those tagged active for one key id; the others are reclaimed. */
  private KeyEntry choose(String spireKeyId, List<KeyEntry> candidates, KeyEntry alias) {
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    candidates.sort(Comparator.comparing(KeyEntry::keyArn));
    Optional<KeyEntry> pointedAt =
        alias == null
            ? Optional.empty()
            : candidates.stream().filter(c -> c.keyArn().equals(alias.keyArn())).findFirst();
    if (pointedAt.isEmpty()) {
      LOG.atWarn()
          .addKeyValue("spire_key_id", spireKeyId)
          .addKeyValue("key_arn", candidates.get(0).keyArn())
          .addKeyValue("keys", candidates.size())
          .log(KeyMessages.AMBIGUOUS_ACTIVE_KEYS);
      return candidates.get(0);
    }
    KeyEntry kept = pointedAt.get();
    for (KeyEntry other : candidates) {
      if (other != kept) {
        LOG.atWarn()
            .addKeyValue("spire_key_id", spireKeyId)
            .addKeyValue("key_arn", other.keyArn())
            .addKeyValue("kept_key_arn", kept.keyArn())
            .log(KeyMessages.DUPLICATE_ACTIVE_KEY);
        deletionQueue.enqueue(
            other.keyArn(),
            "a second key tagged active for " + spireKeyId + ", left by an interrupted rotation");
      }
    }
    return kept;
  }

  /** Tags a key found only through its alias; a failure leaves it usable (upstream). */
  private boolean migrate(KeyEntry entry) {
    List<Tag> tags =
        SpireTags.forMigration(settings.naming(), entry.spireKeyId(), settings.clock().instant());
    LOG.atInfo()
        .addKeyValue("spire_key_id", entry.spireKeyId())
        .addKeyValue("key_arn", entry.keyArn())
        .log("Applying SPIRE tags to legacy key during migration to tag-based discovery");
    try {
      AwsCalls.call(
          "kms:TagResource", () -> kms.tagResource(b -> b.keyId(entry.keyArn()).tags(tags)));
      return true;
    } catch (KmsCallException e) {
      LOG.atWarn()
          .addKeyValue("spire_key_id", entry.spireKeyId())
          .addKeyValue("key_arn", entry.keyArn())
          .addKeyValue("reason", e.getMessage())
          .log(KeyMessages.MIGRATION_FAILED);
      return false;
    }
  }
}
