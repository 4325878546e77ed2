package dev.spirekms.doctor;

import dev.spirekms.aws.AwsClients;
import dev.spirekms.config.ConfigLoader;
import dev.spirekms.config.ConfigResult;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.config.RoleHop;
import dev.spirekms.lifecycle.LifecycleSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a configuration the way the plugin would use it, and reads what KMS holds for this server
 * and its trust domain, without creating, changing or deleting anything (not even the server id
 * file). Secrets never appear in a finding.
 */
public final class Doctor {
  static final String REDACTED = "[redacted]";
  static final String SERVER_ID_PLACEHOLDER = "doctor";

  /** How the plugin builds what it runs with, so doctor builds it the same way. */
  public interface Wiring {
    /**
     * The AWS clients the plugin would make for {@code config}.
     *
     * @param serverId the server id, for the role session name
     */
    AwsClients clients(PluginConfig config, String serverId);

    /** The lifecycle settings the plugin would run with. */
    LifecycleSettings lifecycle(PluginConfig config);
  }

  private final Wiring wiring;
  private final Clock clock;

  public Doctor(Wiring wiring, Clock clock) {
    this.wiring = Objects.requireNonNull(wiring, "wiring");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The checks after configuration and server id, in the order they run. */
  static List<Check> checks() {
    return List.of(
        new EndpointCheck(),
        new CredentialsCheck(),
        new PermissionsCheck(),
        new AliasBudgetCheck(),
        new ServerKeysCheck(),
        new OtherServersCheck(),
        new ReplicasCheck(),
        new CleanupCheck(),
        new StatusFileCheck());
  }

  /**
   * @param trustDomain the trust domain, as in SPIRE server's configuration
   * @param configText the plugin's {@code plugin_data}, HCL or JSON
   */
  public Report examine(String trustDomain, String configText) {
    List<Finding> findings = new ArrayList<>();
    ConfigResult result = ConfigLoader.load(trustDomain, configText);
    ConfigurationCheck.run(result, findings);
    if (result.config().isEmpty()) {
      return new Report(trustDomain, findings);
    }
    PluginConfig config = result.config().get();
    Optional<String> serverId = ServerIdCheck.run(config.serverIdSource(), findings);
    try (AwsClients clients = wiring.clients(config, serverId.orElse(SERVER_ID_PLACEHOLDER))) {
      DoctorContext context =
          new DoctorContext(
              config,
              serverId,
              clients.kms(),
              config.tagBasedKeyDiscovery() ? clients.tagging() : null,
              clients,
              wiring.lifecycle(config),
              clock);
      run(checks(), context, findings);
    }
    return new Report(trustDomain, redact(findings, config));
  }

  /** Runs {@code checks} in order; an unexpected error ends only its own check. */
  static void run(List<Check> checks, DoctorContext context, List<Finding> findings) {
    for (Check check : checks) {
      try {
        check.run(context, findings);
      } catch (RuntimeException e) {
        findings.add(
            Finding.fail(
                check.name(),
                String.format(DoctorMessages.UNEXPECTED, check.name(), e),
                DoctorMessages.FIX_UNEXPECTED));
      }
    }
  }

  /**
   * No message quotes a secret, but an AWS error might echo a value back: the configured secret
   * access key and external ids are replaced wherever they appear.
   */
  static List<Finding> redact(List<Finding> findings, PluginConfig config) {
    List<String> secrets = new ArrayList<>();
    config.staticCredentials().ifPresent(c -> secrets.add(c.secretAccessKey()));
    for (RoleHop hop : config.roleChain().hops()) {
      hop.externalId().ifPresent(secrets::add);
    }
    List<Finding> out = new ArrayList<>(findings.size());
    for (Finding f : findings) {
      Finding r = f;
      for (String secret : secrets) {
        if (!secret.isEmpty()) {
          r = r.redact(secret, REDACTED);
        }
      }
      out.add(r);
    }
    return out;
  }
}
