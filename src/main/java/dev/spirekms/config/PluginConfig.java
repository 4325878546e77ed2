package dev.spirekms.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The plugin's validated, immutable configuration. Made by {@link ConfigLoader} from the text SPIRE
 * sends, or directly with {@link #builder()}; every rule is checked in {@link
 * PluginConfigBuilder#validate()}.
 */
public final class PluginConfig {

  public static final int DEFAULT_STARTUP_CONCURRENCY = 8;
  public static final int MIN_STARTUP_CONCURRENCY = 1;
  public static final int MAX_STARTUP_CONCURRENCY = 64;
  public static final int MIN_KMS_CONTROL_PLANE_RPS = 1;
  public static final int MAX_KMS_CONTROL_PLANE_RPS = 10_000;
  // KMS ScheduleKeyDeletion accepts a PendingWindowInDays of 7 to 30.
  public static final int DEFAULT_KEY_DELETION_PENDING_WINDOW_DAYS = 7;
  public static final int MIN_KEY_DELETION_PENDING_WINDOW_DAYS = 7;
  public static final int MAX_KEY_DELETION_PENDING_WINDOW_DAYS = 30;
  public static final Duration DEFAULT_STALE_ALIAS_THRESHOLD = Duration.ofDays(14);
  public static final Duration MIN_STALE_ALIAS_THRESHOLD = Duration.ofHours(24);
  public static final DisposalMode DEFAULT_DISPOSAL_MODE = DisposalMode.DELETE;

  /** Added to {@code key_identifier_file}'s name for the default deletion journal beside it. */
  public static final String DELETION_JOURNAL_SUFFIX = ".deletion-journal";

  private final String trustDomain;
  private final String region;
  private final StaticCredentials staticCredentials;
  private final ServerIdSource serverIdSource;
  private final Path keyPolicyFile;
  // As configured; null when not set (deletionJournalFile() then derives the effective path).
  private final Path deletionJournalFile;
  private final Map<String, String> keyTags;
  private final URI endpoint;
  private final int startupConcurrency;
  private final int keyDeletionPendingWindowDays;
  private final Duration staleAliasThreshold;
  private final DisposalMode disposalMode;
  private final RoleChain roleChain;
  private final URI stsEndpoint;
  private final boolean useFipsEndpoint;
  private final Path statusFile;
  private final boolean tagBasedKeyDiscovery;
  private final URI taggingEndpoint;
  private final ReplicaRegions replicaRegions;
  // 0 when not set: no limit
  private final int kmsControlPlaneRps;

  PluginConfig(
      String trustDomain,
      String region,
      StaticCredentials staticCredentials,
      ServerIdSource serverIdSource,
      Path keyPolicyFile,
      Path deletionJournalFile,
      Map<String, String> keyTags,
      URI endpoint,
      int startupConcurrency,
      int keyDeletionPendingWindowDays,
      Duration staleAliasThreshold,
      DisposalMode disposalMode,
      RoleChain roleChain,
      URI stsEndpoint,
      boolean useFipsEndpoint,
      Path statusFile,
      boolean tagBasedKeyDiscovery,
      URI taggingEndpoint,
      ReplicaRegions replicaRegions,
      int kmsControlPlaneRps) {
    this.trustDomain = trustDomain;
    this.region = region;
    this.staticCredentials = staticCredentials;
    this.serverIdSource = serverIdSource;
    this.keyPolicyFile = keyPolicyFile;
    this.deletionJournalFile = deletionJournalFile;
    this.keyTags = Collections.unmodifiableMap(new LinkedHashMap<>(keyTags));
    this.endpoint = endpoint;
    this.startupConcurrency = startupConcurrency;
    this.keyDeletionPendingWindowDays = keyDeletionPendingWindowDays;
    this.staleAliasThreshold = staleAliasThreshold;
    this.disposalMode = disposalMode;
    this.roleChain = roleChain;
    this.stsEndpoint = stsEndpoint;
    this.useFipsEndpoint = useFipsEndpoint;
    this.statusFile = statusFile;
    this.tagBasedKeyDiscovery = tagBasedKeyDiscovery;
    this.taggingEndpoint = taggingEndpoint;
    this.replicaRegions = Objects.requireNonNull(replicaRegions);
    this.kmsControlPlaneRps = kmsControlPlaneRps;
  }

  public static PluginConfigBuilder builder() {
    return new PluginConfigBuilder();
  }

  /** A builder holding this configuration's values, to derive a changed copy. */
  public PluginConfigBuilder toBuilder() {
    return PluginConfigBuilder.from(this);
  }

  /** The trust domain name from SPIRE's core configuration, e.g. {@code example.org}. */
  public String trustDomain() {
    return trustDomain;
  }

  /** The trust domain as it appears in KMS names: every {@code .} replaced by {@code _}. */
  public String sanitizedTrustDomain() {
    return KmsAliasNames.sanitizeTrustDomain(trustDomain);
  }

  /** The AWS region of KMS and STS, e.g. {@code us-east-2}. */
  public String region() {
    return region;
  }

  /** The configured access key pair; empty means the default AWS credential chain. */
  public Optional<StaticCredentials> staticCredentials() {
    return Optional.ofNullable(staticCredentials);
  }

  /** Where the server id comes from: exactly one of the file or the value. */
  public ServerIdSource serverIdSource() {
    return serverIdSource;
  }

  /** {@code key_identifier_file}, when the server id comes from a file. */
  public Optional<Path> keyIdentifierFile() {
    return serverIdSource instanceof ServerIdSource.FromFile file
        ? Optional.of(file.path())
        : Optional.empty();
  }

  /** {@code key_identifier_value}, when the server id is given in configuration. */
  public Optional<String> keyIdentifierValue() {
    return serverIdSource instanceof ServerIdSource.FromValue value
        ? Optional.of(value.value())
        : Optional.empty();
  }

  /** A JSON key policy for new keys; empty means the role-based default policy. */
  public Optional<Path> keyPolicyFile() {
    return Optional.ofNullable(keyPolicyFile);
  }

  /**
   * Where the deletion journal is kept (keys handed to the deletion queue, recorded before the RPC
   * answers, removed once KMS accepted their deletion, replayed at Configure). The effective path:
   * {@code deletion_journal_file} when set; else, when the server id comes from {@code
   * key_identifier_file}, the file {@code <its name>.deletion-journal} beside it; else empty (no
   * journal).
   */
  public Optional<Path> deletionJournalFile() {
    if (deletionJournalFile != null) {
      return Optional.of(deletionJournalFile);
    }
    return keyIdentifierFile().map(PluginConfig::journalBeside);
  }

  /** {@code deletion_journal_file} as configured; empty when it is not set. */
  Optional<Path> configuredDeletionJournalFile() {
    return Optional.ofNullable(deletionJournalFile);
  }

  private static Path journalBeside(Path identifierFile) {
    Path name = identifierFile.getFileName();
    return name == null
        ? Path.of(identifierFile + DELETION_JOURNAL_SUFFIX)
        : identifierFile.resolveSibling(name + DELETION_JOURNAL_SUFFIX);
  }

  /** Tags added to every new key, in configuration order; unmodifiable. */
  public Map<String, String> keyTags() {
    return keyTags;
  }

  /** A KMS endpoint to use instead of the region's default. */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** How many keys to load from KMS at once during Configure. */
  public int startupConcurrency() {
    return startupConcurrency;
  }

  /** The most KMS calls per second other than Sign, when a limit is set. */
  public Optional<Integer> kmsControlPlaneRps() {
    return kmsControlPlaneRps == 0 ? Optional.empty() : Optional.of(kmsControlPlaneRps);
  }

  /** The waiting period, in days, before KMS deletes a key scheduled for deletion. */
  public int keyDeletionPendingWindowDays() {
    return keyDeletionPendingWindowDays;
  }

  /** How long another server's alias may go without an update before it counts as stale. */
  public Duration staleAliasThreshold() {
    return staleAliasThreshold;
  }

  public DisposalMode disposalMode() {
    return disposalMode;
  }

  /** The roles to assume before calling KMS; {@link RoleChain#none()} when none is configured. */
  public RoleChain roleChain() {
    return roleChain;
  }

  /** An STS endpoint to use instead of the region's default. */
  public Optional<URI> stsEndpoint() {
    return Optional.ofNullable(stsEndpoint);
  }

  /**
   * {@code enable_tag_based_key_discovery}: find keys through the Resource Groups Tagging API and
   * keep them alive with the {@code spire-last-update} tag, as upstream aws_kms in tag mode.
   */
  public boolean tagBasedKeyDiscovery() {
    return tagBasedKeyDiscovery;
  }

  /** A Resource Groups Tagging API endpoint to use instead of the region's default. */
  public Optional<URI> taggingEndpoint() {
    return Optional.ofNullable(taggingEndpoint);
  }

  /**
   * {@code replica_regions} and {@code replica_endpoints}: where new keys are replicated, as
   * multi-Region keys whose primary is in {@link #region()}; {@link ReplicaRegions#NONE} for
   * single-Region keys.
   */
  public ReplicaRegions replicaRegions() {
    return replicaRegions;
  }

  /** Whether to use the region's FIPS endpoints of KMS and STS. */
  public boolean useFipsEndpoint() {
    return useFipsEndpoint;
  }

  /**
   * {@code status_file}: where the plugin keeps a small JSON status report, rewritten after
   * Configure and after each background task; empty for none.
   */
  public Optional<Path> statusFile() {
    return Optional.ofNullable(statusFile);
  }

  /**
   * The effective settings for an Info log line, as field name to value, in a fixed order. Secrets
   * are never included: {@code access_key_id} and {@code assume_role_external_id} show only whether
   * they are set.
   */
  public Map<String, String> summary() {
    return ConfigSummary.of(this);
  }

  @Override
  public String toString() {
    return summary().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ", "PluginConfig{", "}"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PluginConfig other
        && trustDomain.equals(other.trustDomain)
        && region.equals(other.region)
        && Objects.equals(staticCredentials, other.staticCredentials)
        && serverIdSource.equals(other.serverIdSource)
        && Objects.equals(keyPolicyFile, other.keyPolicyFile)
        && Objects.equals(deletionJournalFile, other.deletionJournalFile)
        && keyTags.equals(other.keyTags)
        && List.copyOf(keyTags.keySet()).equals(List.copyOf(other.keyTags.keySet()))
        && Objects.equals(endpoint, other.endpoint)
        && startupConcurrency == other.startupConcurrency
        && keyDeletionPendingWindowDays == other.keyDeletionPendingWindowDays
        && staleAliasThreshold.equals(other.staleAliasThreshold)
        && disposalMode == other.disposalMode
        && roleChain.equals(other.roleChain)
        && Objects.equals(stsEndpoint, other.stsEndpoint)
        && useFipsEndpoint == other.useFipsEndpoint
        && Objects.equals(statusFile, other.statusFile)
        && tagBasedKeyDiscovery == other.tagBasedKeyDiscovery
        && Objects.equals(taggingEndpoint, other.taggingEndpoint)
        && replicaRegions.equals(other.replicaRegions)
        && kmsControlPlaneRps == other.kmsControlPlaneRps;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        trustDomain,
        region,
        staticCredentials,
        serverIdSource,
        keyPolicyFile,
        deletionJournalFile,
        keyTags,
        endpoint,
        startupConcurrency,
        keyDeletionPendingWindowDays,
        staleAliasThreshold,
        disposalMode,
        roleChain,
        stsEndpoint,
        useFipsEndpoint,
        statusFile,
        tagBasedKeyDiscovery,
        taggingEndpoint,
        replicaRegions,
        kmsControlPlaneRps);
  }
}
