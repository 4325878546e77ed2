package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyManagerServeTest {
  @TempDir Path temp;

  @Test
  void aTrainingRunPrintsTheHandshakeThenStopsInOrder() {
    PrintStream original = System.out;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(stdout, false, StandardCharsets.UTF_8));
      status =
          KeyManagerServe.serve(
              Map.of(
                  "KeyManager", "KeyManager",
                  "PLUGIN_PROTOCOL_VERSIONS", "1",
                  "PLUGIN_UNIX_SOCKET_DIR", temp.toString()),
              true);
      // after the handshake, System.out is stderr
      assertSame(System.err, System.out);
    } finally {
      System.setOut(original);
    }

    assertEquals(0, status);
    String text = stdout.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.matches("1\\|1\\|unix\\|" + temp + "/plugin\\d+/plugin\\.sock\\|grpc\\|\n"), text);
    String socket = text.split("\\|")[3];
    assertFalse(Files.exists(Path.of(socket).getParent()));
  }

  @Test
  void withoutTheCookieItDoesNotServe() {
    PrintStream original = System.out;
    try {
      assertEquals(1, KeyManagerServe.serve(Map.of(), false));
    } finally {
      System.setOut(original);
    }
  }
}
