package dev.spirekms.logging;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Writes whole lines to one stream: one write and one flush per line, never interleaved. */
final class LineSink {
  private final OutputStream out;

  LineSink(OutputStream out) {
    this.out = out;
  }

  /** A sink on the process's real standard error, whatever {@code System.err} is later set to. */
  // go-plugin client.go logStderr turns plugin stderr into log lines; stdout is discarded.
  static LineSink standardError() {
    return new LineSink(new FileOutputStream(FileDescriptor.err));
  }

  void write(byte[] line) {
    synchronized (this) {
      try {
        out.write(line);
        out.flush();
      } catch (IOException e) {
        // Standard error is gone (the host closed it); there is nowhere left to report this.
      }
    }
  }
}
