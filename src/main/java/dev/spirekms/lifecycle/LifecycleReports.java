package dev.spirekms.lifecycle;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where the background tasks tell how each run went, e.g. for a status report. Called on the task's
 * own thread; an implementation must be quick and must not throw.
 */
public interface LifecycleReports {
  /** The alias refresh's name in reports. */
  String ALIAS_REFRESH = "alias_refresh";

  /** The stale alias disposal's name in reports. */
  String STALE_ALIAS_DISPOSAL = "stale_alias_disposal";

  /** The orphan key sweep's name in reports. */
  String ORPHAN_KEY_SWEEP = "orphan_key_sweep";

  /** The tag-mode liveness refresh's name in reports. */
  String LIVENESS_REFRESH = "liveness_refresh";

  /** The tag-mode disposal of other servers' stale keys, by name in reports. */
  String STALE_KEY_DISPOSAL = "stale_key_disposal";

  /** The deletion queue's name in reports. */
  String DELETION_QUEUE = "deletion_queue";

  /** The retry of missing replicas' name in reports. */
  String REPLICA_REPAIR = "replica_repair";

  /** The role credential renewal's name in reports. */
  String CREDENTIAL_REFRESH = "credential_refresh";

  /** Reports nothing. */
  LifecycleReports NONE =
      new LifecycleReports() {
        @Override
        public void ran(
            String task,
            Instant at,
            String result,
            Map<String, Integer> counts,
            Optional<Instant> nextRun) {}

        @Override
        public void failed(String component, String message, Instant at) {}
      };

  /**
   * A run (or one step, for the deletion queue) ended.
   *
   * @param result {@code ok}, {@code failed} (some of its work failed) or {@code error} (the run
   *     stopped on an unexpected error)
   * @param counts what the run did, by name, e.g. {@code refreshed=3}
   * @param nextRun when the task runs next, when it is known
   */
  void ran(
      String task,
      Instant at,
      String result,
      Map<String, Integer> counts,
      Optional<Instant> nextRun);

  /** A call of {@code component} failed; {@code message} is the error as the plugin logs it. */
  void failed(String component, String message, Instant at);
}
