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
  static final String MISSING =
      "key_identifier_file %s does not exist: a new server id would be made at first start, and"
          + " keys made under another id would not be found";
  static final String FIX_MISSING =
      "nothing to do for a new server; for a server that ran before, restore the file from the"
          + " server's backup (its old id is the <server id> part of its aliases,"
          + " alias/SPIRE_SERVER/<trust domain>/<server id>/...)";
  static final String FIX_UNREADABLE =
      "make the file readable by the plugin's user, or restore it; remove it only if the old id"
          + " is lost for good (a new id is then made, and SPIRE makes new keys)";

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
        findings.add(Finding.warn(NAME, String.format(MISSING, file.path()), FIX_MISSING));
      } else {
        findings.add(Finding.ok(NAME, String.format(FROM_FILE, id.get(), file.path())));
      }
      return id;
    } catch (KeyStoreException e) {
      findings.add(Finding.fail(NAME, e.getMessage(), FIX_UNREADABLE));
      return Optional.empty();
    }
  }
}
