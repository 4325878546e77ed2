package dev.spirekms.cli;

import dev.spirekms.aws.AwsClients;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.doctor.Doctor;
import dev.spirekms.doctor.JsonRenderer;
import dev.spirekms.doctor.Report;
import dev.spirekms.doctor.TextRenderer;
import dev.spirekms.lifecycle.LifecycleSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The {@code doctor} command: reads its arguments and the configuration file, runs {@link Doctor}
 * with the plugin's own client and lifecycle wiring, and prints the report on stdout.
 */
final class DoctorCommand {
  static final int EXIT_USAGE = 2;
  static final String USAGE =
      "Usage: " + Cli.NAME + " doctor --config FILE --trust-domain TRUST_DOMAIN [--json]\n";

  private DoctorCommand() {}

  /** Parsed arguments. */
  record Arguments(Path config, String trustDomain, boolean json) {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, wiring(Cli.NAME + "/" + Version.of(DoctorCommand.class)));
  }

  static int run(String[] args, PrintStream out, PrintStream err, Doctor.Wiring wiring) {
    Arguments parsed = parse(args, err);
    if (parsed == null) {
      err.print(USAGE);
      return EXIT_USAGE;
    }
    String text;
    try {
      text = Files.readString(parsed.config(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      err.println(
          String.format(CliMessages.DOCTOR_CONFIG_UNREADABLE, parsed.config(), e.getMessage()));
      return EXIT_USAGE;
    }
    Report report = new Doctor(wiring, Clock.systemUTC()).examine(parsed.trustDomain(), text);
    out.print(parsed.json() ? JsonRenderer.render(report) : TextRenderer.render(report));
    out.flush();
    return report.exitCode();
  }

  /** The arguments, or null (after a message on {@code err}) when they are wrong. */
  static Arguments parse(String[] args, PrintStream err) {
    Path config = null;
    String trustDomain = null;
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      switch (name) {
        case "--json" -> {
          if (inline != null) {
            err.println(String.format(CliMessages.DOCTOR_UNKNOWN_ARGUMENT, arg));
            return null;
          }
          json = true;
        }
        case "--config", "--trust-domain" -> {
          String value = inline;
          if (value == null) {
            if (i + 1 >= args.length) {
              err.println(String.format(CliMessages.DOCTOR_NO_VALUE, name));
              return null;
            }
            value = args[++i];
          }
          if (value.isEmpty()) {
            err.println(String.format(CliMessages.DOCTOR_NO_VALUE, name));
            return null;
          }
          if (name.equals("--config")) {
            config = Path.of(value);
          } else {
            trustDomain = value;
          }
        }
        default -> {
          err.println(String.format(CliMessages.DOCTOR_UNKNOWN_ARGUMENT, arg));
          return null;
        }
      }
    }
    if (config == null) {
      err.println(CliMessages.DOCTOR_NEEDS_CONFIG);
      return null;
    }
    if (trustDomain == null) {
      err.println(CliMessages.DOCTOR_NEEDS_TRUST_DOMAIN);
      return null;
    }
    return new Arguments(config, trustDomain, json);
  }

  /** The plugin's own wiring: the same AWS settings and lifecycle settings as when it serves. */
  static Doctor.Wiring wiring(String userAgent) {
    return new Doctor.Wiring() {
      @Override
      public AwsClients clients(PluginConfig config, String serverId) {
        return AwsClients.create(AwsKmsBackendFactory.awsSettings(config, serverId, userAgent));
      }

      @Override
      public LifecycleSettings lifecycle(PluginConfig config) {
        return AwsKmsBackendFactory.lifecycleSettings(config);
      }
    };
  }
}
