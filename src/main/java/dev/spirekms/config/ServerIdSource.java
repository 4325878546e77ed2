package dev.spirekms.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the server id (the part of alias names that tells servers of one trust domain apart) comes
 * from: {@code key_identifier_file} or {@code key_identifier_value}; configuration has exactly one.
 */
public sealed interface ServerIdSource permits ServerIdSource.FromFile, ServerIdSource.FromValue {

  /**
   * A file holding a UUID; created with a new random UUID when missing (read and written outside
   * this package, at Configure).
   */
  record FromFile(Path path) implements ServerIdSource {
    public FromFile {
      Objects.requireNonNull(path);
    }
  }

  /** A server id given verbatim in configuration. */
  record FromValue(String value) implements ServerIdSource {
    public FromValue {
      Objects.requireNonNull(value);
    }
  }
}
