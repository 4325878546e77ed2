package dev.spirekms.doctor;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.AwsClients;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.SpireTags;
import dev.spirekms.keys.TaggedKeys;
import dev.spirekms.keys.TaggedKeys.TaggedKey;
import dev.spirekms.lifecycle.LifecycleSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;

/**
 * What the checks share: the configuration, the server id (when it exists), the clients, the
 * lifecycle's settings, and what was read from KMS once (the alias listing, key descriptions, in
 * tag mode the keys tagged active for this server), so each is asked for only once per run. Every
 * KMS and tagging API call here is a read.
 */
final class DoctorContext {
  // KMS ListAliases: Limit is 1 to 100
  private static final int ALIAS_PAGE = 100;

  private final PluginConfig config;
  private final Optional<String> serverId;
  private final KeyNaming naming;
  private final KmsClient kms;
  private final ResourceGroupsTaggingApiClient tagging;
  private final AwsClients clients;
  private final LifecycleSettings settings;
  private final Clock clock;
  private final Function<String, KmsClient> replicaKms;
  private final Map<String, KeyMetadata> described = new HashMap<>();
  private final ReadOnce<List<AliasListEntry>> aliases = new ReadOnce<>(this::listAliases);
  private final ReadOnce<List<TaggedKey>> taggedKeys = new ReadOnce<>(this::listTaggedKeys);

  /** A context in alias mode, or in tag mode without the tagging API (it is then not asked). */
  DoctorContext(
      PluginConfig config,
      Optional<String> serverId,
      KmsClient kms,
      AwsClients clients,
      LifecycleSettings settings,
      Clock clock) {
    this(config, serverId, kms, null, clients, settings, clock);
  }

  /**
   * @param serverId the server id, empty when its file does not exist yet
   * @param tagging the Resource Groups Tagging API, asked only in tag mode; may be null otherwise
   * @param clients for the credential and endpoint checks; null where only {@code kms} is tested
   */
  DoctorContext(
      PluginConfig config,
      Optional<String> serverId,
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      AwsClients clients,
      LifecycleSettings settings,
      Clock clock) {
    this(
        config,
        serverId,
        kms,
        tagging,
        clients,
        settings,
        clock,
        region -> clients.kmsIn(region, config.replicaRegions().endpoint(region)));
  }

  /**
   * @param replicaKms the KMS client of each replica region
   */
  DoctorContext(
      PluginConfig config,
      Optional<String> serverId,
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      AwsClients clients,
      LifecycleSettings settings,
      Clock clock,
      Function<String, KmsClient> replicaKms) {
    this.replicaKms = replicaKms;
    this.config = config;
    this.serverId = serverId;
    // Without a server id every alias of the trust domain is another server's: a random id
    // matches none of them.
    this.naming =
        new KeyNaming(config.trustDomain(), serverId.orElseGet(() -> UUID.randomUUID().toString()));
    this.kms = kms;
    this.tagging = tagging;
    this.clients = clients;
    this.settings = settings;
    this.clock = clock;
  }

  PluginConfig config() {
    return config;
  }

  Optional<String> serverId() {
    return serverId;
  }

  KeyNaming naming() {
    return naming;
  }

  KmsClient kms() {
    return kms;
  }

  /** The KMS client of a replica region, as the plugin makes it. */
  KmsClient kmsIn(String region) {
    return replicaKms.apply(region);
  }

  /** Whether the plugin finds its keys by their tags ({@code enable_tag_based_key_discovery}). */
  boolean tagMode() {
    return config.tagBasedKeyDiscovery() && tagging != null;
  }

  Optional<AwsClients> clients() {
    return Optional.ofNullable(clients);
  }

  LifecycleSettings settings() {
    return settings;
  }

  Clock clock() {
    return clock;
  }

  /**
   * Every alias of the account and region, listed once.
   *
   * @throws KmsCallException when the listing failed (every call after the first throws the same)
   */
  List<AliasListEntry> aliases() {
    return aliases.get();
  }

  private List<AliasListEntry> listAliases() {
    List<AliasListEntry> all = new ArrayList<>();
    String marker = null;
    do {
      String m = marker;
      ListAliasesResponse page =
          AwsCalls.call(
              "kms:ListAliases", () -> kms.listAliases(b -> b.limit(ALIAS_PAGE).marker(m)));
      all.addAll(page.aliases());
      marker = Boolean.TRUE.equals(page.truncated()) ? page.nextMarker() : null;
    } while (marker != null);
    return List.copyOf(all);
  }

  /** Whether the alias listing failed; the permissions check reports why. */
  boolean aliasesFailed() {
    return aliases.failed();
  }

  /** This server's aliases; empty without a server id. */
  List<AliasListEntry> ownAliases() {
    if (serverId.isEmpty()) {
      return List.of();
    }
    return aliases().stream().filter(a -> naming.spireKeyIdOf(a.aliasName()).isPresent()).toList();
  }

  /** DescribeKey, asked once per key id. */
  KeyMetadata describe(String keyId) {
    KeyMetadata known = described.get(keyId);
    if (known != null) {
      return known;
    }
    KeyMetadata key =
        AwsCalls.call("kms:DescribeKey", () -> kms.describeKey(b -> b.keyId(keyId)).keyMetadata());
    described.put(keyId, key);
    if (key.keyId() != null) {
      described.put(key.keyId(), key);
    }
    if (key.arn() != null) {
      described.put(key.arn(), key);
    }
    return key;
  }

  /**
   * The keys tagged active for this server (none without a server id), listed once through
   * GetResources with the filters the plugin uses at start-up.
   *
   * @throws KmsCallException when the listing failed (every call after the first throws the same)
   * @throws IllegalStateException outside tag mode
   */
  List<TaggedKey> taggedKeys() {
    if (!tagMode()) {
      throw new IllegalStateException("not in tag mode");
    }
    return taggedKeys.get();
  }

  private List<TaggedKey> listTaggedKeys() {
    return List.copyOf(TaggedKeys.list(tagging, SpireTags.serverFilters(naming)));
  }

  /** Whether the tagged key listing failed; the permissions check reports why. */
  boolean taggedKeysFailed() {
    if (!tagMode()) {
      throw new IllegalStateException("not in tag mode");
    }
    return taggedKeys.failed();
  }
}
