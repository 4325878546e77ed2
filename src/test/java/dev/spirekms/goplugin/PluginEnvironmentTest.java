package dev.spirekms.goplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PluginEnvironmentTest {
  private static Map<String, String> spireEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("KeyManager", "KeyManager");
    env.put("PLUGIN_MIN_PORT", "10000");
    env.put("PLUGIN_MAX_PORT", "25000");
    env.put("PLUGIN_PROTOCOL_VERSIONS", "1");
    return env;
  }

  @Test
  void readsWhatSpireSets() {
    PluginEnvironment env = PluginEnvironment.parse("KeyManager", spireEnv(), 1);

    assertEquals("KeyManager", env.pluginType());
    assertEquals(1, env.appProtocolVersion());
    assertEquals(10000, env.minPort());
    assertEquals(25000, env.maxPort());
    assertEquals(Optional.empty(), env.unixSocketDir());
  }

  @Test
  void cookieMustBePresent() {
    Map<String, String> env = spireEnv();
    env.remove("KeyManager");

    assertFalse(PluginEnvironment.hasMagicCookie("KeyManager", env));
    PluginEnvironmentException e =
        assertThrows(
            PluginEnvironmentException.class, () -> PluginEnvironment.parse("KeyManager", env, 1));
    assertEquals(
        "environment variable KeyManager must be set to KeyManager: this program is a plugin and"
            + " is started by its host, not run directly",
        e.getMessage());
  }

  @Test
  void cookieMustHaveThePluginTypeAsValue() {
    Map<String, String> env = spireEnv();
    env.put("KeyManager", "keymanager");

    assertFalse(PluginEnvironment.hasMagicCookie("KeyManager", env));
    assertThrows(
        PluginEnvironmentException.class, () -> PluginEnvironment.parse("KeyManager", env, 1));
  }

  @Test
  void cookieNameIsThePluginType() {
    Map<String, String> env = spireEnv();
    env.put("Notifier", "Notifier");

    assertTrue(PluginEnvironment.hasMagicCookie("Notifier", env));
    assertEquals("Notifier", PluginEnvironment.parse("Notifier", env, 1).pluginType());
  }

  @ParameterizedTest(name = "offered \"{0}\", supported {1} -> {2}")
  @CsvSource(
      delimiter = ';',
      value = {
        "1; 1; 1",
        "'1,2'; 1; 1",
        "'2,1'; '1,2'; 2",
        "'3,2'; '1,2'; 2",
        "' 2 , 1 '; '1,2'; 2",
        "'3,4'; '1,2'; 1",
        "''; '1,2'; 1",
        "'x,2'; '1,2'; 2",
        "'x'; '2,3'; 2",
        "'1,,'; 1; 1",
      })
  void negotiatesTheHighestCommonVersionOrFallsBackToOurLowest(
      String offered, String supported, int expected) {
    int[] ours = Arrays.stream(supported.split(",")).mapToInt(Integer::parseInt).toArray();

    assertEquals(expected, PluginEnvironment.negotiateVersion(offered, ours));
  }

  @Test
  void missingVersionListFallsBackToOurLowest() {
    Map<String, String> env = spireEnv();
    env.remove("PLUGIN_PROTOCOL_VERSIONS");

    assertEquals(2, PluginEnvironment.parse("KeyManager", env, 3, 2).appProtocolVersion());
  }

  @Test
  void needsAtLeastOneSupportedVersion() {
    assertThrows(
        IllegalArgumentException.class, () -> PluginEnvironment.parse("KeyManager", spireEnv()));
  }

  @Test
  void unsetPortsMeanAnyFreePort() {
    Map<String, String> env = spireEnv();
    env.remove("PLUGIN_MIN_PORT");
    env.remove("PLUGIN_MAX_PORT");

    PluginEnvironment parsed = PluginEnvironment.parse("KeyManager", env, 1);
    assertEquals(0, parsed.minPort());
    assertEquals(0, parsed.maxPort());
  }

  @Test
  void minPortAboveMaxPortIsAnError() {
    Map<String, String> env = spireEnv();
    env.put("PLUGIN_MIN_PORT", "25001");

    PluginEnvironmentException e =
        assertThrows(
            PluginEnvironmentException.class, () -> PluginEnvironment.parse("KeyManager", env, 1));
    assertEquals("PLUGIN_MIN_PORT (25001) is greater than PLUGIN_MAX_PORT (25000)", e.getMessage());
  }

  @Test
  void portMustBeANumber() {
    Map<String, String> env = spireEnv();
    env.put("PLUGIN_MAX_PORT", "lots");

    PluginEnvironmentException e =
        assertThrows(
            PluginEnvironmentException.class, () -> PluginEnvironment.parse("KeyManager", env, 1));
    assertEquals("PLUGIN_MAX_PORT must be a port number, got \"lots\"", e.getMessage());
  }

  @Test
  void portMustBeInRange() {
    Map<String, String> env = spireEnv();
    env.put("PLUGIN_MAX_PORT", "65536");

    PluginEnvironmentException e =
        assertThrows(
            PluginEnvironmentException.class, () -> PluginEnvironment.parse("KeyManager", env, 1));
    assertEquals("PLUGIN_MAX_PORT must be between 0 and 65535, got 65536", e.getMessage());
  }

  @Test
  void readsTheSocketDirectory() {
    Map<String, String> env = spireEnv();
    env.put("PLUGIN_UNIX_SOCKET_DIR", "/run/spire/sockets");

    PluginEnvironment parsed = PluginEnvironment.parse("KeyManager", env, 1);
    assertEquals(Optional.of(Path.of("/run/spire/sockets")), parsed.unixSocketDir());
    assertTrue(parsed.toString().contains("/run/spire/sockets"), parsed.toString());
  }

  @Test
  void emptySocketDirectoryMeansTheTempDirectory() {
    Map<String, String> env = spireEnv();
    env.put("PLUGIN_UNIX_SOCKET_DIR", "");

    assertEquals(Optional.empty(), PluginEnvironment.parse("KeyManager", env, 1).unixSocketDir());
  }
}
