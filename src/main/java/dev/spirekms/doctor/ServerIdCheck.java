package dev.spirekms.doctor;

import dev.spirekms.config.ServerIdSource;
import dev.spirekms.keys.KeyStoreException;
import dev.spirekms.keys.ServerIdentity;
import java.util.List;
import java.util.Optional;

/**
 * The server id, read exactly as the plugin reads it at Configure, except that a missing {@code
 * key_identifier_file} is reported, never created.
 */
final class ServerIdCheck {
  static final String NAME = "server id";
  static final String FROM_VALUE = "%s (key_identifier_value)";
  static final String FROM_FILE = "%s (from key_identifier_file %s)";

  private ServerIdCheck() {}

  /** The server id when it exists; adds one finding either way. */
  static Optional<String> run(ServerIdSource source, List<Finding> findings) {
    if (source instanceof ServerIdSource.FromValue value) {
      findings.add(Finding.ok(NAME, String.format(FROM_VALUE, value.value())));
      return Optional.of(value.value());
    }
    ServerIdSource.FromFile file = (ServerIdSource.FromFile) source;
    try {
      Optional<String> id = ServerIdentity.readExisting(file.path());
      if (id.isEmpty()) {
        findings.add(
            Finding.warn(
                NAME,
                String.format(DoctorMessages.SERVER_ID_FILE_MISSING, file.path()),
                DoctorMessages.FIX_SERVER_ID_FILE_MISSING));
      } else {
        findings.add(Finding.ok(NAME, String.format(FROM_FILE, id.get(), file.path())));
      }
      return id;
    } catch (KeyStoreException e) {
      findings.add(
          Finding.fail(NAME, e.getMessage(), DoctorMessages.FIX_SERVER_ID_FILE_UNREADABLE));
      return Optional.empty();
    }
  }
}
