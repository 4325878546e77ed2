package dev.spirekms.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks of {@link PluginConfigBuilder#validate()}: each setting's rules and the rules between
 * settings, run once over the builder's values.
 */
final class ConfigChecks {

  private final PluginConfigBuilder b;
  private final List<String> core = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  ConfigChecks(PluginConfigBuilder builder) {
    this.b = builder;
  }

  /** Every problem, core-configuration errors apart, and the configuration when there is none. */
  PluginConfigBuilder.Checked run() {
    boolean trustDomainValid = checkTrustDomain();
    if (b.region == null && !b.rejectedKeys.contains("region")) {
      errors.add(ConfigMessages.MISSING_REGION);
    }
    if ((b.accessKeyId == null) != (b.secretAccessKey == null)) {
      errors.add(ConfigMessages.STATIC_CREDENTIALS_HALF);
    } else if (b.accessKeyId != null) {
      warnings.add(ConfigMessages.STATIC_CREDENTIALS_DISCOURAGED);
    }
    Path identifierPath = checkKeyIdentifier(trustDomainValid);
    Path policyPath = toPath("key_policy_file", b.keyPolicyFile);
    Path journalPath = toPath("deletion_journal_file", b.deletionJournalFile);
    if (journalPath != null && identifierPath != null && samePath(journalPath, identifierPath)) {
      errors.add(ConfigMessages.JOURNAL_IS_KEY_IDENTIFIER_FILE);
    }
    Path statusPath = toPath("status_file", b.statusFile);
    if (statusPath != null) {
      if (identifierPath != null && samePath(statusPath, identifierPath)) {
        errors.add(ConfigMessages.STATUS_FILE_IS_KEY_IDENTIFIER_FILE);
      }
      if (journalPath != null && samePath(statusPath, journalPath)) {
        errors.add(ConfigMessages.STATUS_FILE_IS_JOURNAL);
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
    ReplicaRegions replicas =
        ReplicaRegionRules.check(
            b.replicaRegions, b.replicaEndpoints, b.region, b.useFipsEndpoint, errors, warnings);
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
              taggingUri,
              replicas,
              b.kmsControlPlaneRps);
      // Only for a configuration that is otherwise valid: the notes of a broken one stay its
      // errors.
      if (journalPath == null && source instanceof ServerIdSource.FromValue) {
        warnings.add(ConfigMessages.NO_DELETION_JOURNAL);
      }
    }
    return new PluginConfigBuilder.Checked(core, errors, warnings, config);
  }

  private URI endpoint(String key, String service, String value) {
    return value == null ? null : EndpointRules.check(key, service, value, errors, warnings);
  }

  private void fipsConflict(String key, String endpoint) {
    if (endpoint != null) {
      errors.add(String.format(ConfigMessages.FIPS_WITH_ENDPOINT, key));
    }
  }

  private void checkRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      errors.add(String.format(ConfigMessages.OUT_OF_RANGE, key, min, max));
    }
  }

  private void checkRanges() {
    checkRange(
        "startup_concurrency",
        b.startupConcurrency,
        PluginConfig.MIN_STARTUP_CONCURRENCY,
        PluginConfig.MAX_STARTUP_CONCURRENCY);
    if (b.kmsControlPlaneRps != 0) {
      checkRange(
          "kms_control_plane_rps",
          b.kmsControlPlaneRps,
          PluginConfig.MIN_KMS_CONTROL_PLANE_RPS,
          PluginConfig.MAX_KMS_CONTROL_PLANE_RPS);
    }
    checkRange(
        "key_deletion_pending_window_days",
        b.keyDeletionPendingWindowDays,
        PluginConfig.MIN_KEY_DELETION_PENDING_WINDOW_DAYS,
        PluginConfig.MAX_KEY_DELETION_PENDING_WINDOW_DAYS);
    if (b.staleAliasThreshold.compareTo(PluginConfig.MIN_STALE_ALIAS_THRESHOLD) < 0) {
      errors.add(ConfigMessages.STALE_ALIAS_THRESHOLD_TOO_SHORT);
    }
  }

  private boolean checkTrustDomain() {
    String trustDomain = b.trustDomain;
    if (trustDomain.isEmpty()) {
      core.add(ConfigMessages.CORE_TRUST_DOMAIN_MISSING);
      return false;
    }
    Optional<String> problem = TrustDomainRules.problem(trustDomain);
    if (problem.isPresent()) {
      core.add(String.format(ConfigMessages.CORE_TRUST_DOMAIN_MALFORMED, problem.get()));
      return false;
    }
    if (trustDomain.indexOf('_') >= 0) {
      String sanitized = KmsAliasNames.sanitizeTrustDomain(trustDomain);
      warnings.add(
          String.format(
              ConfigMessages.TRUST_DOMAIN_UNDERSCORE,
              GoQuote.quote(trustDomain),
              GoQuote.quote(trustDomain.replace('_', '.')),
              GoQuote.quote(sanitized)));
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
        errors.add(ConfigMessages.KEY_IDENTIFIER_REQUIRED);
      }
      return null;
    }
    if (file != null && value != null) {
      errors.add(ConfigMessages.KEY_IDENTIFIER_FILE_AND_VALUE);
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
      errors.add(String.format(ConfigMessages.NOT_A_PATH, key, e.getReason()));
      return null;
    }
  }
}
