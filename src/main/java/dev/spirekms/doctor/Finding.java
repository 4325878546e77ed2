package dev.spirekms.doctor;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of a doctor report.
 *
 * @param check the check group, e.g. {@code credentials}
 * @param outcome OK, WARN or FAIL
 * @param message what was found
 * @param fix what to do about it; present exactly when the outcome is not OK
 */
public record Finding(String check, Outcome outcome, String message, Optional<String> fix) {
  public Finding {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(fix, "fix");
    if ((outcome == Outcome.OK) != fix.isEmpty()) {
      throw new IllegalArgumentException("a finding has a fix exactly when it is not OK");
    }
  }

  static Finding ok(String check, String message) {
    return new Finding(check, Outcome.OK, message, Optional.empty());
  }

  static Finding warn(String check, String message, String fix) {
    return new Finding(check, Outcome.WARN, message, Optional.of(fix));
  }

  static Finding fail(String check, String message, String fix) {
    return new Finding(check, Outcome.FAIL, message, Optional.of(fix));
  }

  /** This finding with {@code secret} replaced wherever it appears. */
  Finding redact(String secret, String replacement) {
    return new Finding(
        check,
        outcome,
        message.replace(secret, replacement),
        fix.map(f -> f.replace(secret, replacement)));
  }
}
