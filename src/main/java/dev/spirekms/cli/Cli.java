package dev.spirekms.cli;

import dev.spirekms.goplugin.PluginEnvironment;
import java.io.PrintStream;
import java.util.Map;

/** Decides what this run of the program does: serve SPIRE, or run a subcommand for a person. */
final class Cli {
  /**
   * Set (to any non-empty value) by the launcher's class-data archive training run: serve, print
   * the handshake line, then stop in order at once.
   */
  static final String TRAINING_RUN_ENV = "SPIRE_AWS_KMS_KEYMANAGER_TRAINING_RUN";

  static final String NAME = "spire-aws-kms-keymanager";

  /** The operator guide, as shipped in the distribution's directory (next to bin/ and lib/). */
  static final String GUIDE = "docs/plugin_server_keymanager_aws_kms_java.md";

  /** Runs the plugin server. */
  @FunctionalInterface
  interface Serve {
    int serve(Map<String, String> env, boolean exitAfterHandshake);
  }

  /** Runs the demo. */
  @FunctionalInterface
  interface RunDemo {
    int run(Map<String, String> env, PrintStream out, PrintStream err);
  }

  /** Runs the doctor. */
  @FunctionalInterface
  interface RunDoctor {
    int run(String[] args, PrintStream out, PrintStream err);
  }

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Serve serve;
  private final RunDemo demo;
  private final RunDoctor doctor;

  Cli(Map<String, String> env, PrintStream out, PrintStream err, Serve serve, RunDemo demo) {
    this(env, out, err, serve, demo, DoctorCommand::run);
  }

  Cli(
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Serve serve,
      RunDemo demo,
      RunDoctor doctor) {
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
    this.serve = serve;
    this.demo = demo;
    this.doctor = doctor;
  }

  /** Returns the process exit status. */
  int run(String... args) {
    if (args.length == 0) {
      if (PluginEnvironment.hasMagicCookie(KeyManagerServe.PLUGIN_TYPE, env)) {
        boolean training = !env.getOrDefault(TRAINING_RUN_ENV, "").isEmpty();
        return serve.serve(env, training);
      }
      err.println(CliMessages.NOT_STARTED_BY_SPIRE);
      return 1;
    }
    switch (args[0]) {
      case "version":
      case "--version":
        out.println(NAME + " " + Version.of(Main.class));
        out.println(Version.javaDescription());
        return 0;
      case "demo":
        if (args.length > 1) {
          err.println(CliMessages.DEMO_TAKES_NO_ARGUMENTS);
          err.print(usage());
          return 2;
        }
        return demo.run(env, out, err);
      case "doctor":
        return doctor.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
      case "help":
      case "--help":
      case "-h":
        out.print(usage());
        return 0;
      default:
        err.println(String.format(CliMessages.UNKNOWN_COMMAND, args[0]));
        err.print(usage());
        return 2;
    }
  }

  static String usage() {
    return NAME
        + " is a SPIRE server KeyManager plugin that keeps signing keys in AWS KMS.\n"
        + "SPIRE server starts it (plugin_cmd in server.conf); see "
        + GUIDE
        + "\nin the directory the plugin is installed in.\n"
        + "\n"
        + "Usage: "
        + NAME
        + " <command>\n"
        + "\n"
        + "Commands:\n"
        + "  demo      run the plugin against an in-memory KMS on 127.0.0.1: generate, sign,\n"
        + "            rotate, list, restart; report on stdout, log on stderr (fewer log\n"
        + "            lines with SPIRE_AWS_KMS_LOG_LEVEL=warn)\n"
        + "  doctor    --config FILE --trust-domain TD [--json]: check a configuration against\n"
        + "            AWS (credentials, endpoints, permissions, keys, cleanup) without changing\n"
        + "            anything; exit 0 when nothing failed, 1 when something did\n"
        + "  version   print the plugin's version and the Java runtime's\n"
        + "  help      print this help\n";
  }
}
