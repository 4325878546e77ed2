package dev.spirekms.lifecycle;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KeyPolicySource;
import dev.spirekms.keys.KeyStoreSettings;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.Replication;
import dev.spirekms.keys.SpireKeyType;
import dev.spirekms.localkms.FakeKmsClient;
import dev.spirekms.localkms.FakeTaggingClient;
import dev.spirekms.localkms.KmsModel;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;

/**
 * One KMS account (the stateful fake), one test clock and one timeline, on which any number of
 * SPIRE servers run: each with its own key store, lifecycle, scheduler and log.
 */
final class TestBed {
  static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
  static final String TRUST_DOMAIN = "acme.co";
  static final String TD = "acme_co";
  static final KeyPolicySource NO_POLICY =
      new KeyPolicySource() {
        @Override
        public Optional<String> policy() {
          return Optional.empty();
        }
      };

  final MutableClock clock = new MutableClock(START);
  final KmsModel model = KmsModel.builder().clock(clock).withAwsManagedAliases().build();
  final FakeKmsClient kms = new FakeKmsClient(model);
  final FakeTaggingClient tagging = new FakeTaggingClient(model);
  final ManualScheduler timeline = new ManualScheduler(clock);

  /** One SPIRE server of the trust domain. */
  final class Server {
    final KeyNaming naming;
    final ManualScheduler scheduler = timeline.child();
    final CapturedLog log = new CapturedLog();
    final KeyLifecycle lifecycle;
    final boolean tagMode;
    KmsKeyStore store;

    Server(String trustDomain, String serverId, LifecycleSettings settings) {
      this(trustDomain, serverId, settings, false);
    }

    Server(String trustDomain, String serverId, LifecycleSettings settings, boolean tagMode) {
      this.naming = new KeyNaming(trustDomain, serverId);
      this.tagMode = tagMode;
      this.lifecycle =
          new KeyLifecycle(kms, tagMode ? tagging : null, naming, settings, clock, scheduler, log);
    }

    /** Opens the key store over the lifecycle's queue and starts the lifecycle. */
    Server start() {
      store =
          KmsKeyStore.open(
              kms,
              tagging,
              new KeyStoreSettings(naming, NO_POLICY, Map.of(), 2)
                  .withTagBasedDiscovery(tagMode)
                  .withClock(clock),
              lifecycle.deletionQueue());
      lifecycle.start(store);
      return this;
    }

    /**
     * Opens the key store replicating every new key into {@code replicaRegions} of the same
     * account, and starts the lifecycle.
     */
    Server startReplicatingTo(String... replicaRegions) {
      Map<String, KmsClient> clients = new LinkedHashMap<>();
      for (String region : replicaRegions) {
        clients.put(region, kms.inRegion(region));
      }
      store =
          KmsKeyStore.open(
              kms,
              null,
              new KeyStoreSettings(naming, NO_POLICY, Map.of(), 2).withClock(clock),
              lifecycle.deletionQueue(),
              new Replication(clients));
      lifecycle.start(store);
      return this;
    }

    LivenessRefresher.Summary liveness() {
      return run(lifecycle.liveness().runOnce(), Duration.ofMinutes(5));
    }

    StaleTaggedKeyDisposer.Summary disposeStaleKeys() {
      return run(lifecycle.staleKeys().runOnce(), Duration.ofMinutes(5));
    }

    KeyEntry generate(String spireKeyId) {
      return store.generate(spireKeyId, SpireKeyType.EC_P256);
    }

    KmsDeletionQueue queue() {
      return lifecycle.queue();
    }

    /** Starts a run and gives the timeline the time it needs to finish it. */
    <S> S run(CompletableFuture<S> started, Duration allow) {
      timeline.advance(allow);
      if (!started.isDone()) {
        throw new AssertionError("run not finished within " + allow);
      }
      return started.join();
    }

    AliasRefresher.Summary refresh() {
      return run(lifecycle.refresher().runOnce(), Duration.ofMinutes(5));
    }

    StaleAliasDisposer.Summary dispose() {
      return run(lifecycle.disposer().runOnce(), Duration.ofMinutes(5));
    }

    OrphanKeySweeper.Summary sweep() {
      return run(lifecycle.sweeper().runOnce(), Duration.ofMinutes(5));
    }
  }

  /**
   * A server whose stale alias disposal and orphan sweep never start by themselves (tests run them
   * with {@code runOnce}); {@link #server(String, LifecycleSettings)} gives the real schedule.
   */
  Server server(String serverId) {
    return server(serverId, QUIET);
  }

  /** Defaults, with cleanup's first run exactly 2 minutes after start (no jitter). */
  static final LifecycleSettings PROMPT =
      LifecycleSettings.builder()
          .firstRunDelay(Duration.ofMinutes(2))
          .firstRunJitter(Duration.ZERO)
          .build();

  /** Defaults, but cleanup's first run a year away, so a test's own runs are the only ones. */
  static final LifecycleSettings QUIET =
      LifecycleSettings.builder()
          .firstRunDelay(Duration.ofDays(365))
          .firstRunJitter(Duration.ZERO)
          .build();

  Server server(String serverId, LifecycleSettings settings) {
    return new Server(TRUST_DOMAIN, serverId, settings);
  }

  /** A server in tag mode (upstream's enable_tag_based_key_discovery). */
  Server tagServer(String serverId, LifecycleSettings settings) {
    return new Server(TRUST_DOMAIN, serverId, settings, true);
  }

  /** A key made directly in KMS, as another tool or an older server would have left it. */
  String createKey(String description) {
    CreateKeyRequest.Builder request =
        CreateKeyRequest.builder()
            .keySpec(KeySpec.ECC_NIST_P256)
            .keyUsage(KeyUsageType.SIGN_VERIFY);
    if (description != null) {
      request.description(description);
    }
    return model.createKey(request.build()).keyMetadata().arn();
  }

  void createAlias(String aliasName, String keyArn) {
    model.createAlias(
        CreateAliasRequest.builder().aliasName(aliasName).targetKeyId(keyArn).build());
  }

  void touchAlias(String aliasName, String keyArn) {
    model.updateAlias(
        UpdateAliasRequest.builder().aliasName(aliasName).targetKeyId(keyArn).build());
  }

  /** A key with a SPIRE description and an alias of another server, as that server made them. */
  String otherServersKey(String serverId, String spireKeyId) {
    KeyNaming other = new KeyNaming(TRUST_DOMAIN, serverId);
    String arn = createKey(other.description(spireKeyId));
    createAlias(other.aliasName(spireKeyId), arn);
    return arn;
  }

  Optional<AliasListEntry> alias(String aliasName) {
    return model.alias(aliasName);
  }

  KeyState state(String keyArn) {
    return model.keyState(keyArn);
  }

  int calls(String operation) {
    return model.callCount(operation);
  }

  List<String> aliasNames() {
    return model.aliases().stream().map(AliasListEntry::aliasName).toList();
  }

  void advance(Duration d) {
    timeline.advance(d);
  }
}
