package dev.spirekms.status;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.lifecycle.LifecycleReports;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Keeps the state the status report shows and writes the report after Configure ({@link
 * #configured}) and after each background run ({@link #ran}).
 */
public final class StatusRecorder implements LifecycleReports {
  private final StatusWriter writer;
  private final Clock clock;
  private final String pluginVersion;
  private final String trustDomain;
  private final String serverId;
  private final Supplier<StatusDocument.Credentials> credentials;

  // guarded by this
  private final Map<String, StatusDocument.TaskRun> tasks = new LinkedHashMap<>();
  private final Map<String, StatusDocument.LastError> errors = new LinkedHashMap<>();
  private Supplier<List<KeyEntry>> keys = List::of;
  private IntSupplier queueLength = () -> 0;

  /**
   * @param credentials the credentials' source and expiry, asked for at every write; must not call
   *     AWS
   */
  public StatusRecorder(
      StatusWriter writer,
      Clock clock,
      String pluginVersion,
      String trustDomain,
      String serverId,
      Supplier<StatusDocument.Credentials> credentials) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pluginVersion = Objects.requireNonNull(pluginVersion, "pluginVersion");
    this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
    this.serverId = Objects.requireNonNull(serverId, "serverId");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  /** Configure finished: from now on the report lists {@code keys} and the queue's length. */
  public synchronized void configured(Supplier<List<KeyEntry>> keys, IntSupplier queueLength) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.queueLength = Objects.requireNonNull(queueLength, "queueLength");
    write();
  }

  @Override
  public synchronized void ran(
      String task,
      Instant at,
      String result,
      Map<String, Integer> counts,
      Optional<Instant> nextRun) {
    tasks.put(task, new StatusDocument.TaskRun(at, result, counts, nextRun));
    write();
  }

  @Override
  public synchronized void failed(String component, String message, Instant at) {
    errors.put(component, new StatusDocument.LastError(String.valueOf(message), at));
  }

  /** The document as it would be written now. */
  public synchronized StatusDocument snapshot() {
    return new StatusDocument(
        clock.instant(),
        pluginVersion,
        trustDomain,
        serverId,
        credentials.get(),
        keys.get().stream()
            .map(
                k ->
                    new StatusDocument.Key(
                        k.spireKeyId(), k.type().keySpec().toString(), k.keyArn(), k.fingerprint()))
            .toList(),
        tasks,
        queueLength.getAsInt(),
        errors);
  }

  // a report that cannot be made counts as a failed write: it never stops the task that asked
  private void write() {
    writer.write(() -> snapshot().toJson());
  }
}
