package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code src/bench/run-all.sh --smoke} runs every benchmark of docs/performance.md a few times
 * against the packaged plugin and writes a results table with a row for each figure. Only that the
 * benchmarks work is checked: no figure is compared with anything.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BenchmarkSmokeEndToEndTest {
  /** The start of the figure cell of every row the table must have. */
  static final List<String> FIGURES =
      List.of(
          "sequential p50 / p99, direct SDK client",
          "16 callers, direct SDK client",
          "sequential p50 / p99, plugin, launcher defaults",
          "added latency p50 / p99, plugin, launcher defaults",
          "16 callers, plugin, launcher defaults",
          "16 callers, ratio plugin, launcher defaults / direct",
          "plugin, full tiered JIT (C2) / plugin, launcher defaults",
          "SignData p99 on key B, without / with key A rotated in a loop",
          "start → handshake line, JDK 17, archive trained",
          "start → handshake line, JDK 17, no archive",
          "start → Init answered, JDK 17, archive trained",
          "start → first Configure answered (4 keys), JDK 17, no archive",
          "Configure RPC alone, 4 keys, JDK 17, archive trained",
          "Configure, 20 keys, 20 ms per KMS call, no rate limit",
          "Configure, 20 keys, 20 ms per KMS call, kms_control_plane_rps",
          "KMS calls during that Configure (ListAliases pages), no rate limit",
          "KMS calls during that Configure (ListAliases pages), kms_control_plane_rps",
          "RSS after Configure with 10 keys, launcher defaults",
          "RSS after Configure with 10 keys, initial heap 128 MiB (as before)",
          "peak RSS (VmHWM) after 16-way SignData on that plugin, launcher defaults",
          "peak RSS (VmHWM) after 16-way SignData on that plugin, G1 instead of Serial GC",
          "plugin, 32 kept-alive connections / plugin, launcher defaults",
          "control: SignData p99 on key B while a direct client makes keys");

  @TempDir Path temp;

  @Test
  void theSmokeRunWritesARowForEveryFigure() throws Exception {
    Path table = temp.resolve("results.md");
    Path output = temp.resolve("run-all.log");
    Process run =
        new ProcessBuilder(
                "bash",
                "src/bench/run-all.sh",
                "--smoke",
                "--dist",
                LocalKmsPlugin.DIST.toString(),
                "--classpath",
                System.getProperty("java.class.path"),
                "--jdk17",
                System.getProperty("java.home"),
                "--out",
                table.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean finished = run.waitFor(9, TimeUnit.MINUTES);
    if (!finished) {
      run.destroyForcibly().waitFor();
    }
    String log = Files.readString(output, StandardCharsets.UTF_8);
    assertTrue(finished, "run-all.sh --smoke did not finish:\n" + log);
    assertEquals(0, run.exitValue(), log);

    List<String> rows = new ArrayList<>();
    for (String line : Files.readAllLines(table, StandardCharsets.UTF_8)) {
      if (line.startsWith("| ") && !line.startsWith("| part ")) {
        rows.add(line);
      }
    }
    List<String> figures = new ArrayList<>(FIGURES);
    if (Files.isExecutable(SpireBinaries.DIR.resolve("bin/spire-server"))) {
      figures.add("`spire-server run` → healthcheck passes, ours");
      figures.add("`spire-server run` → healthcheck passes, built-in aws_kms");
      figures.add("X509-SVIDs minted per second, 4 `x509 mint` callers, ours");
      figures.add("X509-SVIDs minted per second, 4 `x509 mint` callers, built-in aws_kms");
      figures.add("time to healthy, ours / built-in");
      figures.add("minting rate, ours / built-in");
    }
    for (String figure : figures) {
      List<String> matching =
          rows.stream()
              .filter(r -> cells(r).size() == 5 && cells(r).get(1).startsWith(figure))
              .toList();
      assertEquals(
          1, matching.size(), "one row for \"" + figure + "\" in:\n" + String.join("\n", rows));
      assertTrue(!cells(matching.get(0)).get(2).isBlank(), "a figure in " + matching.get(0));
    }
  }

  /** The cells of a Markdown table row, stripped. */
  static List<String> cells(String row) {
    String inner = row.substring(1, row.length() - 1);
    List<String> cells = new ArrayList<>();
    for (String cell : inner.split(" \\| ", -1)) {
      cells.add(cell.strip());
    }
    return cells;
  }
}
