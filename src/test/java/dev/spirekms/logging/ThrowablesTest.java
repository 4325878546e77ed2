package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrowablesTest {
  private static StackTraceElement frame(String method, int line) {
    return new StackTraceElement("dev.spirekms.Example", method, "Example.java", line);
  }

  private static <T extends Throwable> T withFrames(T thrown, StackTraceElement... frames) {
    thrown.setStackTrace(frames);
    return thrown;
  }

  @Test
  void summaryJoinsTheCauseChainOnOneLine() {
    Exception thrown =
        new IllegalStateException("boom", new IOException("disk\nfull\r\nnow\rreally"));
    assertEquals(
        "java.lang.IllegalStateException: boom; caused by: java.io.IOException: disk full now"
            + " really",
        Throwables.summary(thrown));
  }

  @Test
  void summaryOfAThrowableWithoutMessageIsItsClass() {
    assertEquals("java.lang.NullPointerException", Throwables.summary(new NullPointerException()));
  }

  @Test
  void summaryStopsAtACycle() {
    Exception first = new Exception("first");
    Exception second = new Exception("second", first);
    first.initCause(second);
    assertEquals(
        "java.lang.Exception: first; caused by: java.lang.Exception: second",
        Throwables.summary(first));
  }

  @Test
  void aThrowableWhoseToStringThrowsIsNamedByItsClass() {
    Exception rude =
        new Exception("hidden") {
          @Override
          public String toString() {
            throw new UnsupportedOperationException();
          }
        };
    String name = rude.getClass().getName();
    assertEquals(name, Throwables.summary(rude));
    assertTrue(Throwables.stackTrace(rude).startsWith(name + "\n"));
  }

  @Test
  void stackTraceHasTheJdkLayoutWithCommonFramesElided() {
    Exception cause =
        withFrames(
            new IOException("disk"), frame("write", 30), frame("run", 20), frame("main", 10));
    Exception top =
        withFrames(
            new IllegalStateException("boom", cause),
            frame("sign", 40),
            frame("run", 20),
            frame("main", 10));
    assertEquals(
        String.join(
            "\n",
            "java.lang.IllegalStateException: boom",
            "\tat dev.spirekms.Example.sign(Example.java:40)",
            "\tat dev.spirekms.Example.run(Example.java:20)",
            "\tat dev.spirekms.Example.main(Example.java:10)",
            "Caused by: java.io.IOException: disk",
            "\tat dev.spirekms.Example.write(Example.java:30)",
            "\t... 2 more"),
        Throwables.stackTrace(top));
  }

  @Test
  void stackTraceShowsSuppressedThrowablesIndented() {
    Exception top =
        withFrames(new Exception("retries failed"), frame("call", 50), frame("main", 10));
    Exception attempt =
        withFrames(new IOException("attempt 1"), frame("send", 60), frame("main", 10));
    attempt.initCause(
        withFrames(new RuntimeException("reset"), frame("read", 70), frame("main", 10)));
    top.addSuppressed(attempt);
    assertEquals(
        String.join(
            "\n",
            "java.lang.Exception: retries failed",
            "\tat dev.spirekms.Example.call(Example.java:50)",
            "\tat dev.spirekms.Example.main(Example.java:10)",
            "\tSuppressed: java.io.IOException: attempt 1",
            "\t\tat dev.spirekms.Example.send(Example.java:60)",
            "\t\t... 1 more",
            "\tCaused by: java.lang.RuntimeException: reset",
            "\t\tat dev.spirekms.Example.read(Example.java:70)",
            "\t\t... 1 more"),
        Throwables.stackTrace(top));
  }

  @Test
  void stackTraceMarksCircularReferences() {
    Exception first = withFrames(new Exception("first"), frame("a", 1));
    Exception second = withFrames(new Exception("second", first), frame("b", 2));
    first.initCause(second);
    assertEquals(
        String.join(
            "\n",
            "java.lang.Exception: first",
            "\tat dev.spirekms.Example.a(Example.java:1)",
            "Caused by: java.lang.Exception: second",
            "\tat dev.spirekms.Example.b(Example.java:2)",
            "Caused by: [CIRCULAR REFERENCE: java.lang.Exception: first]"),
        Throwables.stackTrace(first));
  }

  @Test
  void aRealStackTraceNamesThisTestAndHasNoTrailingNewline() {
    String stack = Throwables.stackTrace(new IllegalArgumentException("real"));
    List<String> lines = stack.lines().toList();
    assertEquals("java.lang.IllegalArgumentException: real", lines.get(0));
    assertTrue(lines.get(1).startsWith("\tat dev.spirekms.logging.ThrowablesTest."), lines.get(1));
    assertFalse(stack.endsWith("\n"));
  }
}
