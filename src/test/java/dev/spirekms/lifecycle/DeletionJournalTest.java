package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeletionJournalTest {
  private static final String A = "arn:aws:kms:us-east-2:111122223333:key/aaaa-1111";
  private static final String B = "arn:aws:kms:us-east-2:111122223333:key/bbbb-2222";

  @TempDir Path temp;

  @Test
  void keysAddedSurviveAReopenUntilRemoved() throws IOException {
    Path file = temp.resolve("journal");
    DeletionJournal journal = DeletionJournal.open(file);
    assertFalse(Files.exists(file), "opening creates no file");

    journal.add(A, "replaced by a new key for x509-CA-A");
    journal.add(B, "its GenerateKey failed\tafter the key\nwas created");
    journal.add(A, "a second reason is not kept");

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    DeletionJournal reopened = DeletionJournal.open(file);
    assertEquals(List.of(A, B), reopened.keyArns());
    assertEquals(
        Map.of(
            A, "replaced by a new key for x509-CA-A",
            B, "its GenerateKey failed after the key was created"),
        reopened.entries());

    reopened.remove(A);
    reopened.remove(A);
    assertEquals(List.of(B), DeletionJournal.open(file).keyArns());
    assertFalse(Files.exists(file.resolveSibling("journal.tmp")));
    reopened.remove(B);
    assertEquals(List.of(), DeletionJournal.open(file).keyArns());
  }

  @Test
  void aCorruptJournalIsAnErrorNamingTheFileAndTheLine() throws IOException {
    Path file = Files.writeString(temp.resolve("journal"), A + "\tok\nnot an arn\tx\n");

    IOException corrupt = assertThrows(IOException.class, () -> DeletionJournal.open(file));

    assertEquals(
        "the deletion journal " + file + " is corrupt: line 2 is not a key entry",
        corrupt.getMessage());
  }

  @Test
  void anUnreadableJournalIsAnErrorNamingTheFile() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("journal"));

    IOException unreadable = assertThrows(IOException.class, () -> DeletionJournal.open(dir));

    assertTrue(
        unreadable.getMessage().startsWith("cannot read the deletion journal " + dir + ": "),
        unreadable.getMessage());
  }

  @Test
  void aFailedWriteIsLoggedAsAnErrorInsteadOfThrown() throws IOException {
    DeletionJournal journal = DeletionJournal.open(temp.resolve("no-such-directory/journal"));
    CapturedLog log = new CapturedLog();

    journal.addOrLog(A, "replaced by a new key for x509-CA-A", log);

    List<CapturedLog.Line> lines = log.withMessage(LifecycleMessages.JOURNAL_WRITE_FAILED);
    assertEquals(1, lines.size(), log.lines().toString());
    assertEquals(A, lines.get(0).fields().get("key_arn"));
  }

  @Test
  void aFailedRemovalIsLoggedAsAWarningAndTheKeyStaysInTheFile() throws IOException {
    Path file = temp.resolve("journal");
    DeletionJournal journal = DeletionJournal.open(file);
    journal.add(A, "replaced by a new key for x509-CA-A");
    // the rewrite's rename cannot replace a directory that is not empty
    Files.delete(file);
    Files.createDirectories(file.resolve("in-the-way"));
    CapturedLog log = new CapturedLog();

    journal.removeOrLog(A, log);

    List<CapturedLog.Line> lines = log.withMessage(LifecycleMessages.JOURNAL_REMOVE_FAILED);
    assertEquals(1, lines.size(), log.lines().toString());
    assertEquals(A, lines.get(0).fields().get("key_arn"));
  }
}
