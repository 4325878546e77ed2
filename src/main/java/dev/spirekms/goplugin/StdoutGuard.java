package dev.spirekms.goplugin;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Keeps stdout for the handshake line alone: go-plugin reads the first stdout line as the handshake
 * and discards the rest (go-plugin client.go), so nothing else may ever be written there.
 */
public final class StdoutGuard {
  private StdoutGuard() {}

  /**
   * Points {@code System.out} at stderr, so that no library can write to stdout, and returns the
   * real stdout for the one handshake line.
   */
  public static PrintStream takeStdout() {
    PrintStream stdout = System.out;
    System.setOut(System.err);
    return stdout;
  }

  /** Writes the handshake line and a newline, and flushes. */
  public static void announce(PrintStream stdout, String handshakeLine) throws IOException {
    stdout.print(handshakeLine + "\n");
    stdout.flush();
    if (stdout.checkError()) {
      throw new IOException("could not write the handshake line to stdout");
    }
  }
}
