package dev.spirekms.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.SpireKeyType;
import dev.spirekms.lifecycle.LifecycleReports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventAware;

class StatusWriterTest {
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
  @TempDir Path temp;
  private final StepClock clock = new StepClock();

  /** A clock that moves only when told. */
  static final class StepClock extends Clock {
    Instant now = START;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Keeps the messages of Warn lines. */
  static final class Warnings extends LegacyAbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;
    final List<String> lines = new ArrayList<>();

    @Override
    public void log(LoggingEvent event) {
      if (event.getLevel() == Level.WARN) {
        lines.add(event.getMessage());
      }
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String message, Object[] args, Throwable cause) {
      if (level == Level.WARN) {
        lines.add(message);
      }
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return true;
    }
  }

  @Test
  void writesOwnerOnlyAndReplacesWholeWithoutTempFilesLeft() throws Exception {
    Path file = temp.resolve("status.json");
    StatusWriter writer = new StatusWriter(file, clock);

    assertTrue(writer.write("first\n"));
    assertTrue(writer.write("second\n"));

    assertEquals("second\n", Files.readString(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var listing = Files.list(temp)) {
      assertEquals(List.of(file), listing.toList());
    }
  }

  @Test
  void aFailedWriteWarnsOncePerIntervalAndNeverThrows() {
    Warnings log = new Warnings();
    StatusWriter writer = new StatusWriter(temp.resolve("missing-dir/status.json"), clock, log);

    assertFalse(writer.write("x"));
    assertFalse(writer.write("x"));
    clock.now = START.plus(Duration.ofMinutes(59));
    assertFalse(writer.write("x"));
    assertEquals(List.of(StatusMessages.WRITE_FAILED), log.lines);
    clock.now = START.plus(StatusWriter.WARN_INTERVAL);
    assertFalse(
        writer.write(
            () -> {
              throw new IllegalStateException("cannot make the document");
            }));
    assertEquals(2, log.lines.size());
  }

  @Test
  void theRecorderWritesTasksErrorsKeysAndTheQueue() throws Exception {
    Path file = temp.resolve("status.json");
    StatusRecorder recorder =
        new StatusRecorder(
            new StatusWriter(file, clock),
            clock,
            "1.0.0",
            "example.org",
            "server-1",
            () -> new StatusDocument.Credentials("env_vars", Optional.empty()));
    KeyEntry key =
        new KeyEntry(
            "x509-CA-A",
            SpireKeyType.EC_P384,
            "arn:aws:kms:us-east-2:111122223333:key/k1",
            "alias/SPIRE_SERVER/example_org/server-1/x509-CA-A",
            new byte[] {1, 2, 3},
            "abc123");

    recorder.configured(() -> List.of(key), () -> 4);
    StatusDocument configured = StatusDocument.parse(Files.readString(file));
    clock.now = START.plus(Duration.ofHours(6));
    recorder.failed(LifecycleReports.ALIAS_REFRESH, "access denied to kms:UpdateAlias", clock.now);
    recorder.ran(
        LifecycleReports.ALIAS_REFRESH,
        clock.now,
        "failed",
        Map.of("refreshed", 0, "failed", 1),
        Optional.of(START.plus(Duration.ofHours(12))));
    StatusDocument doc = StatusDocument.parse(Files.readString(file));

    assertEquals(START, configured.writtenAt());
    assertEquals(Map.of(), configured.tasks());
    assertEquals(clock.now, doc.writtenAt());
    assertEquals("1.0.0", doc.pluginVersion());
    assertEquals("server-1", doc.serverId());
    assertEquals(
        List.of(new StatusDocument.Key("x509-CA-A", "ECC_NIST_P384", key.keyArn(), "abc123")),
        doc.keys());
    assertEquals(4, doc.deletionQueueLength());
    StatusDocument.TaskRun run = doc.tasks().get(LifecycleReports.ALIAS_REFRESH);
    assertEquals("failed", run.result());
    assertEquals(Map.of("refreshed", 0, "failed", 1), run.counts());
    assertEquals(Optional.of(START.plus(Duration.ofHours(12))), run.nextRun());
    assertEquals(
        new StatusDocument.LastError("access denied to kms:UpdateAlias", clock.now),
        doc.errors().get(LifecycleReports.ALIAS_REFRESH));
    assertTrue(Files.readString(file).contains("\"schema_version\": 1"));
  }

  @Test
  void aDocumentOfAnotherSchemaIsRefused() {
    String text = "{\"schema_version\": 2}";

    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> StatusDocument.parse(text));
    assertTrue(e.getMessage().contains("schema_version is 2"));
  }
}
