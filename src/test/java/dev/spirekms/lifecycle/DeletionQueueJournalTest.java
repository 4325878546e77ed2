package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsOperations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.KeyState;

/** The deletion queue with its journal: what a crash leaves behind is queued again at start. */
class DeletionQueueJournalTest {
  private final TestBed bed = new TestBed();
  @TempDir Path temp;

  private LifecycleSettings settings() {
    return LifecycleSettings.builder().journalFile(temp.resolve("journal")).build();
  }

  @Test
  void aReplacedKeyIsJournaledBeforeTheRotationAnswersAndRemovedOnceScheduled() throws IOException {
    TestBed.Server server = bed.server("srv-a", settings()).start();
    KeyEntry first = server.generate("x509-CA-A");
    server.generate("x509-CA-A");

    assertEquals(List.of(first.keyArn()), DeletionJournal.open(temp.resolve("journal")).keyArns());
    bed.advance(Duration.ofSeconds(10));

    assertEquals(KeyState.PENDING_DELETION, bed.state(first.keyArn()));
    assertEquals(List.of(), DeletionJournal.open(temp.resolve("journal")).keyArns());
  }

  @Test
  void keysLeftByAStoppedServerAreScheduledByTheNextOne() throws IOException {
    bed.model.faults().failAlways(KmsOperations.SCHEDULE_KEY_DELETION, Fault.throttling());
    TestBed.Server crashed = bed.server("srv-a", settings()).start();
    KeyEntry first = crashed.generate("x509-CA-A");
    crashed.generate("x509-CA-A");
    bed.advance(Duration.ofSeconds(10));
    crashed.lifecycle.close();
    assertEquals(KeyState.ENABLED, bed.state(first.keyArn()));
    assertTrue(
        crashed
                .log
                .withMessage(
                    "Deletion queue stopped with keys not yet scheduled for deletion; they stay in"
                        + " the deletion journal and are queued again at the next start")
                .size()
            == 1,
        crashed.log.lines().toString());

    bed.model.faults().clear();
    TestBed.Server next = bed.server("srv-a", settings()).start();
    bed.advance(Duration.ofSeconds(10));

    assertEquals(KeyState.PENDING_DELETION, bed.state(first.keyArn()));
    assertEquals(
        1,
        next.log
            .withMessage("Keys left in the deletion journal by an earlier run are queued again")
            .size());
    assertEquals(List.of(), DeletionJournal.open(temp.resolve("journal")).keyArns());
  }

  @Test
  void aCorruptJournalIsMovedAsideAndANewOneKeepsWorking() throws IOException {
    Files.writeString(temp.resolve("journal"), "garbage\n");
    TestBed.Server server = bed.server("srv-a", settings()).start();

    assertEquals(
        1,
        server
            .log
            .withMessage(
                "Deletion journal could not be read and was moved aside; the keys it listed are"
                    + " left to the orphan key sweep, and a new journal is started")
            .size());
    try (var aside = Files.list(temp)) {
      assertTrue(aside.anyMatch(p -> p.getFileName().toString().startsWith("journal.unreadable-")));
    }
    KeyEntry first = server.generate("x509-CA-A");
    server.generate("x509-CA-A");
    assertEquals(List.of(first.keyArn()), DeletionJournal.open(temp.resolve("journal")).keyArns());
  }
}
