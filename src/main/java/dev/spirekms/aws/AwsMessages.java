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
  public static final String CREDENTIALS_REJECTED = "AWS rejected the credentials used for %s: %s";
  public static final String ACCESS_DENIED = "access denied to %s: %s";
  public static final String THROTTLED = "%s was throttled by AWS: %s";

  /**
   * One hop of assume_role_arn; a failure to assume it reads {@code <hop>: <call message><hint>}.
   */
  public static final String ROLE_HOP = "role hop %d of %d (%s)";

  public static final String NEVER_ASSUMED = "no valid credentials for %s: it was never assumed%s";
  public static final String SESSION_EXPIRED =
      "no valid credentials for %s: its session expired at %s%s";
}
