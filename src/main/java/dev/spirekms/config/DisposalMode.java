package dev.spirekms.config;

import java.util.Optional;

/** What the background cleanup does with stale aliases and orphaned keys it finds. */
public enum DisposalMode {
  /** Delete stale aliases and schedule orphaned keys for deletion (upstream's behaviour). */
  DELETE("delete"),
  /** Only log what would be deleted; change nothing in KMS. */
  REPORT("report");

  private final String configValue;

  DisposalMode(String configValue) {
    this.configValue = configValue;
  }

  /** The word used for this mode in configuration: {@code delete} or {@code report}. */
  public String configValue() {
    return configValue;
  }

  /** The mode written as {@code value} in configuration, or empty if there is none. */
  public static Optional<DisposalMode> fromConfigValue(String value) {
    for (DisposalMode mode : values()) {
      if (mode.configValue.equals(value)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
