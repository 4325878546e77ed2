package dev.spirekms.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmarks of {@code docs/performance.md}, for {@code src/bench/run-all.sh}: the packaged
 * launcher started as SPIRE starts it, against local KMS servers in this JVM. Writes one Markdown
 * table row per figure to the output file. Not a unit test: it runs only when the script starts it.
 *
 * <p>Usage: {@code PluginBench --dist DIR --out FILE --jdk NAME=JAVA_HOME... [--smoke] [--parts
 * signing,startup,many-keys,memory]}
 *
 * <p>The parts, in the order they run: {@link SigningBench} (with {@link HeadOfLineBench}), {@link
 * StartupBench}, {@link ManyKeysBench}, {@link MemoryBench}.
 */
public final class PluginBench {
  private PluginBench() {}

  public static void main(String[] args) throws Exception {
    Path dist = null;
    Path out = null;
    boolean smoke = false;
    Map<String, Path> jdks = new LinkedHashMap<>();
    Set<String> parts = new HashSet<>(List.of("signing", "startup", "many-keys", "memory"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dist" -> dist = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--smoke" -> smoke = true;
        case "--parts" -> parts = new HashSet<>(List.of(args[++i].split(",")));
        case "--jdk" -> {
          String[] named = args[++i].split("=", 2);
          jdks.put(named[0], Path.of(named[1]));
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dist == null || out == null || jdks.isEmpty()) {
      System.err.println("usage: PluginBench --dist DIR --out FILE --jdk NAME=HOME... [--smoke]");
      System.exit(2);
    }
    Path temp = Files.createTempDirectory("plugin-bench");
    ResultTable table = new ResultTable();
    BenchRun run = new BenchRun(dist, jdks, smoke, temp, table);
    if (parts.contains("signing")) {
      new SigningBench(run).run();
    }
    if (parts.contains("startup")) {
      new StartupBench(run).run();
    }
    if (parts.contains("many-keys")) {
      new ManyKeysBench(run).run();
    }
    if (parts.contains("memory")) {
      new MemoryBench(run).run();
    }
    table.write(out);
    System.exit(0);
  }
}
