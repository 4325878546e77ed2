package dev.spirekms.goplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketDirectoryTest {
  private static final LongSupplier RANDOM = () -> ThreadLocalRandom.current().nextLong();

  @TempDir Path temp;

  @Test
  void neverReusesADirectoryThatAlreadyExists() throws IOException {
    Files.createDirectory(temp.resolve("plugin1"));
    long[] names = {1, 1, 2};
    AtomicInteger next = new AtomicInteger();

    try (UnixSocketDirectory dir =
        UnixSocketDirectory.createUnder(List.of(temp), () -> names[next.getAndIncrement()])) {
      assertEquals(temp.resolve("plugin2"), dir.directory());
    }
    assertTrue(Files.exists(temp.resolve("plugin1")));
  }

  @Test
  void givesUpAfterManyNameCollisions() throws IOException {
    Files.createDirectory(temp.resolve("plugin7"));

    IOException e =
        assertThrows(
            IOException.class, () -> UnixSocketDirectory.createUnder(List.of(temp), () -> 7));
    assertTrue(e.getMessage().contains(temp.resolve("plugin7").toString()), e.getMessage());
  }

  @Test
  void createsAPrivateDirectoryUnderTheGivenBase() throws IOException {
    try (UnixSocketDirectory dir = UnixSocketDirectory.create(Optional.of(temp))) {
      assertEquals(temp, dir.directory().getParent());
      assertTrue(dir.directory().getFileName().toString().startsWith("plugin"));
      assertEquals(dir.directory().resolve("plugin.sock"), dir.socket());
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.directory())));
      assertFalse(Files.exists(dir.socket()));
    }
  }

  @Test
  void eachDirectoryIsFresh() throws IOException {
    try (UnixSocketDirectory a = UnixSocketDirectory.create(Optional.of(temp));
        UnixSocketDirectory b = UnixSocketDirectory.create(Optional.of(temp))) {
      assertFalse(a.directory().equals(b.directory()));
    }
  }

  @Test
  void usesTheSystemTempDirectoryByDefault() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    try (UnixSocketDirectory dir = UnixSocketDirectory.create(Optional.empty())) {
      assertEquals(tmp, dir.directory().getParent());
    }
  }

  @Test
  void closeRemovesTheSocketAndTheDirectory() throws IOException {
    UnixSocketDirectory dir = UnixSocketDirectory.create(Optional.of(temp));
    Files.createFile(dir.socket());

    dir.close();
    dir.close();

    assertFalse(Files.exists(dir.socket()));
    assertFalse(Files.exists(dir.directory()));
  }

  @Test
  void closeLeavesADirectoryWithForeignFilesInPlace() throws IOException {
    UnixSocketDirectory dir = UnixSocketDirectory.create(Optional.of(temp));
    Files.createFile(dir.directory().resolve("other"));

    dir.close();

    assertTrue(Files.exists(dir.directory().resolve("other")));
  }

  @Test
  void fallsBackToTmpWhenTheBaseIsTooLongForASocketPath() throws IOException {
    Path deep = temp.resolve("d".repeat(100));
    Files.createDirectories(deep);

    try (UnixSocketDirectory dir = UnixSocketDirectory.create(Optional.of(deep))) {
      assertEquals(Path.of("/tmp"), dir.directory().getParent());
      assertTrue(utf8Length(dir.socket()) <= 107);
    }
  }

  @Test
  void fallsBackToTmpWhenTheBaseDoesNotExist() throws IOException {
    try (UnixSocketDirectory dir =
        UnixSocketDirectory.create(Optional.of(temp.resolve("missing")))) {
      assertEquals(Path.of("/tmp"), dir.directory().getParent());
    }
  }

  @Test
  void failsWhenNoBaseWorksAndSaysWhy() throws IOException {
    Path deep = temp.resolve("d".repeat(100));
    Path missing = temp.resolve("missing");

    IOException e =
        assertThrows(
            IOException.class,
            () -> UnixSocketDirectory.createUnder(List.of(deep, missing), RANDOM));
    assertTrue(
        e.getMessage().startsWith("no usable directory for the plugin socket: "), e.getMessage());
    assertTrue(e.getMessage().contains("more than the 107 a unix socket allows"), e.getMessage());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void rejectsABaseWhoseSocketPathCannotBeAnnounced() throws IOException {
    Path piped = temp.resolve("a|b");
    Files.createDirectories(piped);

    IOException e =
        assertThrows(
            IOException.class, () -> UnixSocketDirectory.createUnder(List.of(piped), RANDOM));
    assertTrue(e.getMessage().contains("handshake line cannot carry"), e.getMessage());
  }

  @Test
  void removesADirectoryItCreatedWhenItsSocketPathTurnsOutTooLong() throws IOException {
    // short enough for "<base>/plugin0/plugin.sock", too long for a real random directory name
    Path base = temp.resolve("b".repeat(85 - temp.toString().length() - 1));
    Files.createDirectories(base);

    IOException e =
        assertThrows(
            IOException.class, () -> UnixSocketDirectory.createUnder(List.of(base), RANDOM));
    assertTrue(e.getMessage().contains("more than the 107"), e.getMessage());
    try (var left = Files.list(base)) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void socketPathLimitCountsBytesNotCharacters() {
    Path ascii = Path.of("/" + "a".repeat(106));
    Path multibyte = Path.of("/" + "é".repeat(54));

    assertEquals(Optional.empty(), UnixSocketDirectory.unusableSocketPath(ascii));
    assertTrue(UnixSocketDirectory.unusableSocketPath(Path.of("/" + "a".repeat(107))).isPresent());
    assertTrue(UnixSocketDirectory.unusableSocketPath(multibyte).isPresent());
  }

  private static int utf8Length(Path path) {
    return path.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
