package dev.spirekms.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what {@code Config.Configure} and {@code Config.Validate} receive, the trust domain and the
 * {@code hcl_configuration} text, into a {@link ConfigResult}: every problem as a note, and the
 * {@link PluginConfig} when there is no error.
 *
 * <p>Values are read as leniently as Go's {@code hcl.Decode} reads upstream's configuration: string
 * settings take a string, heredoc or number (as its text); integer settings take an integer or a
 * string holding one; booleans take only {@code true} or {@code false}; {@code assume_role_arn} and
 * {@code assume_role_external_id} take a string or a list of strings. Unknown keys are warned about
 * and ignored. Key names match regardless of case, as in Go's decoder, with a warning when the case
 * differs.
 */
public final class ConfigLoader {

  static final String REGION = "region";
  static final String ACCESS_KEY_ID = "access_key_id";
  static final String SECRET_ACCESS_KEY = "secret_access_key";
  static final String KEY_IDENTIFIER_FILE = "key_identifier_file";
  static final String KEY_IDENTIFIER_VALUE = "key_identifier_value";
  static final String KEY_POLICY_FILE = "key_policy_file";
  static final String DELETION_JOURNAL_FILE = "deletion_journal_file";
  static final String KEY_TAGS = "key_tags";
  static final String ENDPOINT = "endpoint";
  static final String STARTUP_CONCURRENCY = "startup_concurrency";
  static final String KMS_CONTROL_PLANE_RPS = "kms_control_plane_rps";
  static final String KEY_DELETION_PENDING_WINDOW_DAYS = "key_deletion_pending_window_days";
  static final String STALE_ALIAS_THRESHOLD = "stale_alias_threshold";
  static final String DISPOSAL_MODE = "disposal_mode";
  static final String ENABLE_TAG_BASED_KEY_DISCOVERY = "enable_tag_based_key_discovery";
  static final String KEY_METADATA_FILE = "key_metadata_file";
  static final String ASSUME_ROLE_ARN = RoleChainRules.ROLE_ARN;
  static final String ASSUME_ROLE_EXTERNAL_ID = RoleChainRules.EXTERNAL_ID;
  static final String ASSUME_ROLE_SESSION_NAME = RoleChainRules.SESSION_NAME;
  static final String ASSUME_ROLE_DURATION = RoleChainRules.DURATION;
  static final String STS_ENDPOINT = "sts_endpoint";
  static final String USE_FIPS_ENDPOINT = "use_fips_endpoint";
  static final String STATUS_FILE = "status_file";
  static final String TAGGING_ENDPOINT = "tagging_endpoint";
  static final String REPLICA_REGIONS = ReplicaRegionRules.REGIONS;
  static final String REPLICA_ENDPOINTS = ReplicaRegionRules.ENDPOINTS;

  /**
   * Every key the loader reads; docs/configuration.md has a row for each (ConfigurationTableTest).
   */
  static final List<String> KNOWN_KEYS =
      List.of(
          REGION,
          ACCESS_KEY_ID,
          SECRET_ACCESS_KEY,
          KEY_IDENTIFIER_FILE,
          KEY_IDENTIFIER_VALUE,
          KEY_POLICY_FILE,
          DELETION_JOURNAL_FILE,
          KEY_TAGS,
          ENDPOINT,
          STARTUP_CONCURRENCY,
          KMS_CONTROL_PLANE_RPS,
          KEY_DELETION_PENDING_WINDOW_DAYS,
          STALE_ALIAS_THRESHOLD,
          DISPOSAL_MODE,
          ENABLE_TAG_BASED_KEY_DISCOVERY,
          KEY_METADATA_FILE,
          ASSUME_ROLE_ARN,
          ASSUME_ROLE_EXTERNAL_ID,
          ASSUME_ROLE_SESSION_NAME,
          ASSUME_ROLE_DURATION,
          STS_ENDPOINT,
          USE_FIPS_ENDPOINT,
          STATUS_FILE,
          TAGGING_ENDPOINT,
          REPLICA_REGIONS,
          REPLICA_ENDPOINTS);

