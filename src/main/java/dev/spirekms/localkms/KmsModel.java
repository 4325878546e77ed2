package dev.spirekms.localkms;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasResponse;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyResponse;
import software.amazon.awssdk.services.kms.model.EnableKeyRequest;
import software.amazon.awssdk.services.kms.model.EnableKeyResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.ListResourceTagsRequest;
import software.amazon.awssdk.services.kms.model.ListResourceTagsResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.TagResourceRequest;
import software.amazon.awssdk.services.kms.model.TagResourceResponse;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;
import software.amazon.awssdk.services.kms.model.UpdateAliasResponse;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesResponse;

/**
 * An in-memory AWS KMS for asymmetric signing keys, with real key pairs and the rules KMS applies
 * to keys, aliases, key states and paging. Operations take and return the AWS SDK's own model
 * classes and throw the SDK's own exceptions, shaped as the SDK throws them for a real KMS error
 * response.
 *
 * <p>Every operation goes through the {@linkplain #faults() fault injector} and is recorded in the
 * call log ({@link #calls()}). All dates come from the injected {@link Clock}, truncated to
 * milliseconds as KMS reports them; a key whose deletion date has passed is deleted, with its
 * aliases, the next time the model is used.
 *
 * <p>This class is the model's face: the fault injector, the call log and inspection for tests
 * ({@link KmsInspection}). The operations live with what they model: {@link KeyOperations} (keys),
 * {@link KeyStateChanges} (disabling and deleting), {@link AliasOperations}, {@link SignOperation},
 * {@link TagOperations} and {@link Paging}, all over one {@link KmsState}; {@link
 * TaggingOperations} answers the Resource Groups Tagging API's GetResources for the same keys.
 *
 * <p>Thread-safe. Keys live in memory only: this is a test and demo double, never a security
 * boundary.
 */
public final class KmsModel {
  /** Region used in ARNs unless the builder sets another. */
  public static final String DEFAULT_REGION = "us-east-1";

  /** Account used in ARNs unless the builder sets another. */
  public static final String DEFAULT_ACCOUNT_ID = "111122223333";

  /**
   * Aliases of AWS managed keys that {@link Builder#withAwsManagedAliases()} adds. KMS lists such
   * aliases with no target key until an AWS service first uses them (API Reference, ListAliases).
   */
  public static final List<String> AWS_MANAGED_ALIASES =
      List.of(
          "alias/aws/acm",
          "alias/aws/dynamodb",
          "alias/aws/ebs",
          "alias/aws/lambda",
          "alias/aws/rds",
          "alias/aws/s3",
          "alias/aws/secretsmanager",
          "alias/aws/ssm");

  /** KMS resource quota: aliases per KMS key (Developer Guide, Resource quotas). */
  public static final int MAX_ALIASES_PER_KEY = 50;

  /** KMS resource quota: customer managed keys per account and Region. */
  public static final int DEFAULT_MAX_KEYS = 100_000;

  private final KmsState state;
  private final FaultInjector faults = new FaultInjector();
  private final CallLog callLog;
  private final OperationRunner runner;
  private final KeyOperations keyOperations;
  private final KeyStateChanges keyStateChanges;
  private final AliasOperations aliasOperations;
  private final SignOperation signOperation;
  private final TagOperations tagOperations;
  private final TaggingOperations taggingOperations;
  private final KmsInspection inspection;

  private KmsModel(Builder builder) {
    this.state =
        new KmsState(
            builder.clock,
            builder.region,
            builder.accountId,
            builder.maxKeys,
            builder.rsaAhead,
            builder.keyGenerationTime);
    this.callLog = new CallLog(builder.callLogCapacity);
    this.runner = new OperationRunner(state.clock, faults, callLog);
    this.keyOperations = new KeyOperations(state);
    this.keyStateChanges = new KeyStateChanges(state);
    this.aliasOperations = new AliasOperations(state);
    this.signOperation = new SignOperation(state);
    this.tagOperations = new TagOperations(state);
    this.taggingOperations = new TaggingOperations(state);
    this.inspection = new KmsInspection(state);
    if (builder.awsManagedAliases) {
      aliasOperations.addWithoutTarget(AWS_MANAGED_ALIASES);
    }
  }

  /**
   * A model on the system clock in {@value #DEFAULT_REGION}, account {@value #DEFAULT_ACCOUNT_ID}.
   */
  public static KmsModel create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Clock clock() {
    return state.clock;
  }

  public String region() {
    return state.region;
  }

  public String accountId() {
    return state.accountId;
  }

