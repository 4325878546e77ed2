package dev.spirekms.lifecycle;

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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * The keys handed to the deletion queue whose deletion KMS has not yet accepted, kept in a file so
 * that a crash does not forget them: a key is written (and the file synced) before the RPC that
 * queued it answers, and removed once KMS accepted its deletion or said it is gone.
 *
 * <p>One line a key: {@code <key ARN> TAB <reason>}. It holds key ARNs and reasons only, nothing
 * secret. Adding appends; removing rewrites the file through a synced temporary file and a rename,
 * so a crash leaves either the old or the new content.
 */
final class DeletionJournal {
  // a KMS key ARN; anything else in the file is corruption
  private static final Pattern KEY_ARN =
      Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+");

  private final Path file;
  private final Map<String, String> entries = new LinkedHashMap<>();

  private DeletionJournal(Path file) {
    this.file = file;
  }

  /**
   * Opens the journal at {@code file}, reading what a previous run left.
   *
   * @throws IOException when the file cannot be read, or holds a line that is not a key entry; the
   *     message names the file
   */
  static DeletionJournal open(Path file) throws IOException {
    DeletionJournal journal = new DeletionJournal(file);
    if (!Files.exists(file)) {
      return journal;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("cannot read the deletion journal " + file + ": " + e.getMessage(), e);
    }
    int number = 0;
    for (String line : lines) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      int tab = line.indexOf('\t');
      String arn = tab < 0 ? line : line.substring(0, tab);
      if (!KEY_ARN.matcher(arn).matches()) {
        throw new IOException(
            "the deletion journal " + file + " is corrupt: line " + number + " is not a key entry");
      }
      journal.entries.put(arn, tab < 0 ? "" : line.substring(tab + 1));
    }
    return journal;
  }

  /**
   * Opens the journal; one that cannot be read is moved aside (never deleted) and a new one is
   * started, so a bad file costs its own entries only and never stops signing.
   */
  static DeletionJournal openOrSetAside(Path file, Clock clock, Logger log) {
    try {
      return DeletionJournal.open(file);
    } catch (IOException e) {
      Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + clock.millis());
      try {
        Files.move(file, aside);
        log.atError()
            .addKeyValue("journal_file", file.toString())
            .addKeyValue("moved_to", aside.toString())
            .addKeyValue("reason", e.getMessage())
            .log(LifecycleMessages.JOURNAL_MOVED_ASIDE);
        return DeletionJournal.open(file);
      } catch (IOException moveFailed) {
        log.atError()
            .addKeyValue("journal_file", file.toString())
            .addKeyValue("reason", e.getMessage())
            .log(LifecycleMessages.JOURNAL_UNREADABLE);
        return null;
      }
    }
  }

  /** {@link #add}, logging a failure instead of throwing: the key is still queued in memory. */
  void addOrLog(String keyArn, String reason, Logger log) {
    try {
      add(keyArn, reason);
    } catch (IOException e) {
      log.atError()
          .addKeyValue("journal_file", file.toString())
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("reason", e.getMessage())
          .log(LifecycleMessages.JOURNAL_WRITE_FAILED);
    }
  }

  /**
   * {@link #remove}, logging a failure instead of throwing: the next start checks the key again.
   */
  void removeOrLog(String keyArn, Logger log) {
    try {
      remove(keyArn);
    } catch (IOException e) {
      log.atWarn()
          .addKeyValue("journal_file", file.toString())
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("reason", e.getMessage())
          .log(LifecycleMessages.JOURNAL_REMOVE_FAILED);
    }
  }

  Path file() {
    return file;
  }

  /** The keys in the journal and why each was queued, oldest first. */
  synchronized Map<String, String> entries() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  synchronized List<String> keyArns() {
    return List.copyOf(entries.keySet());
  }

  /** Adds a key and syncs the file before returning; a key already there is left as it is. */
  synchronized void add(String keyArn, String reason) throws IOException {
    if (entries.containsKey(keyArn)) {
      return;
    }
    String line = keyArn + "\t" + reason.replace('\n', ' ').replace('\t', ' ') + "\n";
    boolean created = !Files.exists(file);
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
    }
    if (created) {
      restrict(file);
      syncDirectory();
    }
    entries.put(keyArn, reason);
  }

  /** Removes a key; the file is rewritten atomically. */
  synchronized void remove(String keyArn) throws IOException {
    if (!entries.containsKey(keyArn)) {
      return;
    }
    Map<String, String> rest = new LinkedHashMap<>(entries);
    rest.remove(keyArn);
    StringBuilder text = new StringBuilder();
    rest.forEach((arn, reason) -> text.append(arn).append('\t').append(reason).append('\n'));
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
    }
    restrict(temp);
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory();
    entries.remove(keyArn);
  }

  private static void restrict(Path path) {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the journal holds key ARNs only
    }
  }

  /** Makes the file's creation or rename durable (POSIX: sync the directory entry). */
  private void syncDirectory() {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // some file systems do not allow syncing a directory; the data itself was synced
    }
  }
}
