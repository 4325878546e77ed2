package dev.spirekms.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for the assume-role settings: {@code assume_role_arn}, {@code assume_role_external_id},
 * {@code assume_role_session_name} and {@code assume_role_duration}. External ids are confidential:
 * no message quotes one.
 */
final class RoleChainRules {

  static final String ROLE_ARN = "assume_role_arn";
  static final String EXTERNAL_ID = "assume_role_external_id";
  static final String SESSION_NAME = "assume_role_session_name";
  static final String DURATION = "assume_role_duration";

  static final int MAX_HOPS = 10;
  static final Duration DEFAULT_DURATION = Duration.ofHours(1);
  static final Duration MIN_DURATION = Duration.ofMinutes(15);
  static final Duration MAX_DURATION = Duration.ofHours(12);
  // STS limits a session made with another role's credentials (role chaining) to one hour.
  static final Duration CHAINED_MAX_DURATION = Duration.ofHours(1);

  private static final Pattern ROLE_ARN_PATTERN =
      Pattern.compile(
          "arn:(aws|aws-cn|aws-us-gov):iam::\\d{12}:role/(?:[\\w+=,.@/-]*/)?[\\w+=,.@-]{1,64}");
  private static final Pattern EXTERNAL_ID_PATTERN = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
  private static final Pattern SESSION_NAME_PATTERN = Pattern.compile("[\\w+=,.@-]{2,64}");

  private RoleChainRules() {}

  /**
   * The assume-role settings as the builder holds them.
   *
   * @param roleArns {@code assume_role_arn}
   * @param roleArnRejected whether {@code assume_role_arn} was given with the wrong type, so it
   *     counts as set though it has no value
   * @param externalIds {@code assume_role_external_id}
   * @param sessionName {@code assume_role_session_name}, or {@code null}
   * @param duration {@code assume_role_duration}, or {@code null} for the default
   */
  record Settings(
      StringOrList roleArns,
      boolean roleArnRejected,
      StringOrList externalIds,
      String sessionName,
      Duration duration) {}

  /**
   * Checks the settings, adding their problems to {@code errors} and {@code warnings}.
   *
   * @param region the configured region, or {@code null} when it is missing
   * @return the chain, {@link RoleChain#none()} when no role is set or a rule is broken
   */
  static RoleChain check(Settings s, String region, List<String> errors, List<String> warnings) {
    int errorsBefore = errors.size();
    StringOrList arns = s.roleArns();
    boolean arnGiven = !arns.isEmpty() || s.roleArnRejected();
    checkRoleArns(arns, region, errors);

    StringOrList ids = s.externalIds();
    if (!ids.isEmpty()) {
      if (!arnGiven) {
        errors.add(String.format(ConfigMessages.REQUIRES_ROLE_ARN, EXTERNAL_ID));
      } else if (!ids.single() && !arns.isEmpty() && ids.size() != arns.size()) {
        errors.add(
            ids.size() == 1
                ? String.format(ConfigMessages.EXTERNAL_ID_COUNT_ONE, arns.size())
                : String.format(ConfigMessages.EXTERNAL_ID_COUNT, ids.size(), arns.size()));
      }
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.values().get(i);
        if (!id.isEmpty() && !EXTERNAL_ID_PATTERN.matcher(id).matches()) {
          // The value is not repeated: an external id is treated as a secret.
          errors.add(
              String.format(ConfigMessages.EXTERNAL_ID_CHARACTERS, ids.label(EXTERNAL_ID, i)));
        }
      }
    }

    String sessionName = s.sessionName();
    if (sessionName != null) {
      if (!arnGiven) {
        errors.add(String.format(ConfigMessages.REQUIRES_ROLE_ARN, SESSION_NAME));
      }
      if (!SESSION_NAME_PATTERN.matcher(sessionName).matches()) {
        errors.add(
            String.format(ConfigMessages.SESSION_NAME_CHARACTERS, GoQuote.quote(sessionName)));
      }
    }

    Duration duration = s.duration() == null ? DEFAULT_DURATION : s.duration();
    if (s.duration() != null) {
      if (!arnGiven) {
        errors.add(String.format(ConfigMessages.REQUIRES_ROLE_ARN, DURATION));
      }
      if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
        errors.add(
            String.format(
                ConfigMessages.ROLE_DURATION_RANGE,
                GoDuration.format(MIN_DURATION),
                GoDuration.format(MAX_DURATION)));
      } else if (arns.size() > 1 && duration.compareTo(CHAINED_MAX_DURATION) > 0) {
        warnings.add(
            String.format(
                ConfigMessages.ROLE_DURATION_CHAINED,
                GoDuration.format(duration),
                GoDuration.format(CHAINED_MAX_DURATION),
                GoDuration.format(CHAINED_MAX_DURATION)));
      }
    }

    if (arns.isEmpty() || errors.size() > errorsBefore) {
      return RoleChain.none();
    }
    List<RoleHop> hops = new ArrayList<>(arns.size());
    for (int i = 0; i < arns.size(); i++) {
      Duration hopDuration =
          i == 0 || duration.compareTo(CHAINED_MAX_DURATION) <= 0 ? duration : CHAINED_MAX_DURATION;
      hops.add(new RoleHop(arns.values().get(i), externalId(ids, i), hopDuration));
    }
    return new RoleChain(hops, Optional.ofNullable(sessionName));
  }

  /** Sets in {@code b} the settings that give {@code chain}. */
  static void copyTo(RoleChain chain, PluginConfigBuilder b) {
    if (chain.isEmpty()) {
      return;
    }
    List<RoleHop> hops = chain.hops();
    b.assumeRoleArns(hops.stream().map(RoleHop::roleArn).toList());
    if (hops.stream().anyMatch(h -> h.externalId().isPresent())) {
      b.assumeRoleExternalIds(hops.stream().map(h -> h.externalId().orElse("")).toList());
    }
    b.assumeRoleSessionName(chain.sessionName().orElse(null));
    // The first hop has the configured duration; later ones may be capped.
    b.assumeRoleDuration(hops.get(0).duration());
  }

  private static void checkRoleArns(StringOrList arns, String region, List<String> errors) {
    if (arns.size() > MAX_HOPS) {
      errors.add(String.format(ConfigMessages.TOO_MANY_ROLES, arns.size(), MAX_HOPS));
    }
    for (int i = 0; i < arns.size(); i++) {
      String arn = arns.values().get(i);
      Matcher m = ROLE_ARN_PATTERN.matcher(arn);
      if (!m.matches()) {
        errors.add(
            String.format(
                ConfigMessages.NOT_A_ROLE_ARN, arns.label(ROLE_ARN, i), GoQuote.quote(arn)));
        continue;
      }
      String partition = m.group(1);
      if (region != null && !partition.equals(partitionOf(region))) {
        errors.add(
            String.format(
                ConfigMessages.PARTITION_MISMATCH,
                arns.label(ROLE_ARN, i),
                GoQuote.quote(partition),
                GoQuote.quote(region),
                GoQuote.quote(partitionOf(region))));
      }
    }
  }

  private static Optional<String> externalId(StringOrList ids, int hop) {
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    String id = ids.values().get(ids.single() ? 0 : hop);
    return id.isEmpty() ? Optional.empty() : Optional.of(id);
  }

  /** The AWS partition of {@code region}, by its name. */
  static String partitionOf(String region) {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
      return "aws-us-gov";
    }
    return "aws";
  }

  /** Whether STS allows code point {@code c} in a session name: {@code [\w+=,.@-]}. */
  static boolean isSessionNameChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "_+=,.@-".indexOf(c) >= 0;
  }
}
