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
  static final String MISSING = "%s does not exist: the plugin has not written it yet";
  static final String FIX_MISSING =
      "start the plugin with this configuration; if it runs, check that it may write to the"
          + " file's directory (look for \"Failed to write the status file\" in its log)";
  static final String UNREADABLE = "%s cannot be read: %s";
  static final String FIX_UNREADABLE =
      "check the file's permissions; the plugin rewrites it whole after its next task run";
  static final String STALE =
      "%s was written %s ago, more than %s: the plugin is stopped, or cannot write it";
  static final String FIX_STALE =
      "check that the plugin runs; look for \"Failed to write the status file\" in its log";
  static final String OTHER_TRUST_DOMAIN = "%s is for trust domain %s, not %s";
  static final String FIX_OTHER_TRUST_DOMAIN = "give each server's plugin a status_file of its own";
  static final String RECENT_ERROR = "%s: %s failed %s ago: %s";
  static final String FIX_RECENT_ERROR =
      "see the plugin's log around that time and docs/troubleshooting.md for the message";

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
      findings.add(Finding.warn(NAME, String.format(MISSING, file), FIX_MISSING));
      return;
    } catch (IOException | IllegalArgumentException e) {
      findings.add(
          Finding.warn(NAME, String.format(UNREADABLE, file, e.getMessage()), FIX_UNREADABLE));
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
                  OTHER_TRUST_DOMAIN, file, doc.trustDomain(), context.config().trustDomain()),
              FIX_OTHER_TRUST_DOMAIN));
    }
    if (age.compareTo(window) > 0) {
      ok = false;
      findings.add(
          Finding.warn(
              NAME, String.format(STALE, file, Ages.format(age), Ages.format(window)), FIX_STALE));
    }
    for (var e : doc.errors().entrySet()) {
      Duration since = Ages.between(e.getValue().at(), now);
      if (since.compareTo(window) <= 0) {
        ok = false;
        findings.add(
            Finding.warn(
                NAME,
                String.format(
                    RECENT_ERROR, file, e.getKey(), Ages.format(since), e.getValue().message()),
                FIX_RECENT_ERROR));
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