  /** The fault rules applied to every operation of this model. */
  public FaultInjector faults() {
    return faults;
  }

  // ---------------------------------------------------------------------------------------------
  // Operations

  /** CreateKey for asymmetric keys: RSA_2048/3072/4096 and ECC_NIST_P256/P384/P521. */
  public CreateKeyResponse createKey(CreateKeyRequest request) {
    return runner.run(KmsOperations.CREATE_KEY, request, keyOperations::createKey);
  }

  /** DescribeKey by key id, key ARN, alias name or alias ARN. */
  public DescribeKeyResponse describeKey(DescribeKeyRequest request) {
    return runner.run(KmsOperations.DESCRIBE_KEY, request, keyOperations::describeKey);
  }

  /** GetPublicKey: the DER-encoded X.509 SubjectPublicKeyInfo of the key. */
  public GetPublicKeyResponse getPublicKey(GetPublicKeyRequest request) {
    return runner.run(KmsOperations.GET_PUBLIC_KEY, request, keyOperations::getPublicKey);
  }

  /** Sign a RAW message or a DIGEST with one of the algorithms KMS allows for the key. */
  public SignResponse sign(SignRequest request) {
    return runner.run(KmsOperations.SIGN, request, signOperation::sign);
  }

  public ListAliasesResponse listAliases(ListAliasesRequest request) {
    return runner.run(KmsOperations.LIST_ALIASES, request, aliasOperations::listAliases);
  }

  public CreateAliasResponse createAlias(CreateAliasRequest request) {
    return runner.run(KmsOperations.CREATE_ALIAS, request, aliasOperations::createAlias);
  }

  /** UpdateAlias; pointing an alias at its current key still moves LastUpdatedDate to now. */
  public UpdateAliasResponse updateAlias(UpdateAliasRequest request) {
    return runner.run(KmsOperations.UPDATE_ALIAS, request, aliasOperations::updateAlias);
  }

  public DeleteAliasResponse deleteAlias(DeleteAliasRequest request) {
    return runner.run(KmsOperations.DELETE_ALIAS, request, aliasOperations::deleteAlias);
  }

  public ScheduleKeyDeletionResponse scheduleKeyDeletion(ScheduleKeyDeletionRequest request) {
    return runner.run(
        KmsOperations.SCHEDULE_KEY_DELETION, request, keyStateChanges::scheduleKeyDeletion);
  }

  /** CancelKeyDeletion; the key comes back Disabled, as in KMS. */
  public CancelKeyDeletionResponse cancelKeyDeletion(CancelKeyDeletionRequest request) {
    return runner.run(
        KmsOperations.CANCEL_KEY_DELETION, request, keyStateChanges::cancelKeyDeletion);
  }

  public DisableKeyResponse disableKey(DisableKeyRequest request) {
    return runner.run(KmsOperations.DISABLE_KEY, request, keyStateChanges::disableKey);
  }

  public EnableKeyResponse enableKey(EnableKeyRequest request) {
    return runner.run(KmsOperations.ENABLE_KEY, request, keyStateChanges::enableKey);
  }

  public ListKeysResponse listKeys(ListKeysRequest request) {
    return runner.run(KmsOperations.LIST_KEYS, request, keyOperations::listKeys);
  }

  public TagResourceResponse tagResource(TagResourceRequest request) {
    return runner.run(KmsOperations.TAG_RESOURCE, request, tagOperations::tagResource);
  }

  public ListResourceTagsResponse listResourceTags(ListResourceTagsRequest request) {
    return runner.run(KmsOperations.LIST_RESOURCE_TAGS, request, tagOperations::listResourceTags);
  }

  /**
   * The Resource Groups Tagging API's GetResources over this model's keys, as a client pointed at
   * the same account and region would see them.
   */
  public GetResourcesResponse getResources(GetResourcesRequest request) {
    return runner.run(KmsOperations.GET_RESOURCES, request, taggingOperations::getResources);
  }

  // ---------------------------------------------------------------------------------------------
  // Call log

  /** Every call still in the log, oldest first. */
  public List<KmsCall> calls() {
    return callLog.all();
  }

  /** The calls of one operation still in the log, oldest first. */
  public List<KmsCall> calls(String operation) {
    return callLog.of(KmsOperations.requireKnown(operation));
  }

  /** How many calls of {@code operation} were served since the log was last cleared. */
  public int callCount(String operation) {
    return callLog.count(KmsOperations.requireKnown(operation));
  }

