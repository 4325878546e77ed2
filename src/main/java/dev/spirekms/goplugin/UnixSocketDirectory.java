package dev.spirekms.goplugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh directory, readable only by its owner (0700), that holds the plugin's unix socket.
 * Closing it removes the socket and the directory.
 */
public final class UnixSocketDirectory implements AutoCloseable {
  /** Linux unix(7): sun_path holds 108 bytes including the terminating NUL. */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  static final String SOCKET_NAME = "plugin.sock";
  static final Path SHORT_BASE = Path.of("/tmp");

  private static final Logger log = LoggerFactory.getLogger(UnixSocketDirectory.class);
  private static final int MAX_NAME_ATTEMPTS = 100;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private final Path directory;
  private final Path socket;

  private UnixSocketDirectory(Path directory) {
    this.directory = directory;
    this.socket = directory.resolve(SOCKET_NAME);
  }

  /**
   * Creates the directory under {@code preferredBase} (or the system temp directory when empty),
   * falling back to {@code /tmp} when the socket path there would be too long or the base is
   * unusable.
   */
  public static UnixSocketDirectory create(Optional<Path> preferredBase) throws IOException {
    Path first = preferredBase.orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir")));
    Set<Path> bases = new LinkedHashSet<>();
    bases.add(first.toAbsolutePath().normalize());
    bases.add(SHORT_BASE);
    return createUnder(List.copyOf(bases), () -> ThreadLocalRandom.current().nextLong());
  }

  static UnixSocketDirectory createUnder(List<Path> bases, LongSupplier random) throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path base : bases) {
      Optional<String> unusable = unusableBase(base);
      if (unusable.isPresent()) {
        problems.add(unusable.get());
        continue;
      }
      Path dir;
      try {
        dir = createFreshDirectory(base, random);
      } catch (IOException | UnsupportedOperationException e) {
        problems.add(base + ": " + e.getMessage());
        continue;
      }
      UnixSocketDirectory created = new UnixSocketDirectory(dir);
      Optional<String> badPath = unusableSocketPath(created.socket);
      if (badPath.isEmpty()) {
        return created;
      }
      problems.add(badPath.get());
      created.close();
    }
    throw new IOException(
        String.format(GoPluginMessages.NO_SOCKET_DIRECTORY, String.join("; ", problems)));
  }

  /**
   * Creates {@code <base>/plugin<random>}, mode 0700. mkdir fails on an existing name, so a name
   * someone else created first is never used; the random part only avoids collisions, which is why
   * it does not need (and does not pay the start-up cost of) a SecureRandom.
   */
  private static Path createFreshDirectory(Path base, LongSupplier random) throws IOException {
    FileAlreadyExistsException last = null;
    for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
      Path dir = base.resolve("plugin" + Long.toUnsignedString(random.getAsLong()));
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (FileAlreadyExistsException e) {
        last = e;
        continue;
      }
      // set explicitly: the creation mode is subject to the umask
      Files.setPosixFilePermissions(dir, OWNER_ONLY);
      return dir;
    }
    throw last;
  }

  private static Optional<String> unusableBase(Path base) {
    // a socket path is at least <base>/plugin<n>/plugin.sock; reject bases that cannot fit early
    Path shortest = base.resolve("plugin0").resolve(SOCKET_NAME);
    return unusableSocketPath(shortest).map(reason -> base + ": " + reason);
  }

  /** Why a socket path cannot be announced in a handshake line, if it cannot. */
  static Optional<String> unusableSocketPath(Path socket) {
    String text = socket.toString();
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_SOCKET_PATH_BYTES) {
      return Optional.of(
          String.format(GoPluginMessages.SOCKET_PATH_TOO_LONG, text, bytes, MAX_SOCKET_PATH_BYTES));
    }
    // go-plugin splits the handshake line on '|' and reads one line
    if (text.contains("|") || text.contains("\n") || text.contains("\r")) {
      return Optional.of(String.format(GoPluginMessages.SOCKET_PATH_UNANNOUNCEABLE, text));
    }
    return Optional.empty();
  }

  /** The directory, mode 0700. */
  public Path directory() {
    return directory;
  }

  /** Where the socket is (or will be) bound. */
  public Path socket() {
    return socket;
  }

  /** Removes the socket file and the directory; safe to call more than once. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      log.atWarn()
          .addKeyValue("path", directory)
          .addKeyValue("reason", e.toString())
          .log(GoPluginMessages.SOCKET_DIRECTORY_NOT_REMOVED);
    }
  }
}
