package dev.spirekms.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Collects settings and checks them all together. An empty string counts as not set, as it does
 * upstream. {@link #validate()} reports every problem; {@link #build()} throws on the first.
 */
public final class PluginConfigBuilder {

  // Package-private: ConfigChecks reads them.
  String trustDomain = "";
  String region;
  String accessKeyId;
  String secretAccessKey;
  String keyIdentifierFile;
  String keyIdentifierValue;
  String keyPolicyFile;
  String deletionJournalFile;
  Map<String, String> keyTags = Map.of();
  String endpoint;
  int startupConcurrency = PluginConfig.DEFAULT_STARTUP_CONCURRENCY;
  int kmsControlPlaneRps;
  int keyDeletionPendingWindowDays = PluginConfig.DEFAULT_KEY_DELETION_PENDING_WINDOW_DAYS;
  Duration staleAliasThreshold = PluginConfig.DEFAULT_STALE_ALIAS_THRESHOLD;
  DisposalMode disposalMode = PluginConfig.DEFAULT_DISPOSAL_MODE;
  boolean tagBasedKeyDiscovery;
  String taggingEndpoint;
  StringOrList assumeRoleArns = StringOrList.NONE;
  StringOrList assumeRoleExternalIds = StringOrList.NONE;
  String assumeRoleSessionName;
  Duration assumeRoleDuration;
  String stsEndpoint;
  boolean useFipsEndpoint;
  String statusFile;
  StringOrList replicaRegions = StringOrList.NONE;
  Map<String, String> replicaEndpoints = Map.of();
  // Keys whose text had the wrong type: already reported, so not reported again as missing.
  final Set<String> rejectedKeys = new HashSet<>();

  PluginConfigBuilder() {}

  /** The trust domain name from SPIRE's core configuration ({@code null} counts as missing). */
  public PluginConfigBuilder trustDomain(String trustDomain) {
    this.trustDomain = trustDomain == null ? "" : trustDomain;
    return this;
  }

  public PluginConfigBuilder region(String region) {
    this.region = emptyToNull(region);
    return this;
  }

  public PluginConfigBuilder accessKeyId(String accessKeyId) {
    this.accessKeyId = emptyToNull(accessKeyId);
    return this;
  }

  public PluginConfigBuilder secretAccessKey(String secretAccessKey) {
    this.secretAccessKey = emptyToNull(secretAccessKey);
    return this;
  }

  public PluginConfigBuilder keyIdentifierFile(String path) {
    this.keyIdentifierFile = emptyToNull(path);
    return this;
  }

  public PluginConfigBuilder keyIdentifierValue(String value) {
    this.keyIdentifierValue = emptyToNull(value);
    return this;
  }

  public PluginConfigBuilder keyPolicyFile(String path) {
    this.keyPolicyFile = emptyToNull(path);
    return this;
  }

  /**
   * {@code deletion_journal_file}; unset means beside {@code key_identifier_file}, or no journal
   * with {@code key_identifier_value}.
   */
  public PluginConfigBuilder deletionJournalFile(String path) {
    this.deletionJournalFile = emptyToNull(path);
    return this;
  }

  /** Tags for new keys; iteration order is kept. */
  public PluginConfigBuilder keyTags(Map<String, String> keyTags) {
    this.keyTags = Collections.unmodifiableMap(new LinkedHashMap<>(keyTags));
    return this;
  }

  public PluginConfigBuilder endpoint(String endpoint) {
    this.endpoint = emptyToNull(endpoint);
    return this;
  }

  public PluginConfigBuilder startupConcurrency(int startupConcurrency) {
    this.startupConcurrency = startupConcurrency;
    return this;
  }

  /** 0 for no limit. */
  public PluginConfigBuilder kmsControlPlaneRps(int callsPerSecond) {
    this.kmsControlPlaneRps = callsPerSecond;
    return this;
  }

  public PluginConfigBuilder keyDeletionPendingWindowDays(int days) {
    this.keyDeletionPendingWindowDays = days;
    return this;
  }

  public PluginConfigBuilder staleAliasThreshold(Duration threshold) {
    this.staleAliasThreshold = Objects.requireNonNull(threshold);
    return this;
  }

  public PluginConfigBuilder disposalMode(DisposalMode disposalMode) {
    this.disposalMode = Objects.requireNonNull(disposalMode);
    return this;
  }

  /** Upstream's {@code enable_tag_based_key_discovery}. */
  public PluginConfigBuilder tagBasedKeyDiscovery(boolean enabled) {
    this.tagBasedKeyDiscovery = enabled;
    return this;
  }

  /** {@code tagging_endpoint}: the Resource Groups Tagging API endpoint; empty for the default. */
  public PluginConfigBuilder taggingEndpoint(String endpoint) {
    this.taggingEndpoint = emptyToNull(endpoint);
    return this;
  }

  /** {@code assume_role_arn}: the roles to assume, in order; empty or {@code null} for none. */
  public PluginConfigBuilder assumeRoleArns(List<String> roleArns) {
    this.assumeRoleArns = StringOrList.of(roleArns);
    return this;
  }

  /** {@code assume_role_arn} in the form it was written: for messages naming list positions. */
  PluginConfigBuilder roleArns(StringOrList roleArns) {
    this.assumeRoleArns = Objects.requireNonNull(roleArns);
    return this;
  }

  /**
   * {@code assume_role_external_id} as a list: one entry per role, {@code ""} for a role without an
   * external id.
   */
  public PluginConfigBuilder assumeRoleExternalIds(List<String> externalIds) {
    this.assumeRoleExternalIds = StringOrList.of(externalIds);
    return this;
  }

  /** {@code assume_role_external_id} as a string: the same external id for every role. */
  public PluginConfigBuilder assumeRoleExternalId(String externalId) {
    this.assumeRoleExternalIds = StringOrList.one(externalId);
    return this;
  }

  PluginConfigBuilder externalIds(StringOrList externalIds) {
    this.assumeRoleExternalIds = Objects.requireNonNull(externalIds);
    return this;
  }

  /** {@code assume_role_session_name}; unset means derived from the server id. */
  public PluginConfigBuilder assumeRoleSessionName(String sessionName) {
    this.assumeRoleSessionName = emptyToNull(sessionName);
    return this;
  }

  /** {@code assume_role_duration}; {@code null} means the default, one hour. */
  public PluginConfigBuilder assumeRoleDuration(Duration duration) {
    this.assumeRoleDuration = duration;
    return this;
  }

  public PluginConfigBuilder stsEndpoint(String stsEndpoint) {
    this.stsEndpoint = emptyToNull(stsEndpoint);
    return this;
  }

  public PluginConfigBuilder useFipsEndpoint(boolean useFipsEndpoint) {
    this.useFipsEndpoint = useFipsEndpoint;
    return this;
  }

  /** {@code status_file}; {@code null} or empty for no status report. */
  public PluginConfigBuilder statusFile(String path) {
    this.statusFile = emptyToNull(path);
    return this;
  }

  /** {@code replica_regions}: the regions to replicate new keys into; empty for none. */
  public PluginConfigBuilder replicaRegions(List<String> regions) {
    this.replicaRegions = StringOrList.of(regions);
    return this;
  }

  PluginConfigBuilder replicaRegions(StringOrList regions) {
    this.replicaRegions = Objects.requireNonNull(regions);
    return this;
  }

  /** {@code replica_endpoints}: replica region to KMS endpoint URL; iteration order is kept. */
  public PluginConfigBuilder replicaEndpoints(Map<String, String> endpoints) {
    this.replicaEndpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    return this;
  }

  PluginConfigBuilder rejected(String key) {
    rejectedKeys.add(key);
    return this;
  }

  /** A builder holding {@code config}'s values: {@link PluginConfig#toBuilder()}. */
  static PluginConfigBuilder from(PluginConfig config) {
    PluginConfigBuilder b =
        new PluginConfigBuilder()
            .trustDomain(config.trustDomain())
            .region(config.region())
            .keyPolicyFile(config.keyPolicyFile().map(Path::toString).orElse(null))
            .deletionJournalFile(
                config.configuredDeletionJournalFile().map(Path::toString).orElse(null))
            .keyTags(config.keyTags())
            .endpoint(config.endpoint().map(Object::toString).orElse(null))
            .startupConcurrency(config.startupConcurrency())
            .keyDeletionPendingWindowDays(config.keyDeletionPendingWindowDays())
            .staleAliasThreshold(config.staleAliasThreshold())
            .disposalMode(config.disposalMode())
            .stsEndpoint(config.stsEndpoint().map(Object::toString).orElse(null))
            .useFipsEndpoint(config.useFipsEndpoint())
            .statusFile(config.statusFile().map(Path::toString).orElse(null))
            .tagBasedKeyDiscovery(config.tagBasedKeyDiscovery())
            .taggingEndpoint(config.taggingEndpoint().map(Object::toString).orElse(null))
            .replicaRegions(config.replicaRegions().regions())
            .replicaEndpoints(
                config.replicaRegions().endpoints().entrySet().stream()
                    .collect(
                        Collectors.toMap(
                            Map.Entry::getKey,
                            e -> e.getValue().toString(),
                            (a, c) -> a,
                            LinkedHashMap::new)))
            .kmsControlPlaneRps(config.kmsControlPlaneRps().orElse(0));
    RoleChainRules.copyTo(config.roleChain(), b);
    config
        .staticCredentials()
        .ifPresent(
            credentials -> {
              b.accessKeyId(credentials.accessKeyId());
              b.secretAccessKey(credentials.secretAccessKey());
            });
    if (config.serverIdSource() instanceof ServerIdSource.FromFile file) {
      b.keyIdentifierFile(file.path().toString());
    } else if (config.serverIdSource() instanceof ServerIdSource.FromValue value) {
      b.keyIdentifierValue(value.value());
    }
    return b;
  }

  /** The configuration, or {@link InvalidConfigException} carrying every error. */
  public PluginConfig build() {
    return validate().configOrThrow();
  }

  /** Every error and warning, and the configuration when there is no error. */
  public ConfigResult validate() {
    Checked checked = check();
    List<String> errors = new ArrayList<>(checked.coreErrors());
    errors.addAll(checked.errors());
    return new ConfigResult(errors, checked.warnings(), checked.config());
  }

  /** The checks, with core-configuration errors kept apart so they can be listed first. */
  Checked check() {
    return new ConfigChecks(this).run();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The outcome of {@link #check()}. */
  record Checked(
      List<String> coreErrors, List<String> errors, List<String> warnings, PluginConfig config) {}
}
