package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An empty root directory, like a FROM-scratch container image: a distribution copied into it and
 * nothing else, no shell, no C library, no Java. A launch enters a mount namespace of its own
 * ({@code unshare --mount}, from the host), mounts the host's {@code /dev}, a fresh {@code /proc}
 * and an empty tmpfs on {@code /tmp} in the root, bind-mounts one host directory at the same path
 * inside (so that paths in plugin_data and the plugin's socket path mean the same on both sides),
 * and then runs the command in the root with {@code chroot}.
 *
 * <p>Needs root and util-linux's {@code unshare}; without them the test is skipped with a message,
 * unless {@code SPIRE_IT_REQUIRED=1} is set: then it fails.
 */
final class ScratchRoot {
  /**
   * Runs in the new mount namespace, outside the root: $1 root, $2 shared dir, then the command.
   */
  private static final String ENTER =
      "set -e; root=$1; shared=$2; shift 2; "
          + "mount --rbind /dev \"$root/dev\"; "
          + "mount -t proc proc \"$root/proc\"; "
          + "mount -t tmpfs -o mode=1777 tmpfs \"$root/tmp\"; "
          + "mkdir -p \"$root$shared\"; "
          + "mount --bind \"$shared\" \"$root$shared\"; "
          + "exec chroot \"$root\" \"$@\"";

  final Path root;
  final Path shared;

  private ScratchRoot(Path root, Path shared) {
    this.root = root;
    this.shared = shared;
  }

  /** Skips (or fails under SPIRE_IT_REQUIRED=1) unless this host can build the root. */
  static void requireSupport() throws IOException, InterruptedException {
    String missing = null;
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (!Integer.valueOf(0).equals(uid)) {
      missing = "the scratch-root test must run as root (uid " + uid + ") to mount and chroot";
    } else if (!works(List.of("unshare", "--mount", "true"))) {
      missing = "unshare --mount (util-linux) is not available or not permitted here";
    }
    if (missing != null && "1".equals(System.getenv("SPIRE_IT_REQUIRED"))) {
      fail(missing + "; SPIRE_IT_REQUIRED=1 forbids skipping");
    }
    assumeTrue(missing == null, missing);
  }

  private static boolean works(List<String> command) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A root in {@code temp} holding only {@code /dev}, {@code /proc}, {@code /tmp} and a copy of
   * {@code dist} at {@code /<its name>}; {@code shared} is a host directory made visible inside.
   */
  static ScratchRoot withDistribution(Path temp, Path dist, Path shared)
      throws IOException, InterruptedException {
    Path root = Files.createDirectories(temp.resolve("root"));
    for (String dir : List.of("dev", "proc", "tmp")) {
      Files.createDirectory(root.resolve(dir));
    }
    if (!works(List.of("cp", "-a", dist.toString(), root.resolve(dist.getFileName()).toString()))) {
      throw new IOException("cannot copy " + dist + " into " + root);
    }
    return new ScratchRoot(root, Files.createDirectories(shared));
  }

  /** A path inside the root, as the host sees it. */
  Path hostPath(String inside) {
    return root.resolve(inside.substring(1));
  }

  /** The command that runs {@code command} (paths as seen inside) in the root. */
  List<String> command(String... command) {
    List<String> wrapper =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "/bin/sh",
                "-c",
                ENTER,
                "sh",
                root.toString(),
                shared.toString()));
    wrapper.addAll(List.of(command));
    return wrapper;
  }
}
