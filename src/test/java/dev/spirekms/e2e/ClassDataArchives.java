package dev.spirekms.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The launcher's class-data cache directory: a CDS archive ({@code .jsa}) on JDK 17 to 24, an AOT
 * cache ({@code .aot}) on JDK 25 and later, each trained in the background beside its {@code .log}.
 */
final class ClassDataArchives {
  private ClassDataArchives() {}

  /** The archive in {@code cache}, if one is there. */
  static Optional<Path> find(Path cache) throws IOException {
    if (!Files.isDirectory(cache)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(cache)) {
      return files
          .filter(p -> p.toString().endsWith(".jsa") || p.toString().endsWith(".aot"))
          .findFirst();
    }
  }

  /** Polls until the background training has put an archive in place; fails with its log if not. */
  static Path await(Path cache, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Path> archive = find(cache);
      if (archive.isPresent()) {
        return archive.get();
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    StringBuilder logs = new StringBuilder();
    if (Files.isDirectory(cache)) {
      try (Stream<Path> files = Files.list(cache)) {
        for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
          logs.append(Files.readString(log));
        }
      }
    }
    throw new AssertionError("no class-data archive after " + timeout + "; training log:\n" + logs);
  }
}
