package dev.spirekms.status;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status file atomically: a temporary file (mode 0600) in the same directory, synced,
 * then renamed over the old one, so a reader never sees half a document. A failed write is logged
 * at Warn at most once per {@link #WARN_INTERVAL} and is never thrown: the status report must never
 * get in the way of signing.
 */
public final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  /** The least time between two Warn lines about failed writes. */
  static final Duration WARN_INTERVAL = Duration.ofHours(1);

  private final Path file;
  private final Clock clock;
  private final Logger log;
  private Instant lastWarn;
  private int failedSinceWarn;

  public StatusWriter(Path file, Clock clock) {
    this(file, clock, LOG);
  }

  StatusWriter(Path file, Clock clock, Logger log) {
    this.file = Objects.requireNonNull(file, "file");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.log = log;
  }

  public Path file() {
    return file;
  }

  /**
   * Replaces the file's content with {@code text}.
   *
   * @return whether the file was written
   */
  public boolean write(String text) {
    return write(() -> text);
  }

  /**
   * Replaces the file's content with what {@code text} makes; a failure to make it counts as a
   * failed write.
   *
   * @return whether the file was written
   */
  public synchronized boolean write(Supplier<String> text) {
    try {
      replace(text.get());
      return true;
    } catch (IOException | RuntimeException e) {
      failedSinceWarn++;
      Instant now = clock.instant();
      if (lastWarn == null || !now.isBefore(lastWarn.plus(WARN_INTERVAL))) {
        log.atWarn()
            .addKeyValue("status_file", file.toString())
            .addKeyValue("failed_writes", failedSinceWarn)
            .addKeyValue("reason", String.valueOf(e.getMessage()))
            .log(StatusMessages.WRITE_FAILED);
        lastWarn = now;
        failedSinceWarn = 0;
      }
      return false;
    }
  }

  private void replace(String text) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    Path temp = privateTempFile(dir, "." + absolute.getFileName() + ".");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private static Path privateTempFile(Path dir, String prefix) throws IOException {
    try {
      return Files.createTempFile(
          dir,
          prefix,
          ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException noPosix) {
      return Files.createTempFile(dir, prefix, ".tmp");
    }
  }
}
