package dev.spirekms.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What every part of one benchmark run shares: the distribution measured, the JDKs to run it on (by
 * name, the first one the default), smoke or full, the scratch directory, and the results table.
 */
final class BenchRun {
  private final Path dist;
  private final Map<String, Path> jdks;
  private final boolean smoke;
  private final Path temp;
  private final ResultTable table;

  BenchRun(Path dist, Map<String, Path> jdks, boolean smoke, Path temp, ResultTable table) {
    this.dist = dist;
    this.jdks = jdks;
    this.smoke = smoke;
    this.temp = temp;
    this.table = table;
  }

  boolean smoke() {
    return smoke;
  }

  Path temp() {
    return temp;
  }

  /** The JDKs' names, in the order given. */
  Set<String> jdkNames() {
    return jdks.keySet();
  }

  Path javaHome(String jdk) {
    return jdks.get(jdk);
  }

  String firstJdk() {
    return jdks.keySet().iterator().next();
  }

  BenchPlugin.Launch launch(String jdk, String cacheDir) {
    return new BenchPlugin.Launch(dist, jdks.get(jdk), cacheDir, "", temp);
  }

  void row(String part, String figure, String median, String spread, String target) {
    table.row(part, figure, median, spread, target);
  }
}
