package dev.spirekms.cli;

import dev.spirekms.aws.AssumedRole;
import dev.spirekms.aws.AssumedRoleHop;
import dev.spirekms.aws.AwsClients;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.aws.ControlPlaneRateLimit;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.aws.RoleChainCredentials;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.config.RoleChain;
import dev.spirekms.config.RoleHop;
import dev.spirekms.config.ServerIdSource;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KeyPolicySource;
import dev.spirekms.keys.KeyStoreException;
import dev.spirekms.keys.KeyStoreSettings;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.Replication;
import dev.spirekms.keys.ServerIdentity;
import dev.spirekms.lifecycle.CredentialRefresher;
import dev.spirekms.lifecycle.ExecutorTaskScheduler;
import dev.spirekms.lifecycle.KeyLifecycle;
import dev.spirekms.lifecycle.LifecycleReports;
import dev.spirekms.lifecycle.LifecycleSettings;
import dev.spirekms.spire.Backend;
import dev.spirekms.spire.BackendFactory;
import dev.spirekms.status.StatusDocument;
import dev.spirekms.status.StatusRecorder;
import dev.spirekms.status.StatusWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kms.KmsClient;

/** Wires one configuration: AWS clients, the key store over KMS, and its key lifecycle. */
final class AwsKmsBackendFactory implements BackendFactory {
  private static final Logger LOG = LoggerFactory.getLogger(AwsKmsBackendFactory.class);
  private static final Duration STOP_GRACE = Duration.ofMillis(800);
  private static final String REFRESH_THREAD = "spire-aws-kms-credentials";

  private final Map<String, String> environment;
  private final String userAgent;

  AwsKmsBackendFactory(Map<String, String> environment, String userAgent) {
    this.environment = environment;
    this.userAgent = userAgent;
  }

  @Override
  public Backend open(PluginConfig config) {
    String serverId = serverId(config.serverIdSource());
    LOG.atDebug().addKeyValue("server_id", serverId).log("Loaded server id");
    Optional<String> policyDocument = config.keyPolicyFile().map(AwsKmsBackendFactory::readPolicy);
    AwsClients clients =
        AwsClients.create(
            awsSettings(config, serverId, userAgent),
            config.kmsControlPlaneRps().map(ControlPlaneRateLimit::of));
    KeyLifecycle lifecycle = null;
    CredentialRefresher refresher = null;
    try {
      Optional<String> caller = proveCredentials(config, clients);
      StatusRecorder status = statusRecorder(config, serverId, clients);
      LifecycleReports reports = status == null ? LifecycleReports.NONE : status;
      if (caller.isPresent()) {
        refresher =
            CredentialRefresher.start(
                clients.credentials().hops(),
                ExecutorTaskScheduler.create(REFRESH_THREAD),
                Clock.systemUTC());
        refresher.reportTo(reports);
      }
      KeyNaming naming = new KeyNaming(config.trustDomain(), serverId);
      // The default policy names the role KMS calls are made as: the chain's last role (its ARN
      // carries the IAM path, which an assumed-role ARN does not), else the web identity's role.
      List<RoleHop> hops = config.roleChain().hops();
      Optional<String> knownRoleArn =
          hops.isEmpty()
              ? Optional.ofNullable(environment.get("AWS_ROLE_ARN"))
              : Optional.of(hops.get(hops.size() - 1).roleArn());
      KeyPolicySource policy =
          policyDocument
              .map(KeyPolicySource::fixed)
              .orElseGet(
                  () ->
                      caller
                          .map(arn -> KeyPolicySource.forKnownCaller(arn, knownRoleArn))
                          .orElseGet(
                              () -> KeyPolicySource.forCallerRole(clients.sts(), knownRoleArn)));
      lifecycle =
          KeyLifecycle.create(
              clients.kms(),
              config.tagBasedKeyDiscovery() ? clients.tagging() : null,
              naming,
              lifecycleSettings(config),
              reports);
      if (config.tagBasedKeyDiscovery()) {
        LOG.atInfo().log("Tag-based key discovery enabled");
      }
      KmsKeyStore store =
          KmsKeyStore.open(
              clients.kms(),
              clients.tagging(),
              new KeyStoreSettings(naming, policy, config.keyTags(), config.startupConcurrency())
                  .withTagBasedDiscovery(config.tagBasedKeyDiscovery()),
              lifecycle.deletionQueue(),
              replication(config, clients));
      lifecycle.start(store);
      if (status != null) {
        KeyLifecycle started = lifecycle;
        status.configured(store::all, started::deletionQueueLength);
      }
      return new AwsKmsBackend(store, lifecycle, refresher, clients);
    } catch (RuntimeException e) {
      if (lifecycle != null) {
        lifecycle.close();
      }
      if (refresher != null) {
        refresher.close();
      }
      clients.close();
      throw e;
    }
  }

  /** A KMS client per replica region of {@code replica_regions}, in the order configured. */
  static Replication replication(PluginConfig config, AwsClients clients) {
    Map<String, KmsClient> replicas = new LinkedHashMap<>();
    for (String region : config.replicaRegions().regions()) {
      replicas.put(region, clients.kmsIn(region, config.replicaRegions().endpoint(region)));
    }
    return new Replication(replicas);
  }

