package dev.spirekms.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One role of a chain, as {@link RoleChainCredentials} assumes it.
 *
 * @param roleArn the IAM role ARN
 * @param externalId the external id the role's trust policy asks for; {@link #toString()} never
 *     shows it
 * @param duration the session duration asked of STS
 */
public record AssumedRole(String roleArn, Optional<String> externalId, Duration duration) {
  public AssumedRole {
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(duration, "duration");
  }

  @Override
  public String toString() {
    return "AssumedRole["
        + roleArn
        + ", externalId="
        + (externalId.isPresent() ? "set" : "none")
        + ", duration="
        + duration
        + "]";
  }
}
