package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.localkms.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The background tasks tell their reports how each run ended, with counts and last errors. */
class LifecycleReportsTest {
  record Ran(
      String task,
      Instant at,
      String result,
      Map<String, Integer> counts,
      Optional<Instant> next) {}

  record Failed(String component, String message) {}

  static final class Recording implements LifecycleReports {
    final List<Ran> runs = new ArrayList<>();
    final List<Failed> failures = new ArrayList<>();

    @Override
    public synchronized void ran(
        String task,
        Instant at,
        String result,
        Map<String, Integer> counts,
        Optional<Instant> next) {
      runs.add(new Ran(task, at, result, counts, next));
    }

    @Override
    public synchronized void failed(String component, String message, Instant at) {
      failures.add(new Failed(component, message));
    }
  }

  private final TestBed bed = new TestBed();

  @Test
  void theAliasRefreshReportsItsCountsAndNextRun() {
    Recording reports = new Recording();
    TestBed.Server server = bed.server("server-a");
    server.lifecycle.reportTo(reports);
    server.start();
    server.generate("x509-CA-A");
    Instant started = bed.clock.instant();

    bed.timeline.advance(LifecycleSettings.DEFAULT_REFRESH_INTERVAL.plus(Duration.ofMinutes(1)));

    Ran run =
        reports.runs.stream()
            .filter(r -> r.task().equals(LifecycleReports.ALIAS_REFRESH))
            .findFirst()
            .orElseThrow();
    assertEquals("ok", run.result());
    assertEquals(1, run.counts().get("refreshed"));
    assertEquals(0, run.counts().get("failed"));
    assertEquals(
        Optional.of(started.plus(LifecycleSettings.DEFAULT_REFRESH_INTERVAL.multipliedBy(2))),
        run.next());
    assertEquals(List.of(), reports.failures);
  }

  @Test
  void aFailedCallIsReportedAsTheTasksLastError() {
    Recording reports = new Recording();
    TestBed.Server server = bed.server("server-a");
    server.lifecycle.reportTo(reports);
    server.start();
    server.generate("x509-CA-A");
    bed.model.faults().failAlways("UpdateAlias", Fault.accessDenied());

    bed.timeline.advance(LifecycleSettings.DEFAULT_REFRESH_INTERVAL.plus(Duration.ofMinutes(1)));

    Ran run = reports.runs.get(reports.runs.size() - 1);
    assertEquals(LifecycleReports.ALIAS_REFRESH, run.task());
    assertEquals("failed", run.result());
    assertEquals(1, reports.failures.size());
    assertEquals(LifecycleReports.ALIAS_REFRESH, reports.failures.get(0).component());
    assertTrue(
        reports.failures.get(0).message().startsWith("access denied to kms:UpdateAlias"),
        reports.failures.get(0).message());
  }

  @Test
  void theDeletionQueueReportsEachAttemptAndItsLength() {
    Recording reports = new Recording();
    TestBed.Server server = bed.server("server-a");
    server.lifecycle.reportTo(reports);
    server.start();
    String arn = bed.createKey("SPIRE_SERVER_KEY/" + TestBed.TD + "/x509-CA-A");

    server.lifecycle.deletionQueue().enqueue(arn, "test");
    bed.timeline.advance(Duration.ofSeconds(5));

    Ran run = reports.runs.get(reports.runs.size() - 1);
    assertEquals(LifecycleReports.DELETION_QUEUE, run.task());
    assertEquals("ok", run.result());
    assertEquals(Map.of("queued", 0), run.counts());
    assertEquals(0, server.lifecycle.deletionQueueLength());
  }
}
