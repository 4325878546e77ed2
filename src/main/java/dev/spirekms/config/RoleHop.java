package dev.spirekms.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One role of an assume-role chain: the role to assume, the external id its trust policy asks for,
 * and how long the session lasts. The external id is treated as confidential: {@link #toString()}
 * shows only whether it is set.
 */
public record RoleHop(String roleArn, Optional<String> externalId, Duration duration) {

  public RoleHop {
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(duration, "duration");
  }

  @Override
  public String toString() {
    return "RoleHop[roleArn="
        + roleArn
        + ", externalId="
        + (externalId.isPresent() ? "set" : "none")
        + ", duration="
        + GoDuration.format(duration)
        + "]";
  }
}
