package dev.spirekms.goplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StdoutGuardTest {
  @Test
  void takeStdoutPointsSystemOutAtStderr() {
    PrintStream original = System.out;
    try {
      PrintStream taken = StdoutGuard.takeStdout();

      assertSame(original, taken);
      assertSame(System.err, System.out);
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void announceWritesOneLineAndFlushes() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // buffered and without autoflush: the line only arrives if it is flushed
    PrintStream stdout =
        new PrintStream(new BufferedOutputStream(bytes), false, StandardCharsets.UTF_8);

    StdoutGuard.announce(stdout, "1|1|unix|/tmp/p/plugin.sock|grpc|");

    assertEquals("1|1|unix|/tmp/p/plugin.sock|grpc|\n", bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void announceReportsAStdoutThatCannotBeWritten() {
    PrintStream broken =
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) throws IOException {
                throw new IOException("closed");
              }
            });

    IOException e = assertThrows(IOException.class, () -> StdoutGuard.announce(broken, "1|1"));
    assertEquals("could not write the handshake line to stdout", e.getMessage());
  }
}
