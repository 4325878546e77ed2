package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyStoreException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerIdentityTest {
  private static final String ID = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

  @TempDir Path dir;

  @Test
  void missingFileGetsANewUuidWrittenPrivately() throws Exception {
    Path file = dir.resolve("server_id");
    UUID fixed = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    String id = ServerIdentity.fromFile(file, () -> fixed);
    assertEquals(fixed.toString(), id);
    assertEquals(fixed.toString(), Files.readString(file));
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    assertEquals(PosixFilePermissions.fromString("rw-------"), mode);
    assertEquals(id, ServerIdentity.fromFile(file), "the id is stable across restarts");
    try (var listing = Files.list(dir)) {
      assertEquals(1, listing.count(), "no temporary file is left behind");
    }
  }

  @Test
  void generatedIdsAreVersion4() {
    String id = ServerIdentity.fromFile(dir.resolve("id"));
    assertEquals(4, UUID.fromString(id).version());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ID,
        ID + "\n",
        "6BA7B810-9DAD-11D1-80B4-00C04FD430C8",
        "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",
        "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        "6ba7b8109dad11d180b400c04fd430c8"
      })
  void acceptedForms(String content) throws Exception {
    Path file = dir.resolve("server_id");
    Files.writeString(file, content);
    assertEquals(ID, ServerIdentity.fromFile(file));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not-a-uuid", "6ba7b810-9dad-11d1-80b4", "6ba7b810-9dad-11d1-80b4-00c04fd430c8-extra"})
  void corruptContentIsAnErrorAndTheFileIsKept(String content) throws Exception {
    Path file = dir.resolve("server_id");
    Files.writeString(file, content);
    KeyStoreException e = assertThrows(KeyStoreException.class, () -> ServerIdentity.fromFile(file));
    assertEquals(Kind.INTERNAL, e.kind());
    assertTrue(e.getMessage().startsWith("failed to parse server id from path: " + file), e.getMessage());
    assertEquals(content, Files.readString(file), "a corrupt file is never overwritten");
  }

  @Test
  void unreadableFileIsAnError() throws Exception {
    Path file = dir.resolve("server_id");
    Files.createDirectory(file);
    KeyStoreException e = assertThrows(KeyStoreException.class, () -> ServerIdentity.fromFile(file));
    assertTrue(e.getMessage().startsWith("failed to read server id from path: "), e.getMessage());
  }

  @Test
  void unwritableDirectoryIsAnError() {
    Path file = dir.resolve("missing-dir").resolve("server_id");
    KeyStoreException e = assertThrows(KeyStoreException.class, () -> ServerIdentity.fromFile(file));
    assertTrue(e.getMessage().startsWith("failed to persist server id on path: "), e.getMessage());
  }
}
