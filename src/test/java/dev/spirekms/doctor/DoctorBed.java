package dev.spirekms.doctor;

import dev.spirekms.aws.AssumedRole;
import dev.spirekms.aws.AwsClients;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.config.ConfigLoader;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.lifecycle.LifecycleSettings;
import dev.spirekms.localkms.FakeKmsClient;
import dev.spirekms.localkms.FakeTaggingClient;
import dev.spirekms.localkms.KmsModel;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * A KMS account (the local model, on a clock the test moves) holding what doctor looks at: this
 * server's keys, another server's stale aliases, an orphan key and a key pending deletion.
 */
final class DoctorBed {
  static final String TRUST_DOMAIN = "example.org";
  static final String TD = "example_org";
  static final String SERVER_ID = "0f3a1f4e-8b1c-4a61-9d0e-2b7c5e0a9d11";
  static final String OTHER_ID = "7d2c4b1a-0e9f-4c3b-8a6d-5f1e2d3c4b5a";
  static final String SECRET = "doctor-test-secret-access-key-0001";
  static final String ACCESS_KEY = "AKIADOCTORTEST000001";
  static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

  /** A clock that moves only when told. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      now = start;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  final TestClock clock = new TestClock(START);
  final KmsModel model = KmsModel.builder().clock(clock).build();

  /** Makes a key of this trust domain and, when {@code alias} is not null, points it at it. */
  String key(String spireKeyId, String alias) {
    String arn =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .description("SPIRE_SERVER_KEY/" + TD + "/" + spireKeyId)
                    .build())
            .keyMetadata()
            .arn();
    if (alias != null) {
      model.createAlias(CreateAliasRequest.builder().aliasName(alias).targetKeyId(arn).build());
    }
    return arn;
  }

  /** Makes a key of this trust domain with {@code tags} and no alias, as tag mode makes them. */
  String taggedKey(Map<String, String> tags) {
    List<Tag> list = new ArrayList<>();
    tags.forEach((k, v) -> list.add(Tag.builder().tagKey(k).tagValue(v).build()));
    return model
        .createKey(
            CreateKeyRequest.builder()
                .keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsageType.SIGN_VERIFY)
                .tags(list)
                .build())
        .keyMetadata()
        .arn();
  }

  /** The tags tag mode puts on one of {@code serverId}'s keys, stamped {@code lastUpdate}. */
  static Map<String, String> spireTags(String serverId, String spireKeyId, Instant lastUpdate) {
    return Map.of(
        "spire-server-td",
        TRUST_DOMAIN,
        "spire-server-id",
        serverId,
        "spire-active",
        "true",
        "spire-key-id",
        spireKeyId,
        "spire-last-update",
        Long.toString(lastUpdate.getEpochSecond()));
  }

  static String ownAlias(String spireKeyId) {
    return "alias/SPIRE_SERVER/" + TD + "/" + SERVER_ID + "/" + spireKeyId;
  }

  static String otherAlias(String spireKeyId) {
    return "alias/SPIRE_SERVER/" + TD + "/" + OTHER_ID + "/" + spireKeyId;
  }

  /**
   * Twenty days of history: another server's alias (last refreshed 20 days ago), an orphan (3 days
   * old, no alias), a key pending deletion, and this server's two keys (refreshed now).
   */
  DoctorBed populate() {
    key("JWT-Signer-A", otherAlias("JWT-Signer-A"));
    clock.advance(Duration.ofDays(17));
    key("x509-CA-B", null);
    String doomed = key("x509-CA-A", null);
    model.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(doomed).pendingWindowInDays(7).build());
    clock.advance(Duration.ofDays(3));
    key("x509-CA-A", ownAlias("x509-CA-A"));
    key("JWT-Signer-A", ownAlias("JWT-Signer-A"));
    return this;
  }

  void disable(String keyArn) {
    model.disableKey(DisableKeyRequest.builder().keyId(keyArn).build());
  }

  static String hcl(String extra) {
    return "region = \"us-east-2\"\n"
        + "key_identifier_value = \""
        + SERVER_ID
        + "\"\n"
        + "access_key_id = \""
        + ACCESS_KEY
        + "\"\n"
        + "secret_access_key = \""
        + SECRET
        + "\"\n"
        + extra;
  }

  static PluginConfig config(String extra) {
    return ConfigLoader.load(TRUST_DOMAIN, hcl(extra)).configOrThrow();
  }

  static LifecycleSettings settings(PluginConfig config) {
    return LifecycleSettings.builder()
        .pendingWindowDays(config.keyDeletionPendingWindowDays())
        .staleAliasThreshold(config.staleAliasThreshold())
        .mode(config.disposalMode())
        .build();
  }

  /** A context over the fake client (no HTTP), with the server id given. */
  DoctorContext context(PluginConfig config, Optional<String> serverId) {
    return new DoctorContext(
        config, serverId, new FakeKmsClient(model), null, settings(config), clock);
  }

  DoctorContext context(PluginConfig config) {
    return context(config, Optional.of(SERVER_ID));
  }

  /** A context over the fake clients, with a fake client per replica region of the model. */
  DoctorContext replicaContext(PluginConfig config) {
    return new DoctorContext(
        config,
        Optional.of(SERVER_ID),
        new FakeKmsClient(model),
        null,
        null,
        settings(config),
        clock,
        region -> new FakeKmsClient(model.inRegion(region)));
  }

  /** A context over the fake clients, with the tagging API the plugin uses in tag mode. */
  DoctorContext taggedContext(PluginConfig config, Optional<String> serverId) {
    return new DoctorContext(
        config,
        serverId,
        new FakeKmsClient(model),
        new FakeTaggingClient(model),
        null,
        settings(config),
        clock);
  }

  /** The wiring of the plugin, over the HTTP endpoints given in the configuration. */
  static Doctor.Wiring wiring() {
    return new Doctor.Wiring() {
      @Override
      public AwsClients clients(PluginConfig config, String serverId) {
        List<AssumedRole> roles =
            config.roleChain().hops().stream()
                .map(h -> new AssumedRole(h.roleArn(), h.externalId(), h.duration()))
                .toList();
        return AwsClients.create(
            new AwsSettings(
                config.region(),
                config.endpoint(),
                config
                    .staticCredentials()
                    .map(
                        c ->
                            new AwsSettings.StaticCredentials(
                                c.accessKeyId(), c.secretAccessKey())),
                "spire-aws-kms-keymanager/test",
                config.stsEndpoint(),
                false,
                roles,
                config.roleChain().sessionName(serverId),
                config.taggingEndpoint()));
      }

      @Override
      public LifecycleSettings lifecycle(PluginConfig config) {
        return settings(config);
      }
    };
  }

  static URI closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  static List<Finding> run(Check check, DoctorContext context) {
    List<Finding> findings = new java.util.ArrayList<>();
    check.run(context, findings);
    return findings;
  }
}
