package dev.spirekms.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks of {@link PluginConfig.Builder#validate()}: each setting's rules and the rules between
 * settings, run once over the builder's values.
 */
final class ConfigChecks {

  static final String NO_DELETION_JOURNAL =
      "key_identifier_value is set without deletion_journal_file: keys queued for deletion are"
          + " forgotten if the plugin stops before KMS accepts their deletion (the orphan key sweep"
          + " finds them after 48h)";

  private final PluginConfig.Builder b;
  private final List<String> core = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  ConfigChecks(PluginConfig.Builder builder) {
    this.b = builder;
  }

  /** Every problem, core-configuration errors apart, and the configuration when there is none. */
  PluginConfig.Checked run() {
    boolean trustDomainValid = checkTrustDomain();
    if (b.region == null && !b.rejectedKeys.contains("region")) {
      errors.add("configuration is missing a region");
    }
    if ((b.accessKeyId == null) != (b.secretAccessKey == null)) {
      errors.add("access_key_id and secret_access_key must be set together");
    } else if (b.accessKeyId != null) {
      warnings.add(
          "access_key_id and secret_access_key are set: static credentials are discouraged;"
              + " prefer the default AWS credential chain (instance profile, IRSA, environment)");
    }
    Path identifierPath = checkKeyIdentifier(trustDomainValid);
    Path policyPath = toPath("key_policy_file", b.keyPolicyFile);
    Path journalPath = toPath("deletion_journal_file", b.deletionJournalFile);
    if (journalPath != null && identifierPath != null && samePath(journalPath, identifierPath)) {
      errors.add("deletion_journal_file must not be the key_identifier_file");
    }
    Path statusPath = toPath("status_file", b.statusFile);
    if (statusPath != null) {
      if (identifierPath != null && samePath(statusPath, identifierPath)) {
        errors.add("status_file must not be the key_identifier_file");
      }
      if (journalPath != null && samePath(statusPath, journalPath)) {
        errors.add("status_file must not be the deletion_journal_file");
      }
    }
    errors.addAll(KeyTagRules.problems(b.keyTags));
    URI endpointUri = endpoint("endpoint", "KMS", b.endpoint);
    checkRanges();
    URI taggingUri = endpoint("tagging_endpoint", "Resource Groups Tagging API", b.taggingEndpoint);
    RoleChain roleChain =
        RoleChainRules.check(
            new RoleChainRules.Settings(
                b.assumeRoleArns,
                b.rejectedKeys.contains(RoleChainRules.ROLE_ARN),
                b.assumeRoleExternalIds,
                b.assumeRoleSessionName,
                b.assumeRoleDuration),
            b.region,
            errors,
            warnings);
    URI stsUri = endpoint("sts_endpoint", "STS", b.stsEndpoint);
    if (b.useFipsEndpoint) {
      fipsConflict("endpoint", b.endpoint);
      fipsConflict("sts_endpoint", b.stsEndpoint);
    }

    PluginConfig config = null;
    // A rejected key was reported by the loader; without its value there is no configuration.
    if (core.isEmpty() && errors.isEmpty() && b.rejectedKeys.isEmpty()) {
      ServerIdSource source =
          identifierPath != null
              ? new ServerIdSource.FromFile(identifierPath)
              : new ServerIdSource.FromValue(b.keyIdentifierValue);
      config =
          new PluginConfig(
              b.trustDomain,
              b.region,
              b.accessKeyId == null
                  ? null
                  : new StaticCredentials(b.accessKeyId, b.secretAccessKey),
              source,
              policyPath,
              journalPath,
              b.keyTags,
              endpointUri,
              b.startupConcurrency,
              b.keyDeletionPendingWindowDays,
              b.staleAliasThreshold,
              b.disposalMode,
              roleChain,
              stsUri,
              b.useFipsEndpoint,
              statusPath,
              b.tagBasedKeyDiscovery,
              taggingUri);
      // Only for a configuration that is otherwise valid: the notes of a broken one stay its
      // errors.
      if (journalPath == null && source instanceof ServerIdSource.FromValue) {
        warnings.add(NO_DELETION_JOURNAL);
      }
    }
    return new PluginConfig.Checked(core, errors, warnings, config);
  }

  private URI endpoint(String key, String service, String value) {
    return value == null ? null : EndpointRules.check(key, service, value, errors, warnings);
  }

  private void fipsConflict(String key, String endpoint) {
    if (endpoint != null) {
      errors.add(
          key
              + " and use_fips_endpoint cannot be set together: the endpoint given is used as it"
              + " is");
    }
  }

  private void checkRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      errors.add(key + " must be between " + min + " and " + max);
    }
  }

  private void checkRanges() {
    checkRange(
        "startup_concurrency",
        b.startupConcurrency,
        PluginConfig.MIN_STARTUP_CONCURRENCY,
        PluginConfig.MAX_STARTUP_CONCURRENCY);
    checkRange(
        "key_deletion_pending_window_days",
        b.keyDeletionPendingWindowDays,
        PluginConfig.MIN_KEY_DELETION_PENDING_WINDOW_DAYS,
        PluginConfig.MAX_KEY_DELETION_PENDING_WINDOW_DAYS);
    if (b.staleAliasThreshold.compareTo(PluginConfig.MIN_STALE_ALIAS_THRESHOLD) < 0) {
      errors.add("stale_alias_threshold must be at least 24h");
    }
  }

  private boolean checkTrustDomain() {
    String trustDomain = b.trustDomain;
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
      String sanitized = KmsAliasNames.sanitizeTrustDomain(trustDomain);
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
  private Path checkKeyIdentifier(boolean trustDomainValid) {
    boolean fileRejected = b.rejectedKeys.contains("key_identifier_file");
    boolean valueRejected = b.rejectedKeys.contains("key_identifier_value");
    String file = b.keyIdentifierFile;
    String value = b.keyIdentifierValue;
    if (file == null && value == null) {
      if (!fileRejected && !valueRejected) {
        errors.add("configuration requires a key identifier file or a key identifier value");
      }
      return null;
    }
    if (file != null && value != null) {
      errors.add(
          "configuration can't have a key identifier file and a key identifier value at the same"
              + " time");
      return null;
    }
    String sanitized = KmsAliasNames.sanitizeTrustDomain(b.trustDomain);
    if (file != null) {
      Path path = toPath("key_identifier_file", file);
      if (trustDomainValid) {
        ServerIdRules.aliasLengthProblem(sanitized, ServerIdRules.FILE_SERVER_ID_LENGTH, true)
            .ifPresent(errors::add);
      }
      return path;
    }
    List<String> valueProblems = ServerIdRules.valueProblems(value);
    errors.addAll(valueProblems);
    if (trustDomainValid && valueProblems.isEmpty()) {
      ServerIdRules.aliasLengthProblem(sanitized, value.length(), false).ifPresent(errors::add);
    }
    return null;
  }

  /** Whether two paths name the same file, as far as can be told without the file system. */
  private static boolean samePath(Path a, Path b) {
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  private Path toPath(String key, String value) {
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
}
