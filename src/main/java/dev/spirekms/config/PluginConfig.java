package dev.spirekms.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The plugin's validated, immutable configuration. Made by {@link ConfigLoader} from the text SPIRE
 * sends, or directly with {@link #builder()}; every rule is checked in {@link Builder#validate()}.
 */
public final class PluginConfig {

  public static final int DEFAULT_STARTUP_CONCURRENCY = 8;
  public static final int MIN_STARTUP_CONCURRENCY = 1;
  public static final int MAX_STARTUP_CONCURRENCY = 64;
  // KMS ScheduleKeyDeletion accepts a PendingWindowInDays of 7 to 30.
  public static final int DEFAULT_KEY_DELETION_PENDING_WINDOW_DAYS = 7;
  public static final int MIN_KEY_DELETION_PENDING_WINDOW_DAYS = 7;
  public static final int MAX_KEY_DELETION_PENDING_WINDOW_DAYS = 30;
  public static final Duration DEFAULT_STALE_ALIAS_THRESHOLD = Duration.ofDays(14);
  public static final Duration MIN_STALE_ALIAS_THRESHOLD = Duration.ofHours(24);
  public static final DisposalMode DEFAULT_DISPOSAL_MODE = DisposalMode.DELETE;

  private final String trustDomain;
  private final String region;
  private final StaticCredentials staticCredentials;
  private final ServerIdSource serverIdSource;
  private final Path keyPolicyFile;
  private final Map<String, String> keyTags;
  private final URI endpoint;
  private final int startupConcurrency;
  private final int keyDeletionPendingWindowDays;
  private final Duration staleAliasThreshold;
  private final DisposalMode disposalMode;

  private PluginConfig(
      String trustDomain,
      String region,
      StaticCredentials staticCredentials,
      ServerIdSource serverIdSource,
      Path keyPolicyFile,
      Map<String, String> keyTags,
      URI endpoint,
      int startupConcurrency,
      int keyDeletionPendingWindowDays,
      Duration staleAliasThreshold,
      DisposalMode disposalMode) {
    this.trustDomain = trustDomain;
    this.region = region;
    this.staticCredentials = staticCredentials;
    this.serverIdSource = serverIdSource;
    this.keyPolicyFile = keyPolicyFile;
    this.keyTags = Collections.unmodifiableMap(new LinkedHashMap<>(keyTags));
    this.endpoint = endpoint;
    this.startupConcurrency = startupConcurrency;
    this.keyDeletionPendingWindowDays = keyDeletionPendingWindowDays;
    this.staleAliasThreshold = staleAliasThreshold;
    this.disposalMode = disposalMode;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .trustDomain(trustDomain)
            .region(region)
            .keyPolicyFile(keyPolicyFile == null ? null : keyPolicyFile.toString())
            .keyTags(keyTags)
            .endpoint(endpoint == null ? null : endpoint.toString())
            .startupConcurrency(startupConcurrency)
            .keyDeletionPendingWindowDays(keyDeletionPendingWindowDays)
            .staleAliasThreshold(staleAliasThreshold)
            .disposalMode(disposalMode);
    if (staticCredentials != null) {
      b.accessKeyId(staticCredentials.accessKeyId());
      b.secretAccessKey(staticCredentials.secretAccessKey());
    }
    if (serverIdSource instanceof ServerIdSource.FromFile file) {
      b.keyIdentifierFile(file.path().toString());
    } else if (serverIdSource instanceof ServerIdSource.FromValue value) {
      b.keyIdentifierValue(value.value());
    }
    return b;
  }

  /** The trust domain name from SPIRE's core configuration, e.g. {@code example.org}. */
  public String trustDomain() {
    return trustDomain;
  }

  /** The trust domain as it appears in KMS names: every {@code .} replaced by {@code _}. */
  public String sanitizedTrustDomain() {
    return TrustDomainRules.sanitize(trustDomain);
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

  /**
   * The effective settings for an Info log line, as field name to value, in a fixed order. Secrets
   * are never included: {@code access_key_id} shows only {@code set} or {@code unset}.
   */
  public Map<String, String> summary() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("trust_domain", trustDomain);
    s.put("region", region);
    s.put("credentials", staticCredentials == null ? "default chain" : "static");
    s.put("access_key_id", staticCredentials == null ? "unset" : "set");
    if (serverIdSource instanceof ServerIdSource.FromFile file) {
      s.put("key_identifier_file", file.path().toString());
    } else if (serverIdSource instanceof ServerIdSource.FromValue value) {
      s.put("key_identifier_value", value.value());
    }
    s.put("key_policy_file", keyPolicyFile == null ? "default policy" : keyPolicyFile.toString());
    s.put("key_tags", keyTags.isEmpty() ? "none" : String.join(",", keyTags.keySet()));
    s.put("endpoint", endpoint == null ? "default" : endpoint.toString());
    s.put("startup_concurrency", Integer.toString(startupConcurrency));
    s.put("key_deletion_pending_window_days", Integer.toString(keyDeletionPendingWindowDays));
    s.put("stale_alias_threshold", GoDuration.format(staleAliasThreshold));
    s.put("disposal_mode", disposalMode.configValue());
    return Collections.unmodifiableMap(s);
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
        && keyTags.equals(other.keyTags)
        && List.copyOf(keyTags.keySet()).equals(List.copyOf(other.keyTags.keySet()))
        && Objects.equals(endpoint, other.endpoint)
        && startupConcurrency == other.startupConcurrency
        && keyDeletionPendingWindowDays == other.keyDeletionPendingWindowDays
        && staleAliasThreshold.equals(other.staleAliasThreshold)
        && disposalMode == other.disposalMode;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        trustDomain,
        region,
        staticCredentials,
        serverIdSource,
        keyPolicyFile,
        keyTags,
        endpoint,
        startupConcurrency,
        keyDeletionPendingWindowDays,
        staleAliasThreshold,
        disposalMode);
  }

  /**
   * Collects settings and checks them all together. An empty string counts as not set, as it does
   * upstream. {@link #validate()} reports every problem; {@link #build()} throws on the first.
   */
  public static final class Builder {

    private String trustDomain = "";
    private String region;
    private String accessKeyId;
    private String secretAccessKey;
    private String keyIdentifierFile;
    private String keyIdentifierValue;
    private String keyPolicyFile;
    private Map<String, String> keyTags = Map.of();
    private String endpoint;
    private int startupConcurrency = DEFAULT_STARTUP_CONCURRENCY;
    private int keyDeletionPendingWindowDays = DEFAULT_KEY_DELETION_PENDING_WINDOW_DAYS;
    private Duration staleAliasThreshold = DEFAULT_STALE_ALIAS_THRESHOLD;
    private DisposalMode disposalMode = DEFAULT_DISPOSAL_MODE;
    private boolean tagBasedKeyDiscovery;
    // Keys whose text had the wrong type: already reported, so not reported again as missing.
    private final Set<String> rejectedKeys = new HashSet<>();

    private Builder() {}

    /** The trust domain name from SPIRE's core configuration ({@code null} counts as missing). */
    public Builder trustDomain(String trustDomain) {
      this.trustDomain = trustDomain == null ? "" : trustDomain;
      return this;
    }

    public Builder region(String region) {
      this.region = emptyToNull(region);
      return this;
    }

    public Builder accessKeyId(String accessKeyId) {
      this.accessKeyId = emptyToNull(accessKeyId);
      return this;
    }

    public Builder secretAccessKey(String secretAccessKey) {
      this.secretAccessKey = emptyToNull(secretAccessKey);
      return this;
    }

    public Builder keyIdentifierFile(String path) {
      this.keyIdentifierFile = emptyToNull(path);
      return this;
    }

    public Builder keyIdentifierValue(String value) {
      this.keyIdentifierValue = emptyToNull(value);
      return this;
    }

    public Builder keyPolicyFile(String path) {
      this.keyPolicyFile = emptyToNull(path);
      return this;
    }

    /** Tags for new keys; iteration order is kept. */
    public Builder keyTags(Map<String, String> keyTags) {
      this.keyTags = Collections.unmodifiableMap(new LinkedHashMap<>(keyTags));
      return this;
    }

    public Builder endpoint(String endpoint) {
      this.endpoint = emptyToNull(endpoint);
      return this;
    }

    public Builder startupConcurrency(int startupConcurrency) {
      this.startupConcurrency = startupConcurrency;
      return this;
    }

    public Builder keyDeletionPendingWindowDays(int days) {
      this.keyDeletionPendingWindowDays = days;
      return this;
    }

    public Builder staleAliasThreshold(Duration threshold) {
      this.staleAliasThreshold = Objects.requireNonNull(threshold);
      return this;
    }

    public Builder disposalMode(DisposalMode disposalMode) {
      this.disposalMode = Objects.requireNonNull(disposalMode);
      return this;
    }

    /** Upstream's {@code enable_tag_based_key_discovery}; only {@code false} is supported. */
    public Builder tagBasedKeyDiscovery(boolean enabled) {
      this.tagBasedKeyDiscovery = enabled;
      return this;
    }

    Builder rejected(String key) {
      rejectedKeys.add(key);
      return this;
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
      List<String> core = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      List<String> warnings = new ArrayList<>();

      boolean trustDomainValid = checkTrustDomain(core, warnings);
      if (region == null && !rejectedKeys.contains("region")) {
        errors.add("configuration is missing a region");
      }
      if ((accessKeyId == null) != (secretAccessKey == null)) {
        errors.add("access_key_id and secret_access_key must be set together");
      } else if (accessKeyId != null) {
        warnings.add(
            "access_key_id and secret_access_key are set: static credentials are discouraged;"
                + " prefer the default AWS credential chain (instance profile, IRSA, environment)");
      }
      Path identifierPath = checkKeyIdentifier(errors, trustDomainValid);
      Path policyPath = toPath("key_policy_file", keyPolicyFile, errors);
      errors.addAll(KeyTagRules.problems(keyTags));
      URI endpointUri = endpoint == null ? null : EndpointRules.check(endpoint, errors, warnings);
      if (startupConcurrency < MIN_STARTUP_CONCURRENCY
          || startupConcurrency > MAX_STARTUP_CONCURRENCY) {
        errors.add(
            "startup_concurrency must be between "
                + MIN_STARTUP_CONCURRENCY
                + " and "
                + MAX_STARTUP_CONCURRENCY);
      }
      if (keyDeletionPendingWindowDays < MIN_KEY_DELETION_PENDING_WINDOW_DAYS
          || keyDeletionPendingWindowDays > MAX_KEY_DELETION_PENDING_WINDOW_DAYS) {
        errors.add(
            "key_deletion_pending_window_days must be between "
                + MIN_KEY_DELETION_PENDING_WINDOW_DAYS
                + " and "
                + MAX_KEY_DELETION_PENDING_WINDOW_DAYS);
      }
      if (staleAliasThreshold.compareTo(MIN_STALE_ALIAS_THRESHOLD) < 0) {
        errors.add("stale_alias_threshold must be at least 24h");
      }
      if (tagBasedKeyDiscovery) {
        errors.add(
            "enable_tag_based_key_discovery is not supported by this plugin; keys are discovered"
                + " through their aliases");
      }

      PluginConfig config = null;
      // A rejected key was reported by the loader; without its value there is no configuration.
      if (core.isEmpty() && errors.isEmpty() && rejectedKeys.isEmpty()) {
        ServerIdSource source =
            identifierPath != null
                ? new ServerIdSource.FromFile(identifierPath)
                : new ServerIdSource.FromValue(keyIdentifierValue);
        config =
            new PluginConfig(
                trustDomain,
                region,
                accessKeyId == null ? null : new StaticCredentials(accessKeyId, secretAccessKey),
                source,
                policyPath,
                keyTags,
                endpointUri,
                startupConcurrency,
                keyDeletionPendingWindowDays,
                staleAliasThreshold,
                disposalMode);
      }
      return new Checked(core, errors, warnings, config);
    }

    private boolean checkTrustDomain(List<String> core, List<String> warnings) {
      if (trustDomain.isEmpty()) {
        core.add("server core configuration must contain trust_domain");
        return false;
      }
      Optional<String> problem = TrustDomainRules.problem(trustDomain);
      if (problem.isPresent()) {
        core.add("server core configuration trust_domain is malformed: " + problem.get());
        return false;
      }
      if (trustDomain.indexOf('_') >= 0) {
        String sanitized = TrustDomainRules.sanitize(trustDomain);
        warnings.add(
            "trust domain "
                + GoQuote.quote(trustDomain)
                + " contains '_': its KMS names collide with those of "
                + GoQuote.quote(trustDomain.replace('_', '.'))
                + " (both sanitise to "
                + GoQuote.quote(sanitized)
                + ")");
      }
      return true;
    }

    /** Checks the server id settings; returns the file's path when the id comes from a file. */
    private Path checkKeyIdentifier(List<String> errors, boolean trustDomainValid) {
      boolean fileRejected = rejectedKeys.contains("key_identifier_file");
      boolean valueRejected = rejectedKeys.contains("key_identifier_value");
      if (keyIdentifierFile == null && keyIdentifierValue == null) {
        if (!fileRejected && !valueRejected) {
          errors.add("configuration requires a key identifier file or a key identifier value");
        }
        return null;
      }
      if (keyIdentifierFile != null && keyIdentifierValue != null) {
        errors.add(
            "configuration can't have a key identifier file and a key identifier value at the same"
                + " time");
        return null;
      }
      String sanitized = TrustDomainRules.sanitize(trustDomain);
      if (keyIdentifierFile != null) {
        Path path = toPath("key_identifier_file", keyIdentifierFile, errors);
        if (trustDomainValid) {
          ServerIdRules.aliasLengthProblem(sanitized, ServerIdRules.FILE_SERVER_ID_LENGTH, true)
              .ifPresent(errors::add);
        }
        return path;
      }
      List<String> valueProblems = ServerIdRules.valueProblems(keyIdentifierValue);
      errors.addAll(valueProblems);
      if (trustDomainValid && valueProblems.isEmpty()) {
        ServerIdRules.aliasLengthProblem(sanitized, keyIdentifierValue.length(), false)
            .ifPresent(errors::add);
      }
      return null;
    }

    private static Path toPath(String key, String value, List<String> errors) {
      if (value == null) {
        return null;
      }
      try {
        return Path.of(value);
      } catch (InvalidPathException e) {
        errors.add(key + " is not a valid path: " + e.getReason());
        return null;
      }
    }

    private static String emptyToNull(String s) {
      return s == null || s.isEmpty() ? null : s;
    }
  }

  /** The outcome of {@link Builder#check()}. */
  record Checked(
      List<String> coreErrors, List<String> errors, List<String> warnings, PluginConfig config) {}
}
