package dev.spirekms.doctor;

/** How one finding came out. */
public enum Outcome {
  /** Works as it should. */
  OK,
  /** Works, but something wants a look. */
  WARN,
  /** Broken: the plugin fails, or will, until it is fixed. */
  FAIL
}
