package dev.spirekms.cli;

import dev.spirekms.aws.AwsClients;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.config.ServerIdSource;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KeyPolicySource;
import dev.spirekms.keys.KeyStoreException;
import dev.spirekms.keys.KeyStoreSettings;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.ServerIdentity;
import dev.spirekms.lifecycle.KeyLifecycle;
import dev.spirekms.lifecycle.LifecycleSettings;
import dev.spirekms.spire.Backend;
import dev.spirekms.spire.BackendFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires one configuration: AWS clients, the key store over KMS, and its key lifecycle. */
final class AwsKmsBackendFactory implements BackendFactory {
  private static final Logger LOG = LoggerFactory.getLogger(AwsKmsBackendFactory.class);
  private static final Duration STOP_GRACE = Duration.ofMillis(800);

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
            new AwsSettings(
                config.region(),
                config.endpoint(),
                config
                    .staticCredentials()
                    .map(
                        c ->
                            new AwsSettings.StaticCredentials(
                                c.accessKeyId(), c.secretAccessKey())),
                userAgent));
    KeyLifecycle lifecycle = null;
    try {
      KeyNaming naming = new KeyNaming(config.trustDomain(), serverId);
      KeyPolicySource policy =
          policyDocument
              .map(KeyPolicySource::fixed)
              .orElseGet(
                  () ->
                      KeyPolicySource.forCallerRole(
                          clients.sts(), Optional.ofNullable(environment.get("AWS_ROLE_ARN"))));
      lifecycle =
          KeyLifecycle.create(
              clients.kms(),
              naming,
              LifecycleSettings.builder()
                  .pendingWindowDays(config.keyDeletionPendingWindowDays())
                  .staleAliasThreshold(config.staleAliasThreshold())
                  .mode(config.disposalMode())
                  .build());
      KmsKeyStore store =
          KmsKeyStore.open(
              clients.kms(),
              new KeyStoreSettings(naming, policy, config.keyTags(), config.startupConcurrency()),
              lifecycle.deletionQueue());
      lifecycle.start(store);
      return new AwsKmsBackend(store, lifecycle, clients);
    } catch (RuntimeException e) {
      if (lifecycle != null) {
        lifecycle.close();
      }
      clients.close();
      throw e;
    }
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
          "failed to read file configured in 'key_policy_file': " + e.getMessage(),
          e);
    }
  }

  /** A running configuration. */
  private static final class AwsKmsBackend implements Backend {
    private final KmsKeyStore store;
    private final KeyLifecycle lifecycle;
    private final AwsClients clients;
    private boolean closed;

    AwsKmsBackend(KmsKeyStore store, KeyLifecycle lifecycle, AwsClients clients) {
      this.store = store;
      this.lifecycle = lifecycle;
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
      clients.close();
    }
  }
}
