package dev.spirekms.doctor;

/** The report for a person: one line per finding, each non-OK line with its fix. */
public final class TextRenderer {
  static final String FIX_SEPARATOR = " -- fix: ";
  static final String SUMMARY = "%s: %d ok, %d warnings, %d failed (trust domain %s)";

  private TextRenderer() {}

  public static String render(Report report) {
    StringBuilder out = new StringBuilder();
    for (Finding f : report.findings()) {
      out.append(String.format("%-4s  %s: %s", f.outcome(), f.check(), f.message()));
      f.fix().ifPresent(fix -> out.append(FIX_SEPARATOR).append(fix));
      out.append('\n');
    }
    out.append(
            String.format(
                SUMMARY,
                report.outcome(),
                report.count(Outcome.OK),
                report.count(Outcome.WARN),
                report.count(Outcome.FAIL),
                report.trustDomain()))
        .append('\n');
    return out.toString();
  }
}
