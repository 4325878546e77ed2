package dev.spirekms.localkms;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The local KMS as a program of its own ({@code dev.spirekms.localkms.LocalKmsServer} is its entry
 * point): its command line, the server it starts, and the line saying where it listens.
 */
final class LocalKmsCommand {
  private LocalKmsCommand() {}

  /**
   * Runs a server until the process is stopped, for demos with the AWS CLI or any KMS client:
   *
   * <pre>
   * java -cp spire-aws-kms-keymanager-all.jar dev.spirekms.localkms.LocalKmsServer \
   *     [--port N] [--region R] [--account-id A] [--aws-managed-aliases]
   * </pre>
   *
   * <p>Prints the endpoint on standard output.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    LocalKmsServer server;
    try {
      server = startFromArgs(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    server.awaitClosed();
  }

  static final String USAGE =
      "usage: LocalKmsServer [--port N] [--region R] [--account-id A] [--aws-managed-aliases]"
          + " [--response-floor-ms MS]";

  /** Parses the command line of {@link #main}, starts a server and says where it listens. */
  static LocalKmsServer startFromArgs(String[] args, PrintStream out) throws IOException {
    KmsModelBuilder model = KmsModel.builder();
    int port = 0;
    Duration floor = LocalKmsServer.RESPONSE_FLOOR;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = parsePort(optionValue(args, ++i));
        case "--response-floor-ms" -> floor = parseFloor(optionValue(args, ++i));
        case "--region" -> model.region(optionValue(args, ++i));
        case "--account-id" -> model.accountId(optionValue(args, ++i));
        case "--aws-managed-aliases" -> model.withAwsManagedAliases();
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    KmsModel built = model.build();
    LocalKmsServer server = LocalKmsServer.start(built, port, floor);
    out.println(
        "Local KMS listening on "
            + server.endpoint()
            + " (region "
            + built.region()
            + ", account "
            + built.accountId()
            + "); keys are in memory and requests are not authenticated");
    return server;
  }

  private static String optionValue(String[] args, int index) {
    if (index >= args.length) {
      throw new IllegalArgumentException(args[index - 1] + " needs a value\n" + USAGE);
    }
    return args[index];
  }

  private static Duration parseFloor(String value) {
    try {
      return Duration.ofMillis(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not a number of milliseconds: " + value + "\n" + USAGE, e);
    }
  }

  private static int parsePort(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a port: " + value + "\n" + USAGE, e);
    }
  }
}