  /**
   * The status report of {@code status_file}, or null when none is configured. Credentials show
   * only as the source's name and the session's expiry.
   */
  private static StatusRecorder statusRecorder(
      PluginConfig config, String serverId, AwsClients clients) {
    if (config.statusFile().isEmpty()) {
      return null;
    }
    List<AssumedRoleHop> hops = clients.credentials().hops();
    String source =
        clients.sourceName().orElse("not resolved yet")
            + (hops.isEmpty() ? "" : ", then assume_role (" + hops.size() + " hops)");
    return new StatusRecorder(
        new StatusWriter(config.statusFile().get(), Clock.systemUTC()),
        Clock.systemUTC(),
        Version.of(Main.class),
        config.trustDomain(),
        serverId,
        () ->
            new StatusDocument.Credentials(
                source,
                hops.isEmpty() ? Optional.empty() : hops.get(hops.size() - 1).expiration()));
  }

  /** The key lifecycle's settings for {@code config}: for serving and for {@code doctor}. */
  static LifecycleSettings lifecycleSettings(PluginConfig config) {
    return LifecycleSettings.builder()
        .pendingWindowDays(config.keyDeletionPendingWindowDays())
        .staleAliasThreshold(config.staleAliasThreshold())
        .mode(config.disposalMode())
        .journalFile(config.deletionJournalFile().orElse(null))
        .build();
  }

  /** How to reach AWS for {@code config}: the same settings for serving and for {@code doctor}. */
  static AwsSettings awsSettings(PluginConfig config, String serverId, String userAgent) {
    List<AssumedRole> roles =
        config.roleChain().hops().stream()
            .map(hop -> new AssumedRole(hop.roleArn(), hop.externalId(), hop.duration()))
            .toList();
    return new AwsSettings(
        config.region(),
        config.endpoint(),
        config
            .staticCredentials()
            .map(c -> new AwsSettings.StaticCredentials(c.accessKeyId(), c.secretAccessKey())),
        userAgent,
        config.stsEndpoint(),
        config.useFipsEndpoint(),
        roles,
        config.roleChain().sessionName(serverId),
        config.taggingEndpoint());
  }

  /**
   * With a role chain: assumes each hop once and asks STS who the plugin is, so a broken trust
   * policy or an unreachable STS fails Configure now, not at the first rotation. Logs where the
   * credentials come from either way.
   *
   * @return the caller ARN when a chain was proven; empty without a chain
   */
  private static Optional<String> proveCredentials(PluginConfig config, AwsClients clients) {
    RoleChainCredentials chain = clients.credentials();
    if (chain.hops().isEmpty()) {
      LOG.atInfo()
          .addKeyValue("credential_source", clients.sourceName().orElse("not resolved yet"))
          .log("AWS credentials ready");
      return Optional.empty();
    }
    String caller;
    try {
      caller = clients.proveIdentity();
    } catch (KmsCallException e) {
      throw KeyStoreException.fromCall(CliMessages.ROLE_CHAIN_NOT_ASSUMED, e);
    }
    for (AssumedRoleHop hop : chain.hops()) {
      LOG.atDebug()
          .addKeyValue("role_hop", hop.number())
          .addKeyValue("role_arn", hop.roleArn())
          .addKeyValue("expires_at", hop.expiration().map(Object::toString).orElse("unknown"))
          .log("Role assumed");
    }
    RoleChain roles = config.roleChain();
    LOG.atInfo()
        .addKeyValue("credential_source", clients.sourceName().orElse("unknown"))
        .addKeyValue(
            "role_chain",
            roles.hops().stream().map(RoleHop::roleArn).collect(Collectors.joining(",")))
        .addKeyValue(
            "external_id",
            roles.hops().stream().anyMatch(h -> h.externalId().isPresent()) ? "set" : "none")
        .addKeyValue("caller_arn", caller)
        .log("AWS credentials ready");
    return Optional.of(caller);
  }

  private static String serverId(ServerIdSource source) {
    if (source instanceof ServerIdSource.FromValue value) {
      return value.value();
    }
    return ServerIdentity.fromFile(((ServerIdSource.FromFile) source).path());
  }

  private static String readPolicy(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      // upstream aws_kms: Internal "failed to read file configured in 'key_policy_file'"
      throw new KeyStoreException(
          KeyStoreException.Kind.INTERNAL,
          String.format(CliMessages.KEY_POLICY_FILE_NOT_READ, e.getMessage()),
          e);
    }
  }

  /** A running configuration. */
  private static final class AwsKmsBackend implements Backend {
    private final KmsKeyStore store;
    private final KeyLifecycle lifecycle;
    private final CredentialRefresher refresher;
    private final AwsClients clients;
    private boolean closed;

    AwsKmsBackend(
        KmsKeyStore store,
        KeyLifecycle lifecycle,
        CredentialRefresher refresher,
        AwsClients clients) {
      this.store = store;
      this.lifecycle = lifecycle;
      this.refresher = refresher;
      this.clients = clients;
    }

    @Override
    public KmsKeyStore keyStore() {
      return store;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      lifecycle.close();
      // a deletion under way gets a moment to finish before its client goes; SPIRE allows the
      // whole shutdown 2 s
      lifecycle.awaitStopped(STOP_GRACE);
      if (refresher != null) {
        refresher.close();
      }
      clients.close();
    }
  }
}
