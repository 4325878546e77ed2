package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one SPIRE command line ({@code spire-server …} or {@code spire-agent …}) to completion. */
final class SpireCli {
  private static final long TIMEOUT_SECONDS = 60;

  private SpireCli() {}

  /** What a command printed and how it exited. */
  record Result(List<String> args, int exitCode, String stdout, String stderr) {
    /** The result, or a failed test that shows the command and its output. */
    Result requireSuccess() {
      if (exitCode != 0) {
        fail(this.toString());
      }
      return this;
    }

    @Override
    public String toString() {
      return String.join(" ", args)
          + " exited with "
          + exitCode
          + "\nstdout:\n"
          + stdout
          + "\nstderr:\n"
          + stderr;
    }
  }

  /** {@code <binary> <command words> -socketPath <socket> <flags>}, e.g. {@code "bundle show"}. */
  static Result run(
      Path binary,
      String command,
      Path socket,
      Path workDir,
      Map<String, String> env,
      String... flags)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    args.add(binary.toString());
    args.addAll(List.of(command.split(" ")));
    args.add("-socketPath");
    args.add(socket.toString());
    args.addAll(List.of(flags));
    return run(args, workDir, env);
  }

  static Result run(List<String> args, Path workDir, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "cli", ".out");
    Path err = Files.createTempFile(workDir, "cli", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(args)
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        fail(String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      return new Result(
          List.copyOf(args), process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