  private static final String REDACTED = "[redacted]";
  // Shorter values are not searched for in messages: they would blot out ordinary words.
  private static final int MIN_REDACTED_LENGTH = 4;

  private final PluginConfigBuilder builder = PluginConfig.builder();
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private ConfigLoader() {}

  /**
   * Reads and checks configuration.
   *
   * @param trustDomain the trust domain name from SPIRE's core configuration; {@code null} or empty
   *     is reported as missing
   * @param hclConfiguration HCL1 or JSON text; {@code null} or empty means no settings
   */
  public static ConfigResult load(String trustDomain, String hclConfiguration) {
    return new ConfigLoader().run(trustDomain, hclConfiguration);
  }

  private ConfigResult run(String trustDomain, String text) {
    builder.trustDomain(trustDomain);
    Map<String, Object> values;
    try {
      values = ConfigText.decode(text);
    } catch (ConfigSyntaxException e) {
      PluginConfigBuilder.Checked core = builder.check();
      List<String> all = new ArrayList<>(core.coreErrors());
      all.add(String.format(ConfigMessages.UNABLE_TO_DECODE, e.getMessage()));
      return new ConfigResult(all, List.of(), null);
    }
    Map<String, String> spelledAs = new HashMap<>();
    values.forEach(
        (key, value) -> {
          String canonical = canonicalKey(key);
          String earlier = spelledAs.putIfAbsent(canonical, key);
          if (earlier != null) {
            rejected(
                canonical,
                String.format(
                    ConfigMessages.SET_MORE_THAN_ONCE,
                    canonical,
                    GoQuote.quote(earlier),
                    GoQuote.quote(key)));
            return;
          }
          if (!canonical.equals(key)) {
            warnings.add(
                String.format(
                    ConfigMessages.KEY_CASE_DIFFERS, GoQuote.quote(key), GoQuote.quote(canonical)));
          }
          read(canonical, value);
        });
    PluginConfigBuilder.Checked checked = builder.check();
    List<String> allErrors = new ArrayList<>(checked.coreErrors());
    allErrors.addAll(errors);
    allErrors.addAll(checked.errors());
    List<String> allWarnings = new ArrayList<>(checked.warnings());
    allWarnings.addAll(warnings);
    List<String> secrets = secretValues(values);
    return new ConfigResult(
        redact(allErrors, secrets),
        redact(allWarnings, secrets),
        allErrors.isEmpty() ? checked.config() : null);
  }

  private void read(String key, Object value) {
    switch (key) {
      case REGION -> string(key, value).ifPresent(builder::region);
      case ACCESS_KEY_ID -> string(key, value).ifPresent(builder::accessKeyId);
      case SECRET_ACCESS_KEY -> string(key, value).ifPresent(builder::secretAccessKey);
      case KEY_IDENTIFIER_FILE -> string(key, value).ifPresent(builder::keyIdentifierFile);
      case KEY_IDENTIFIER_VALUE -> string(key, value).ifPresent(builder::keyIdentifierValue);
      case KEY_POLICY_FILE -> string(key, value).ifPresent(builder::keyPolicyFile);
      case DELETION_JOURNAL_FILE -> string(key, value).ifPresent(builder::deletionJournalFile);
      case KEY_TAGS -> stringMap(key, value).ifPresent(builder::keyTags);
      case ENDPOINT -> string(key, value).ifPresent(builder::endpoint);
      case STARTUP_CONCURRENCY -> integer(key, value).ifPresent(builder::startupConcurrency);
      case KMS_CONTROL_PLANE_RPS -> integer(key, value).ifPresent(this::kmsControlPlaneRps);
      case KEY_DELETION_PENDING_WINDOW_DAYS ->
          integer(key, value).ifPresent(builder::keyDeletionPendingWindowDays);
      case STALE_ALIAS_THRESHOLD -> string(key, value).ifPresent(this::staleAliasThreshold);
      case DISPOSAL_MODE -> string(key, value).ifPresent(this::disposalMode);
      case ENABLE_TAG_BASED_KEY_DISCOVERY ->
          bool(key, value).ifPresent(builder::tagBasedKeyDiscovery);
      case ASSUME_ROLE_ARN -> stringOrList(key, value).ifPresent(builder::roleArns);
      case ASSUME_ROLE_EXTERNAL_ID -> stringOrList(key, value).ifPresent(builder::externalIds);
      case ASSUME_ROLE_SESSION_NAME -> string(key, value).ifPresent(builder::assumeRoleSessionName);
      case ASSUME_ROLE_DURATION -> string(key, value).ifPresent(this::assumeRoleDuration);
      case STS_ENDPOINT -> string(key, value).ifPresent(builder::stsEndpoint);
      case USE_FIPS_ENDPOINT -> bool(key, value).ifPresent(builder::useFipsEndpoint);
      case STATUS_FILE -> string(key, value).ifPresent(builder::statusFile);
      case TAGGING_ENDPOINT -> string(key, value).ifPresent(builder::taggingEndpoint);
      case REPLICA_REGIONS -> stringOrList(key, value).ifPresent(builder::replicaRegions);
      case REPLICA_ENDPOINTS -> stringMap(key, value).ifPresent(builder::replicaEndpoints);
      case KEY_METADATA_FILE -> warnings.add(ConfigMessages.KEY_METADATA_FILE_REMOVED);
      default -> warnings.add(String.format(ConfigMessages.UNKNOWN_KEY, GoQuote.quote(key)));
    }
  }

