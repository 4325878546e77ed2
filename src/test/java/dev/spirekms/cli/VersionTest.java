package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionTest {
  @Test
  void readsTheJarManifestVersion() {
    // JUnit's own jar carries an Implementation-Version
    String junit = Version.of(Test.class);

    assertTrue(junit.matches("\\d+\\.\\d+.*"), junit);
  }

  @Test
  void isUnknownOutsideAJar() {
    assertEquals("unknown", Version.of(VersionTest.class));
  }

  @Test
  void describesTheRunningJava() {
    String description = Version.javaDescription();

    assertTrue(description.startsWith("java " + Runtime.version() + " ("), description);
    assertTrue(description.contains(System.getProperty("java.home")), description);
  }
}