  /** The requests of one operation still in the log, oldest first. */
  public <R extends AwsRequest> List<R> requests(String operation, Class<R> type) {
    return calls(operation).stream().map(call -> call.request(type)).toList();
  }

  public void clearCalls() {
    callLog.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Inspection for tests: no faults, no call log, same rules for finding keys.

  /** Metadata of every key, in creation order, including keys pending deletion. */
  public List<KeyMetadata> keys() {
    return inspection.keys();
  }

  /** Whether a key id, key ARN, alias name or alias ARN names an existing key. */
  public boolean hasKey(String keyIdOrAlias) {
    return inspection.hasKey(keyIdOrAlias);
  }

  /** Metadata of one key; {@link NoSuchElementException} if there is none. */
  public KeyMetadata key(String keyIdOrAlias) {
    return inspection.key(keyIdOrAlias);
  }

  public KeyState keyState(String keyIdOrAlias) {
    return inspection.keyState(keyIdOrAlias);
  }

  /** The key's public key, to verify its signatures with the JDK. */
  public PublicKey publicKey(String keyIdOrAlias) {
    return inspection.publicKey(keyIdOrAlias);
  }

  /** The key's tags, sorted by tag key. */
  public Map<String, String> tags(String keyIdOrAlias) {
    return inspection.tags(keyIdOrAlias);
  }

  /** The Policy given to CreateKey, if one was. */
  public Optional<String> policy(String keyIdOrAlias) {
    return inspection.policy(keyIdOrAlias);
  }

  /** Every alias, sorted by name, including AWS managed ones. */
  public List<AliasListEntry> aliases() {
    return inspection.aliases();
  }

  /** One alias by name, e.g. {@code alias/example}. */
  public Optional<AliasListEntry> alias(String aliasName) {
    return inspection.alias(aliasName);
  }

  /** Builds a {@link KmsModel}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private String region = DEFAULT_REGION;
    private String accountId = DEFAULT_ACCOUNT_ID;
    private boolean awsManagedAliases;
    private int maxKeys = DEFAULT_MAX_KEYS;
    private int callLogCapacity = 10_000;
    private boolean rsaAhead;
    private Duration keyGenerationTime = Duration.ZERO;

    private Builder() {}

    /** The clock for every date the model reports; tests pass one they can advance. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Region in ARNs, e.g. {@code eu-west-1}. */
    public Builder region(String region) {
      Objects.requireNonNull(region, "region");
      if (!region.matches("[a-z0-9-]+")) {
        throw new IllegalArgumentException("not a region name: " + region);
      }
      this.region = region;
      return this;
    }

    /** Twelve-digit account id in ARNs. */
    public Builder accountId(String accountId) {
      Objects.requireNonNull(accountId, "accountId");
      if (!accountId.matches("\\d{12}")) {
        throw new IllegalArgumentException("an account id has 12 digits: " + accountId);
      }
      this.accountId = accountId;
      return this;
    }

    /** Lists {@link #AWS_MANAGED_ALIASES} (no target key, no dates), as a real account does. */
    public Builder withAwsManagedAliases() {
      this.awsManagedAliases = true;
      return this;
    }

    /** The most keys CreateKey makes before LimitExceededException; default 100,000. */
    public Builder maxKeys(int maxKeys) {
      if (maxKeys < 0) {
        throw new IllegalArgumentException("maxKeys must not be negative: " + maxKeys);
      }
      this.maxKeys = maxKeys;
      return this;
    }

    /** How many calls the log keeps (oldest dropped first); default 10,000. */
    public Builder callLogCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("call log capacity must be at least 1: " + capacity);
      }
      this.callLogCapacity = capacity;
      return this;
    }

    /**
     * Generates one RSA key pair per RSA key spec ahead, on a daemon thread, so that CreateKey for
     * RSA (RSA-4096 in particular) answers within a client's attempt timeout.
     */
    public Builder withRsaKeysAhead() {
      this.rsaAhead = true;
      return this;
    }

    /**
     * CreateKey takes at least this long (a KMS under load, or a busy host), so that tests can see
     * what a client does when a CreateKey attempt outlasts its timeout; default none.
     */
    public Builder keyGenerationTime(Duration atLeast) {
      Objects.requireNonNull(atLeast, "atLeast");
      if (atLeast.isNegative()) {
        throw new IllegalArgumentException("keyGenerationTime must not be negative: " + atLeast);
      }
      this.keyGenerationTime = atLeast;
      return this;
    }

    public KmsModel build() {
      return new KmsModel(this);
    }
  }
}