  /** The known key {@code key} names, ignoring case as Go's HCL decoder does; else {@code key}. */
  private static String canonicalKey(String key) {
    for (String known : KNOWN_KEYS) {
      if (known.equalsIgnoreCase(key)) {
        return known;
      }
    }
    return key;
  }

  private void kmsControlPlaneRps(int callsPerSecond) {
    if (callsPerSecond < PluginConfig.MIN_KMS_CONTROL_PLANE_RPS
        || callsPerSecond > PluginConfig.MAX_KMS_CONTROL_PLANE_RPS) {
      rejected(
          KMS_CONTROL_PLANE_RPS,
          String.format(
              ConfigMessages.OUT_OF_RANGE,
              KMS_CONTROL_PLANE_RPS,
              PluginConfig.MIN_KMS_CONTROL_PLANE_RPS,
              PluginConfig.MAX_KMS_CONTROL_PLANE_RPS));
    } else {
      builder.kmsControlPlaneRps(callsPerSecond);
    }
  }

  private void staleAliasThreshold(String text) {
    Optional<Duration> duration = GoDuration.parse(text);
    if (duration.isPresent()) {
      builder.staleAliasThreshold(duration.get());
    } else {
      rejected(
          STALE_ALIAS_THRESHOLD,
          String.format(ConfigMessages.NOT_A_DURATION, STALE_ALIAS_THRESHOLD, text));
    }
  }

  private void assumeRoleDuration(String text) {
    Optional<Duration> duration = GoDuration.parse(text);
    if (duration.isPresent()) {
      builder.assumeRoleDuration(duration.get());
    } else {
      rejected(
          ASSUME_ROLE_DURATION,
          String.format(ConfigMessages.NOT_A_DURATION, ASSUME_ROLE_DURATION, text));
    }
  }

  private void disposalMode(String text) {
    Optional<DisposalMode> mode = DisposalMode.fromConfigValue(text);
    if (mode.isPresent()) {
      builder.disposalMode(mode.get());
    } else {
      rejected(DISPOSAL_MODE, ConfigMessages.DISPOSAL_MODE_INVALID);
    }
  }

  /** A string, heredoc or number (as its text), as Go's HCL decoder reads a string field. */
  private Optional<String> string(String key, Object value) {
    Optional<String> text = asString(value);
    if (text.isEmpty()) {
      rejected(key, String.format(ConfigMessages.NOT_A_STRING, key));
    }
    return text;
  }

