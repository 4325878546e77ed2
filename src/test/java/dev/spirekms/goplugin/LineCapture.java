package dev.spirekms.goplugin;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** An output stream that records everything and completes a future at the first full line. */
final class LineCapture extends OutputStream {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<String> firstLine = new CompletableFuture<>();

  @Override
  public synchronized void write(int b) {
    bytes.write(b);
    if (b == '\n' && !firstLine.isDone()) {
      String text = bytes.toString(StandardCharsets.UTF_8);
      firstLine.complete(text.substring(0, text.indexOf('\n')));
    }
  }

  CompletableFuture<String> firstLine() {
    return firstLine;
  }

  synchronized String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
