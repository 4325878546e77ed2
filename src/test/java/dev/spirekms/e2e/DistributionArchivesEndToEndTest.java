package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two distributions as shipped: each .tar.gz unpacks into a directory whose SHA256SUMS covers
 * every other file and passes {@code sha256sum -c}, whose launcher runs, and whose SBOM lists the
 * jar's dependencies.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DistributionArchivesEndToEndTest {
  private static final String NAME = LocalKmsPlugin.NAME;
  private static final Path PLAIN = LocalKmsPlugin.DIST;
  private static final Path SELF_CONTAINED = SelfContainedEndToEndTest.SELF_CONTAINED;

  @TempDir Path temp;

  private record Run(int exitCode, String output) {}

  private Run run(Path dir, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/bin:/bin");
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    return new Run(process.exitValue(), output);
  }

  private Path unpack(Path dist) throws Exception {
    Path tarball = dist.resolveSibling(dist.getFileName() + ".tar.gz");
    Path into = Files.createDirectories(temp.resolve("unpacked"));
    Run tar = run(into, Map.of(), "tar", "-xzf", tarball.toString());
    assertEquals(0, tar.exitCode(), tar.output());
    Path unpacked = into.resolve(dist.getFileName().toString());
    assertTrue(Files.isDirectory(unpacked), "the archive unpacks into " + dist.getFileName());
    return unpacked;
  }

  private static Set<String> filesBut(Path dir, String except) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> dir.relativize(file).toString())
          .filter(name -> !name.equals(except))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void unpackedArchivePassesItsChecksumsAndItsLauncherRuns(boolean selfContained) throws Exception {
    Path unpacked = unpack(selfContained ? SELF_CONTAINED : PLAIN);

    List<String> sums = Files.readAllLines(unpacked.resolve("SHA256SUMS"));
    Set<String> listed = new TreeSet<>();
    for (String line : sums) {
      assertTrue(line.matches("[0-9a-f]{64}  \\S.*"), line);
      listed.add(line.substring(66));
    }
    assertEquals(sums.size(), listed.size(), "a file is listed twice");
    assertEquals(filesBut(unpacked, "SHA256SUMS"), listed);
    List<String> expected =
        new ArrayList<>(List.of("bin/" + NAME, "lib/" + NAME + ".jar", "sbom.cdx.json", "LICENSE"));
    if (selfContained) {
      expected.addAll(List.of("runtime/bin/java", "runtime/lib/modules", "runtime/release"));
    }
    assertTrue(listed.containsAll(expected), listed.toString());

    Run check = run(unpacked, Map.of(), "sha256sum", "-c", "SHA256SUMS");
    assertEquals(0, check.exitCode(), check.output());
    assertEquals(listed.size(), check.output().lines().filter(l -> l.endsWith(": OK")).count());

    // the archive kept the executables executable
    Map<String, String> env =
        selfContained
            ? Map.of("PATH", SelfContainedEndToEndTest.pathWithoutJava(temp).toString())
            : Map.of("JAVA_HOME", System.getProperty("java.home"));
    Run version = run(unpacked, env, unpacked.resolve("bin").resolve(NAME).toString(), "version");
    assertEquals(0, version.exitCode(), version.output());
    assertTrue(version.output().startsWith(NAME + " "), version.output());
    if (selfContained) {
      assertTrue(version.output().contains(unpacked.resolve("runtime").toString()));
    }

    // and a changed file is caught
    String last = sums.get(sums.size() - 1).substring(66);
    Files.write(unpacked.resolve(last), new byte[] {0}, StandardOpenOption.APPEND);
    Run failed = run(unpacked, Map.of(), "sha256sum", "-c", "--quiet", "SHA256SUMS");
    assertNotEquals(0, failed.exitCode());
    assertEquals(last + ": FAILED", failed.output().lines().findFirst().orElse(""));
  }

  @Test
  void bothDistributionsShipTheSameLauncherJarSbomAndLicense() throws Exception {
    for (String file : List.of("bin/" + NAME, "lib/" + NAME + ".jar", "sbom.cdx.json", "LICENSE")) {
      assertArrayEquals(
          Files.readAllBytes(PLAIN.resolve(file)),
          Files.readAllBytes(SELF_CONTAINED.resolve(file)),
          file);
    }
    assertFalse(Files.exists(PLAIN.resolve("runtime")));
  }

  @Test
  void sbomListsTheJarsDependenciesAndNoTestOnes() throws Exception {
    JsonObject bom =
        JsonParser.parseString(Files.readString(PLAIN.resolve("sbom.cdx.json"))).getAsJsonObject();

    assertEquals("CycloneDX", bom.get("bomFormat").getAsString());
    assertFalse(bom.has("serialNumber"), "a serial number differs at every build");
    JsonObject metadata = bom.getAsJsonObject("metadata");
    // nothing that changes from build to build: no time, or the fixed build time
    if (metadata.has("timestamp")) {
      assertEquals("2026-01-01T00:00:00Z", metadata.get("timestamp").getAsString());
    }
    assertEquals(NAME, metadata.getAsJsonObject("component").get("name").getAsString());
    assertEquals("application", metadata.getAsJsonObject("component").get("type").getAsString());

    Set<String> packages = new TreeSet<>();
    for (JsonElement component : bom.getAsJsonArray("components")) {
      String purl = component.getAsJsonObject().get("purl").getAsString();
      packages.add(purl.substring(0, purl.indexOf('@')));
    }
    for (String shaded :
        List.of(
            "pkg:maven/software.amazon.awssdk/kms",
            "pkg:maven/software.amazon.awssdk/sts",
            "pkg:maven/software.amazon.awssdk/url-connection-client",
            "pkg:maven/io.grpc/grpc-netty-shaded",
            "pkg:maven/com.google.protobuf/protobuf-java",
            "pkg:maven/com.google.code.gson/gson",
            "pkg:maven/org.slf4j/slf4j-api")) {
      assertTrue(packages.contains(shaded), shaded + " missing from " + packages);
    }
    for (String absent :
        List.of(
            "pkg:maven/org.junit.jupiter/junit-jupiter",
            "pkg:maven/org.mockito/mockito-core",
            "pkg:maven/software.amazon.awssdk/apache-client",
            "pkg:maven/software.amazon.awssdk/netty-nio-client",
            "pkg:maven/software.amazon.awssdk/apache5-client")) {
      assertFalse(packages.contains(absent), absent + " is not in the jar");
    }
  }
}
