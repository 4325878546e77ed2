package dev.spirekms.keys;

import dev.spirekms.keys.KeyStoreException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The server id that scopes this server's aliases: {@code key_identifier_value} verbatim, or a UUID
 * kept in {@code key_identifier_file}.
 */
public final class ServerIdentity {
  // gofrs/uuid FromString accepts canonical, braced, urn:uuid: and 32-hex forms (upstream aws_kms)
  private static final Pattern HEX32 = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern CANONICAL =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private ServerIdentity() {}

  /** The server id from the file, creating the file with a new random UUID when it is missing. */
  public static String fromFile(Path file) {
    return fromFile(file, UUID::randomUUID);
  }

  /**
   * The server id from the file, read exactly as {@link #fromFile(Path)} reads it, but never
   * creating the file: empty when it does not exist.
   *
   * @throws KeyStoreException when the file cannot be read or does not hold a UUID
   */
  public static Optional<String> readExisting(Path file) {
    try {
      return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8), file));
    } catch (NoSuchFileException missing) {
      return Optional.empty();
    } catch (IOException e) {
      throw new KeyStoreException(
          Kind.INTERNAL, String.format(KeyMessages.SERVER_ID_NOT_READ, file, e.getMessage()), e);
    }
  }

  static String fromFile(Path file, Supplier<UUID> newId) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file);
    } catch (NoSuchFileException missing) {
      return create(file, newId.get());
    } catch (IOException e) {
      throw new KeyStoreException(
          Kind.INTERNAL, String.format(KeyMessages.SERVER_ID_NOT_READ, file, e.getMessage()), e);
    }
  }

  /** Parses the file content; a trailing newline is accepted (upstream rejects it). */
  static String parse(String content, Path file) {
    String text = content.strip();
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("urn:uuid:")) {
      text = text.substring("urn:uuid:".length());
    } else if (text.startsWith("{") && text.endsWith("}")) {
      text = text.substring(1, text.length() - 1);
    }
    if (HEX32.matcher(text).matches()) {
      text =
          text.substring(0, 8)
              + "-"
              + text.substring(8, 12)
              + "-"
              + text.substring(12, 16)
              + "-"
              + text.substring(16, 20)
              + "-"
              + text.substring(20);
    }
    if (!CANONICAL.matcher(text).matches()) {
      throw new KeyStoreException(
          Kind.INTERNAL, String.format(KeyMessages.SERVER_ID_NOT_A_UUID, file));
    }
    return text.toLowerCase(Locale.ROOT);
  }

  private static String create(Path file, UUID id) {
    String value = id.toString();
    Path dir = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      temp = privateTempFile(dir, "." + file.getFileName() + ".");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        // on disk before the name appears, so a power loss never leaves an empty id file
        channel.force(true);
      }
      try {
        // never replace a file another process wrote meanwhile
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException raced) {
        return fromFile(file, () -> id);
      } catch (UnsupportedOperationException | IOException noLinks) {
        moveWithoutReplacing(temp, file);
        temp = null;
      }
      return value;
    } catch (IOException e) {
      throw new KeyStoreException(
          Kind.INTERNAL,
          String.format(KeyMessages.SERVER_ID_NOT_PERSISTED, file, e.getMessage()),
          e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a stray temp file is harmless
        }
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
      // a file system without POSIX permissions: the JDK creates temp files owner-only anyway
      return Files.createTempFile(dir, prefix, ".tmp");
    }
  }

  private static void moveWithoutReplacing(Path temp, Path file) throws IOException {
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file);
    }
  }
}
