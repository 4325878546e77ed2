package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SPIRE's own {@code spire-server} and {@code spire-agent}, built by {@code src/it/spire/build.sh}
 * at the release pinned in {@code src/it/spire/go.mod}.
 *
 * <p>Tests that need them are skipped with a message saying how to build them, unless {@code
 * SPIRE_IT_REQUIRED=1} is set (as {@code .ci/run} sets it): then their absence fails the test.
 */
record SpireBinaries(Path server, Path agent, String stamp) {
  static final Path DIR = Path.of(System.getProperty("spire.dir", "target-spire"));

  /** The binaries, or an aborted (skipped) test when they were not built. */
  static SpireBinaries require() {
    Path bin = DIR.resolve("bin");
    Path server = bin.resolve("spire-server");
    Path agent = bin.resolve("spire-agent");
    boolean built = Files.isExecutable(server) && Files.isExecutable(agent);
    String missing =
        "SPIRE binaries not found in "
            + bin.toAbsolutePath()
            + ": build them with src/it/spire/build.sh (needs Go 1.26 and the Go module proxy)";
    if (!built && "1".equals(System.getenv("SPIRE_IT_REQUIRED"))) {
      fail(missing + "; SPIRE_IT_REQUIRED=1 forbids skipping");
    }
    assumeTrue(built, missing);
    try {
      return new SpireBinaries(server, agent, Files.readString(DIR.resolve("STAMP")).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
