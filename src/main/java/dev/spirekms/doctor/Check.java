package dev.spirekms.doctor;

import java.util.List;

/** One group of checks; it only reads, and reports every problem as a finding, never throws. */
interface Check {
  /** The group's name, the first word of each of its lines. */
  String name();

  /** Runs the checks and adds a finding for each. */
  void run(DoctorContext context, List<Finding> findings);
}
