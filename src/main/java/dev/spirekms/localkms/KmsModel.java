package dev.spirekms.localkms;

import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;
import software.amazon.awssdk.services.kms.model.ReplicateKeyResponse;
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
 * <p>A model is one account in one region; {@link #inRegion} gives the same account in another
 * region, where multi-Region keys made here can be replicated ({@link MultiRegionOperations}).
 * Aliases, tags, policies, key states and fault rules are per region, as in KMS; the call log (each
 * {@link KmsCall} names its region) and the clock are shared.
 *
 * <p>Thread-safe. Keys live in memory only: this is a test and demo double, never a security
 * boundary.
 */
public final class KmsModel {
  /** Region of the model {@link #builder()} builds unless told another. */
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

  /** What every region of the model shares: the account, its call log and its region views. */
  private record Shared(
      KmsAccount account,
      CallLog callLog,
      boolean awsManagedAliases,
      ConcurrentHashMap<String, KmsModel> views) {}

  private final Shared shared;
  private final KmsState state;
  private final FaultInjector faults = new FaultInjector();
  private final OperationRunner runner;
  private final KeyOperations keyOperations;
  private final MultiRegionOperations multiRegionOperations;
  private final KeyStateChanges keyStateChanges;
  private final AliasOperations aliasOperations;
  private final SignOperation signOperation;
  private final TagOperations tagOperations;
  private final TaggingOperations taggingOperations;
  private final KmsInspection inspection;

  private KmsModel(Shared shared, String region) {
    this.shared = shared;
    this.state = shared.account.region(region);
    this.runner = new OperationRunner(state.clock, faults, shared.callLog, region);
    this.keyOperations = new KeyOperations(state);
    this.multiRegionOperations = new MultiRegionOperations(state);
    this.keyStateChanges = new KeyStateChanges(state);
    this.aliasOperations = new AliasOperations(state);
    this.signOperation = new SignOperation(state);
    this.tagOperations = new TagOperations(state);
    this.taggingOperations = new TaggingOperations(state);
    this.inspection = new KmsInspection(state);
    if (shared.awsManagedAliases) {
      aliasOperations.addWithoutTarget(AWS_MANAGED_ALIASES);
    }
  }

  static KmsModel build(KmsModelBuilder builder) {
    KmsAccount account =
        new KmsAccount(
            builder.clock,
            builder.accountId,
            builder.maxKeys,
            builder.rsaAhead,
            builder.keyGenerationTime);
    Shared shared =
        new Shared(
            account,
            new CallLog(builder.callLogCapacity),
            builder.awsManagedAliases,
            new ConcurrentHashMap<>());
    return shared.views.computeIfAbsent(builder.region, region -> new KmsModel(shared, region));
  }

  /**
   * The same account seen in another region, as a KMS client for that region sees it: its own keys,
   * aliases and fault rules, and the call log, clock and multi-Region keys this model shares with
   * every region. The region is made, empty, on first use; the same view is returned each time.
   */
  public KmsModel inRegion(String region) {
    KmsModelBuilder.requireRegionName(region);
    return shared.views.computeIfAbsent(region, name -> new KmsModel(shared, name));
  }

  /**
   * Whether {@code region} is one of this account's: this model's, one given to {@link #inRegion},
   * or one a key was replicated into.
   */
  public boolean hasRegion(String region) {
    return shared.account.hasRegion(region);
  }

  /** The regions used so far, this model's first. */
  public Set<String> regions() {
    return Set.copyOf(shared.views.keySet());
  }

  /**
   * A model on the system clock in {@value #DEFAULT_REGION}, account {@value #DEFAULT_ACCOUNT_ID}.
   */
  public static KmsModel create() {
    return builder().build();
  }

  public static KmsModelBuilder builder() {
    return new KmsModelBuilder();
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

  /** The fault rules applied to every operation in this model's region. */
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

  /**
   * ReplicateKey: a replica of a multi-Region primary key of this region in {@code ReplicaRegion},
   * with the same key id and key material and its own policy, description and tags.
   */
  public ReplicateKeyResponse replicateKey(ReplicateKeyRequest request) {
    return runner.run(KmsOperations.REPLICATE_KEY, request, multiRegionOperations::replicateKey);
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

  /** Every call still in the log, of every region, oldest first. */
  public List<KmsCall> calls() {
    return shared.callLog.all();
  }

  /** The calls of one operation still in the log, oldest first. */
  public List<KmsCall> calls(String operation) {
    return shared.callLog.of(KmsOperations.requireKnown(operation));
  }

  /** How many calls of {@code operation} were served since the log was last cleared. */
  public int callCount(String operation) {
    return shared.callLog.count(KmsOperations.requireKnown(operation));
  }

  /** The requests of one operation still in the log, oldest first. */
  public <R extends AwsRequest> List<R> requests(String operation, Class<R> type) {
    return calls(operation).stream().map(call -> call.request(type)).toList();
  }

  public void clearCalls() {
    shared.callLog.clear();
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
}
