package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;

class LineSinkTest {
  /** Counts calls, and copies byte by byte with yields, so unguarded writers would interleave. */
  private static final class SlowCountingStream extends OutputStream {
    private byte[] buffer = new byte[1 << 20];
    private int size;
    int writes;
    int flushes;

    @Override
    public void write(int b) {
      if (size == buffer.length) {
        buffer = Arrays.copyOf(buffer, size * 2);
      }
      buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      writes++;
      for (int i = 0; i < length; i++) {
        write(bytes[offset + i]);
        if (i % 16 == 0) {
          Thread.yield();
        }
      }
    }

    @Override
    public void flush() {
      flushes++;
    }

    byte[] bytes() {
      return Arrays.copyOf(buffer, size);
    }
  }

  @Test
  void eachLineIsOneWriteAndOneFlush() {
    SlowCountingStream stream = new SlowCountingStream();
    LineSink sink = new LineSink(stream);
    sink.write("{\"a\":\"1\"}\n".getBytes(StandardCharsets.UTF_8));
    sink.write("{\"b\":\"2\"}\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(2, stream.writes);
    assertEquals(2, stream.flushes);
    assertEquals(
        "{\"a\":\"1\"}\n{\"b\":\"2\"}\n", new String(stream.bytes(), StandardCharsets.UTF_8));
  }

  @Test
  void linesFromManyThreadsNeverInterleave() throws Exception {
    int threads = 16;
    int linesPerThread = 400;
    SlowCountingStream stream = new SlowCountingStream();
    HclogLoggerFactory factory =
        new HclogLoggerFactory(
            LogLevels.fromSetting("debug"),
            Clock.systemUTC(),
            new BasicMDCAdapter(),
            new HclogLineEncoder(),
            new LineSink(stream));
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String thread = "t" + t;
        done.add(
            pool.submit(
                () -> {
                  Logger logger = factory.getLogger("dev.spirekms.test." + thread);
                  start.await();
                  for (int i = 0; i < linesPerThread; i++) {
                    logger
                        .atInfo()
                        .addKeyValue("thread", thread)
                        .addKeyValue("seq", i)
                        .addKeyValue("padding", "p\u00e9\n".repeat(i % 50))
                        .log("Line {} from {}", i, thread);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> lines = HclogLines.split(stream.bytes());
    assertEquals(threads * linesPerThread, lines.size());
    assertEquals(threads * linesPerThread, stream.writes);
    int[] next = new int[threads];
    for (String line : lines) {
      Map<String, String> entry = HclogLines.parse(line);
      int thread = Integer.parseInt(entry.get("thread").substring(1));
      int seq = Integer.parseInt(entry.get("seq"));
      assertEquals(next[thread], seq, "lines of one thread stay in order");
      assertEquals("Line " + seq + " from t" + thread, entry.get("@message"));
      assertEquals("p\u00e9\n".repeat(seq % 50), entry.get("padding"));
      next[thread]++;
    }
  }

  @Test
  void aFailingStreamIsIgnoredAndLaterLinesAreStillTried() {
    List<String> attempts = new ArrayList<>();
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("broken pipe");
          }

          @Override
          public void write(byte[] bytes, int offset, int length) throws IOException {
            attempts.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
            throw new IOException("broken pipe");
          }
        };
    LineSink sink = new LineSink(broken);
    sink.write("one\n".getBytes(StandardCharsets.UTF_8));
    sink.write("two\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("one\n", "two\n"), attempts);
  }
}