  /**
   * A string (read as {@link #string} reads one) or a list of them; an empty string or list is not
   * set. A list entry of another type is reported by its index.
   */
  private Optional<StringOrList> stringOrList(String key, Object value) {
    Optional<String> one = asString(value);
    if (one.isPresent()) {
      return Optional.of(StringOrList.one(one.get()));
    }
    if (!(value instanceof List<?> list)) {
      rejected(key, String.format(ConfigMessages.NOT_A_STRING_OR_LIST, key));
      return Optional.empty();
    }
    List<String> strings = new ArrayList<>(list.size());
    boolean ok = true;
    for (int i = 0; i < list.size(); i++) {
      Optional<String> text = asString(list.get(i));
      if (text.isPresent()) {
        strings.add(text.get());
      } else {
        ok = false;
        errors.add(String.format(ConfigMessages.LIST_ENTRY_NOT_A_STRING, key, i));
      }
    }
    if (!ok) {
      builder.rejected(key);
      return Optional.empty();
    }
    return Optional.of(StringOrList.of(strings));
  }

  private static Optional<String> asString(Object value) {
    if (value instanceof String s) {
      return Optional.of(s);
    }
    if (value instanceof Long || value instanceof Double) {
      return Optional.of(value.toString());
    }
    return Optional.empty();
  }

  /**
   * An integer literal, or a string holding a decimal integer. Values outside the {@code int} range
   * are clamped: every integer setting has a much smaller range, which then reports them.
   */
  private Optional<Integer> integer(String key, Object value) {
    Long n = null;
    if (value instanceof Long l) {
      n = l;
    } else if (value instanceof String s && s.matches("[+-]?\\d{1,18}")) {
      n = Long.parseLong(s);
    }
    if (n == null) {
      rejected(key, String.format(ConfigMessages.NOT_AN_INTEGER, key));
      return Optional.empty();
    }
    return Optional.of((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n)));
  }

  private Optional<Boolean> bool(String key, Object value) {
    if (value instanceof Boolean b) {
      return Optional.of(b);
    }
    rejected(key, String.format(ConfigMessages.NOT_A_BOOLEAN, key));
    return Optional.empty();
  }

  private Optional<Map<String, String>> stringMap(String key, Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      rejected(key, String.format(ConfigMessages.NOT_A_MAP, key));
      return Optional.empty();
    }
    Map<String, String> strings = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = (String) e.getKey();
      Optional<String> text = asString(e.getValue());
      if (text.isPresent()) {
        strings.put(name, text.get());
      } else {
        ok = false;
        errors.add(String.format(ConfigMessages.MAP_VALUE_NOT_A_STRING, key, GoQuote.quote(name)));
      }
    }
    if (!ok) {
      builder.rejected(key);
      return Optional.empty();
    }
    return Optional.of(strings);
  }

  private void rejected(String key, String error) {
    errors.add(error);
    builder.rejected(key);
  }

  private static List<String> secretValues(Map<String, Object> values) {
    List<String> secrets = new ArrayList<>();
    values.forEach(
        (key, value) -> {
          String canonical = canonicalKey(key);
          if (canonical.equals(SECRET_ACCESS_KEY)
              || canonical.equals(ACCESS_KEY_ID)
              || canonical.equals(ASSUME_ROLE_EXTERNAL_ID)) {
            List<?> items = value instanceof List<?> list ? list : List.of(value);
            for (Object item : items) {
              asString(item).filter(s -> s.length() >= MIN_REDACTED_LENGTH).ifPresent(secrets::add);
            }
          }
        });
    // Longest first, so a secret that contains another is replaced whole.
    secrets.sort(Comparator.comparingInt(String::length).reversed());
    return secrets;
  }

  /**
   * No message quotes a credential, but one may quote a value an operator pasted a credential into
   * by mistake (an endpoint, a duration); such text is replaced, so secrets never reach a note.
   */
  private static List<String> redact(List<String> messages, List<String> secrets) {
    if (secrets.isEmpty()) {
      return messages;
    }
    List<String> out = new ArrayList<>(messages.size());
    for (String m : messages) {
      String r = m;
      for (String secret : secrets) {
        r = r.replace(secret, REDACTED);
      }
      out.add(r);
    }
    return out;
  }
}
