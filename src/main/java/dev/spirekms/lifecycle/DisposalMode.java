package dev.spirekms.lifecycle;

import java.util.Locale;
import java.util.Optional;

/** What the cleanup tasks do with keys and aliases they find to be unused. */
public enum DisposalMode {
  /** Delete stale aliases and schedule unused keys for deletion. */
  DELETE,
  /** Log what would be deleted, and delete nothing. */
  REPORT;

  /** The mode named by a {@code disposal_mode} value ({@code delete} or {@code report}). */
  public static Optional<DisposalMode> fromConfigValue(String value) {
    if (value == null) {
      return Optional.empty();
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "delete" -> Optional.of(DELETE);
      case "report" -> Optional.of(REPORT);
      default -> Optional.empty();
    };
  }

  /** The {@code disposal_mode} value of this mode. */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
