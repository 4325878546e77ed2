package dev.spirekms.cli;

/** Entry point: serves when SPIRE server launches the plugin, otherwise runs a subcommand. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int status =
        new Cli(System.getenv(), System.out, System.err, KeyManagerServe::serve, Demo::run)
            .run(args);
    System.exit(status);
  }
}
