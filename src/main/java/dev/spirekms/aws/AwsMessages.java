package dev.spirekms.aws;

/**
 * The messages of failed AWS calls, as the plugin words them (after the context of the operation,
 * such as {@code failed to sign: }). Each has an entry in docs/troubleshooting.md
 * (MessageCatalogueTest checks it); the first {@code %s} is the IAM action (e.g. {@code kms:Sign}),
 * the last one AWS's or the SDK's own text.
 */
public final class AwsMessages {
  private AwsMessages() {}

  public static final String TIMED_OUT = "%s timed out: %s";
  public static final String UNREACHABLE = "%s could not reach AWS: %s";
  public static final String FAILED = "%s failed: %s";
  public static final String NOT_SENT = "%s was not sent: %s";
  // the reason of FAILED for a call stopped while it waited under kms_control_plane_rps
  public static final String RATE_LIMIT_INTERRUPTED =
      "interrupted while waiting for its turn under kms_control_plane_rps";
  public static final String CREDENTIALS_REJECTED = "AWS rejected the credentials used for %s: %s";
  public static final String ACCESS_DENIED = "access denied to %s: %s";
  public static final String THROTTLED = "%s was throttled by AWS: %s";

  /**
   * One hop of assume_role_arn; a failure to assume it reads {@code <hop>: <call message><hint>}.
   */
  public static final String ROLE_HOP = "role hop %d of %d (%s)";

  // the hints that end a failure to assume a hop
  public static final String HINT_FIRST_HOP_DURATION =
      "; when the source credentials are themselves a role session (IRSA, Pod Identity, ECS, an"
          + " instance profile), AWS caps the first hop at 1h too: set assume_role_duration to 1h"
          + " or less, or raise the role's maximum session duration";
  public static final String HINT_CHAINED_DURATION = "; AWS caps a role-chained session at 1h";

  /** The caller twice, and {@link #HINT_WITH_EXTERNAL_ID} or nothing. */
  public static final String HINT_TRUST_POLICY =
      "; check that the role's trust policy lets %s call sts:AssumeRole%s, and that %s may assume"
          + " the role";

  public static final String HINT_WITH_EXTERNAL_ID = " with this external id";
  public static final String HINT_STS_UNREACHABLE =
      "; check that STS is reachable from this server (on a private network, set sts_endpoint to"
          + " an STS VPC endpoint)";

  public static final String NEVER_ASSUMED = "no valid credentials for %s: it was never assumed%s";
  public static final String SESSION_EXPIRED =
      "no valid credentials for %s: its session expired at %s%s";
  // the last value of NEVER_ASSUMED and SESSION_EXPIRED, after a failed renewal
  public static final String RENEWING_FAILED = ", and renewing it failed: %s";
}
