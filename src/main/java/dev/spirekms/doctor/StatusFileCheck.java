package dev.spirekms.doctor;

import dev.spirekms.lifecycle.Ages;
import dev.spirekms.lifecycle.LifecycleSettings;
import dev.spirekms.status.StatusDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * The plugin's own status report ({@code status_file}), when the configuration names one: its age,
 * and each component's last error. Stale means older than twice the shortest task interval (the
 * plugin rewrites it after every task run); an error is recent within that window too.
 */
final class StatusFileCheck implements Check {
  static final String NAME = "status file";
  static final String FRESH =
      "%s written %s ago by plugin %s: %d keys, deletion queue %d, no recent errors";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(DoctorContext context, List<Finding> findings) {
    context.config().statusFile().ifPresent(file -> check(file, context, findings));
  }

  /** Twice the shortest background task interval: the most a running plugin's file may age. */
  static Duration window(LifecycleSettings settings) {
    Duration shortest =
        Stream.of(settings.refreshInterval(), settings.disposeInterval(), settings.sweepInterval())
            .min(Duration::compareTo)
            .orElseThrow();
    return shortest.multipliedBy(2);
  }

  private static void check(Path file, DoctorContext context, List<Finding> findings) {
    StatusDocument doc;
    try {
      doc = StatusDocument.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      findings.add(
          Finding.warn(
              NAME,
              String.format(DoctorMessages.STATUS_FILE_MISSING, file),
              DoctorMessages.FIX_STATUS_FILE_MISSING));
      return;
    } catch (IOException | IllegalArgumentException e) {
      findings.add(
          Finding.warn(
              NAME,
              String.format(DoctorMessages.STATUS_FILE_UNREADABLE, file, e.getMessage()),
              DoctorMessages.FIX_STATUS_FILE_UNREADABLE));
      return;
    }
    Instant now = context.clock().instant();
    Duration window = window(context.settings());
    Duration age = Ages.between(doc.writtenAt(), now);
    boolean ok = true;
    if (!doc.trustDomain().equals(context.config().trustDomain())) {
      ok = false;
      findings.add(
          Finding.warn(
              NAME,
              String.format(
                  DoctorMessages.STATUS_FILE_OTHER_TRUST_DOMAIN,
                  file,
                  doc.trustDomain(),
                  context.config().trustDomain()),
              DoctorMessages.FIX_STATUS_FILE_OTHER_TRUST_DOMAIN));
    }
    if (age.compareTo(window) > 0) {
      ok = false;
      findings.add(
          Finding.warn(
              NAME,
              String.format(
                  DoctorMessages.STATUS_FILE_STALE, file, Ages.format(age), Ages.format(window)),
              DoctorMessages.FIX_STATUS_FILE_STALE));
    }
    for (var e : doc.errors().entrySet()) {
      Duration since = Ages.between(e.getValue().at(), now);
      if (since.compareTo(window) <= 0) {
        ok = false;
        findings.add(
            Finding.warn(
                NAME,
                String.format(
                    DoctorMessages.STATUS_FILE_RECENT_ERROR,
                    file,
                    e.getKey(),
                    Ages.format(since),
                    e.getValue().message()),
                DoctorMessages.FIX_STATUS_FILE_RECENT_ERROR));
      }
    }
    if (ok) {
      findings.add(
          Finding.ok(
              NAME,
              String.format(
                  FRESH,
                  file,
                  Ages.format(age),
                  doc.pluginVersion(),
                  doc.keys().size(),
                  doc.deletionQueueLength())));
    }
  }
}
