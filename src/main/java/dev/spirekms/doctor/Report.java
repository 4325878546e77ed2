package dev.spirekms.doctor;

import java.util.List;

/** Every finding of one doctor run, in the order the checks ran. */
public record Report(String trustDomain, List<Finding> findings) {
  /** Exit status when nothing failed. */
  public static final int EXIT_OK = 0;

  /** Exit status when a check failed. */
  public static final int EXIT_FAILED = 1;

  public Report {
    findings = List.copyOf(findings);
  }

  public long count(Outcome outcome) {
    return findings.stream().filter(f -> f.outcome() == outcome).count();
  }

  /** FAIL when a check failed, else WARN when one warned, else OK. */
  public Outcome outcome() {
    return count(Outcome.FAIL) > 0
        ? Outcome.FAIL
        : count(Outcome.WARN) > 0 ? Outcome.WARN : Outcome.OK;
  }

  /** 0 when nothing failed, 1 when something did. */
  public int exitCode() {
    return count(Outcome.FAIL) > 0 ? EXIT_FAILED : EXIT_OK;
  }
}
