package dev.spirekms.lifecycle;

import java.util.Locale;

/**
 * What the cleanup tasks do with keys and aliases they find to be unused. The configuration's own
 * {@code disposal_mode} enum has the same constants, so the composition root maps it by name.
 */
public enum DisposalMode {
  /** Delete stale aliases and schedule unused keys for deletion. */
  DELETE,
  /** Log what would be deleted, and delete nothing. */
  REPORT;

  /** The {@code disposal_mode} value of this mode, for log lines. */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
