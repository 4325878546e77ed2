package dev.spirekms.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** RSS, threads and open file descriptors of a process, read from /proc. */
final class ProcessSampler {
  private ProcessSampler() {}

  /** RSS, threads and open file descriptors of {@code pid}, from /proc; -1 for what is gone. */
  static Soak.Sample sample(long pid, long atSeconds) {
    long rss = -1;
    int threads = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // the process is gone: the sample says -1
    }
    int fds;
    try (var list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds = (int) list.count();
    } catch (IOException e) {
      fds = -1;
    }
    return new Soak.Sample(atSeconds, rss, threads, fds);
  }
}
