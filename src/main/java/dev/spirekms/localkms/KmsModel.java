package dev.spirekms.localkms;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasResponse;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.CustomerMasterKeySpec;
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
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsRequest;
import software.amazon.awssdk.services.kms.model.KmsResponse;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.ListResourceTagsRequest;
import software.amazon.awssdk.services.kms.model.ListResourceTagsResponse;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagResourceRequest;
import software.amazon.awssdk.services.kms.model.TagResourceResponse;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;
import software.amazon.awssdk.services.kms.model.UpdateAliasResponse;

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

  // KMS: tags per key (Developer Guide, Tagging keys).
  private static final int MAX_TAGS = 50;

  // API Reference, AliasListEntry/CreateAlias: the request shape allows ':' but alias names do not.
  private static final Pattern ALIAS_NAME_SHAPE = Pattern.compile("^[a-zA-Z0-9:/_-]+$");
  private static final Pattern ALIAS_NAME = Pattern.compile("^alias/[a-zA-Z0-9/_-]+$");
  private static final String RESERVED_ALIAS_PREFIX = "alias/aws/";
  private static final Pattern KEY_ID =
      Pattern.compile("^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$");

  private final Clock clock;
  private final String region;
  private final String accountId;
  private final int maxKeys;
  private final SecureRandom random = new SecureRandom();
  private final KeyPairSource keyPairs;
  private final FaultInjector faults = new FaultInjector();
  private final CallLog callLog;

  private final Object lock = new Object();
  private final Map<String, KeyRecord> keys = new LinkedHashMap<>();
  private final TreeMap<String, AliasRecord> aliases = new TreeMap<>();
  private long nextSequence;

  private KmsModel(Builder builder) {
    this.clock = builder.clock;
    this.region = builder.region;
    this.accountId = builder.accountId;
    this.maxKeys = builder.maxKeys;
    this.callLog = new CallLog(builder.callLogCapacity);
    this.keyPairs = builder.rsaAhead ? KeyPairSource.ahead(random) : KeyPairSource.onDemand(random);
    if (builder.awsManagedAliases) {
      for (String name : AWS_MANAGED_ALIASES) {
        AliasRecord alias = new AliasRecord(name, aliasArn(name), null, null);
        aliases.put(name, alias);
      }
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
    return clock;
  }

  public String region() {
    return region;
  }

  public String accountId() {
    return accountId;
  }

  /** The fault rules applied to every operation of this model. */
  public FaultInjector faults() {
    return faults;
  }

  // ---------------------------------------------------------------------------------------------
  // Operations

  /** CreateKey for asymmetric keys: RSA_2048/3072/4096 and ECC_NIST_P256/P384/P521. */
  public CreateKeyResponse createKey(CreateKeyRequest request) {
    return serve(KmsOperations.CREATE_KEY, request, this::doCreateKey);
  }

  /** DescribeKey by key id, key ARN, alias name or alias ARN. */
  public DescribeKeyResponse describeKey(DescribeKeyRequest request) {
    return serve(KmsOperations.DESCRIBE_KEY, request, this::doDescribeKey);
  }

  /** GetPublicKey: the DER-encoded X.509 SubjectPublicKeyInfo of the key. */
  public GetPublicKeyResponse getPublicKey(GetPublicKeyRequest request) {
    return serve(KmsOperations.GET_PUBLIC_KEY, request, this::doGetPublicKey);
  }

  /** Sign a RAW message or a DIGEST with one of the algorithms KMS allows for the key. */
  public SignResponse sign(SignRequest request) {
    return serve(KmsOperations.SIGN, request, this::doSign);
  }

  public ListAliasesResponse listAliases(ListAliasesRequest request) {
    return serve(KmsOperations.LIST_ALIASES, request, this::doListAliases);
  }

  public CreateAliasResponse createAlias(CreateAliasRequest request) {
    return serve(KmsOperations.CREATE_ALIAS, request, this::doCreateAlias);
  }

  /** UpdateAlias; pointing an alias at its current key still moves LastUpdatedDate to now. */
  public UpdateAliasResponse updateAlias(UpdateAliasRequest request) {
    return serve(KmsOperations.UPDATE_ALIAS, request, this::doUpdateAlias);
  }

  public DeleteAliasResponse deleteAlias(DeleteAliasRequest request) {
    return serve(KmsOperations.DELETE_ALIAS, request, this::doDeleteAlias);
  }

  public ScheduleKeyDeletionResponse scheduleKeyDeletion(ScheduleKeyDeletionRequest request) {
    return serve(KmsOperations.SCHEDULE_KEY_DELETION, request, this::doScheduleKeyDeletion);
  }

  /** CancelKeyDeletion; the key comes back Disabled, as in KMS. */
  public CancelKeyDeletionResponse cancelKeyDeletion(CancelKeyDeletionRequest request) {
    return serve(KmsOperations.CANCEL_KEY_DELETION, request, this::doCancelKeyDeletion);
  }

  public DisableKeyResponse disableKey(DisableKeyRequest request) {
    return serve(KmsOperations.DISABLE_KEY, request, this::doDisableKey);
  }

  public EnableKeyResponse enableKey(EnableKeyRequest request) {
    return serve(KmsOperations.ENABLE_KEY, request, this::doEnableKey);
  }

  public ListKeysResponse listKeys(ListKeysRequest request) {
    return serve(KmsOperations.LIST_KEYS, request, this::doListKeys);
  }

  public TagResourceResponse tagResource(TagResourceRequest request) {
    return serve(KmsOperations.TAG_RESOURCE, request, this::doTagResource);
  }

  public ListResourceTagsResponse listResourceTags(ListResourceTagsRequest request) {
    return serve(KmsOperations.LIST_RESOURCE_TAGS, request, this::doListResourceTags);
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
  public <R extends KmsRequest> List<R> requests(String operation, Class<R> type) {
    return calls(operation).stream().map(call -> call.request(type)).toList();
  }

  public void clearCalls() {
    callLog.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Inspection for tests: no faults, no call log, same rules for finding keys.

  /** Metadata of every key, in creation order, including keys pending deletion. */
  public List<KeyMetadata> keys() {
    synchronized (lock) {
      purgeExpired();
      return keys.values().stream().map(this::metadata).toList();
    }
  }

  /** Whether a key id, key ARN, alias name or alias ARN names an existing key. */
  public boolean hasKey(String keyIdOrAlias) {
    synchronized (lock) {
      purgeExpired();
      try {
        resolve(keyIdOrAlias, true);
        return true;
      } catch (KmsException e) {
        return false;
      }
    }
  }

  /** Metadata of one key; {@link NoSuchElementException} if there is none. */
  public KeyMetadata key(String keyIdOrAlias) {
    synchronized (lock) {
      return metadata(inspect(keyIdOrAlias));
    }
  }

  public KeyState keyState(String keyIdOrAlias) {
    synchronized (lock) {
      return inspect(keyIdOrAlias).state;
    }
  }

  /** The key's public key, to verify its signatures with the JDK. */
  public PublicKey publicKey(String keyIdOrAlias) {
    synchronized (lock) {
      return inspect(keyIdOrAlias).keyPair.getPublic();
    }
  }

  /** The key's tags, sorted by tag key. */
  public Map<String, String> tags(String keyIdOrAlias) {
    synchronized (lock) {
      return Map.copyOf(inspect(keyIdOrAlias).tags);
    }
  }

  /** The Policy given to CreateKey, if one was. */
  public Optional<String> policy(String keyIdOrAlias) {
    synchronized (lock) {
      return Optional.ofNullable(inspect(keyIdOrAlias).policy);
    }
  }

  /** Every alias, sorted by name, including AWS managed ones. */
  public List<AliasListEntry> aliases() {
    synchronized (lock) {
      purgeExpired();
      return aliases.values().stream().map(this::aliasEntry).toList();
    }
  }

  /** One alias by name, e.g. {@code alias/example}. */
  public Optional<AliasListEntry> alias(String aliasName) {
    synchronized (lock) {
      purgeExpired();
      return Optional.ofNullable(aliases.get(aliasName)).map(this::aliasEntry);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Operation bodies

  private <Q extends KmsRequest, S extends KmsResponse> S serve(
      String operation, Q request, Function<Q, S> body) {
    Objects.requireNonNull(request, "request");
    Instant at = clock.instant();
    try {
      faults.check(operation, request, false);
      S response = body.apply(request);
      faults.check(operation, request, true);
      callLog.record(new KmsCall(operation, request, response, null, at));
      return response;
    } catch (RuntimeException e) {
      callLog.record(new KmsCall(operation, request, null, e, at));
      throw e;
    }
  }

  private CreateKeyResponse doCreateKey(CreateKeyRequest request) {
    String description = request.description() == null ? "" : request.description();
    // API Reference, CreateKey: Description is 0-8192 characters.
    if (description.length() > 8192) {
      throw KmsErrors.validation(
          "description",
          description.substring(0, 32) + "...",
          "Member must have length less than or equal to 8192");
    }
    checkPolicy(request.policy());
    Map<String, String> tags = new TreeMap<>();
    mergeTags(tags, request.hasTags() ? request.tags() : List.of());
    SupportedKeySpec spec = keySpecOf(request);
    KeyUsageType usage = keyUsageOf(request, spec);
    if (request.originAsString() != null && request.origin() != OriginType.AWS_KMS) {
      throw KmsErrors.unsupported(
          "Origin " + request.originAsString() + " is not supported by the local KMS");
    }
    if (request.customKeyStoreId() != null || request.xksKeyId() != null) {
      throw KmsErrors.unsupported("custom key stores are not supported by the local KMS");
    }
    if (Boolean.TRUE.equals(request.multiRegion())) {
      throw KmsErrors.unsupported("multi-Region keys are not supported by the local KMS");
    }
    // Generating a key pair is slow (RSA 4096): do it outside the lock.
    var keyPair = keyPairs.next(spec);
    synchronized (lock) {
      Instant now = purgeExpired();
      if (keys.size() >= maxKeys) {
        throw KmsErrors.limitExceeded(
            "This account has reached its limit of " + maxKeys + " customer managed keys");
      }
      String id = UUID.randomUUID().toString();
      KeyRecord key =
          new KeyRecord(
              nextSequence++,
              id,
              keyArn(id),
              spec,
              usage,
              description,
              request.policy(),
              now,
              keyPair);
      key.tags.putAll(tags);
      keys.put(id, key);
      return CreateKeyResponse.builder().keyMetadata(metadata(key)).build();
    }
  }

  private DescribeKeyResponse doDescribeKey(DescribeKeyRequest request) {
    synchronized (lock) {
      purgeExpired();
      KeyRecord key = resolve(request.keyId(), true);
      return DescribeKeyResponse.builder().keyMetadata(metadata(key)).build();
    }
  }

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  private GetPublicKeyResponse doGetPublicKey(GetPublicKeyRequest request) {
    synchronized (lock) {
      purgeExpired();
      KeyRecord key = resolve(request.keyId(), true);
      requireUsable(key);
      GetPublicKeyResponse.Builder response =
          GetPublicKeyResponse.builder()
              .keyId(key.arn)
              .publicKey(SdkBytes.fromByteArray(key.keyPair.getPublic().getEncoded()))
              .customerMasterKeySpec(key.spec.keySpec().toString())
              .keySpec(key.spec.keySpec())
              .keyUsage(key.usage);
      if (key.usage == KeyUsageType.SIGN_VERIFY) {
        response.signingAlgorithms(key.spec.signingAlgorithms());
      } else {
        response.encryptionAlgorithms(key.spec.encryptionAlgorithms());
      }
      return response.build();
    }
  }

  private SignResponse doSign(SignRequest request) {
    byte[] message = request.message() == null ? null : request.message().asByteArray();
    // API Reference, Sign: Message is 1-4096 bytes; SigningAlgorithm is required.
    if (message == null) {
      throw KmsErrors.validation("message", null, "Member must not be null");
    }
    if (message.length < 1 || message.length > 4096) {
      throw KmsErrors.validation(
          "message",
          "java.nio.HeapByteBuffer[len=" + message.length + "]",
          "Member must have length "
              + (message.length < 1 ? "greater than or equal to 1" : "less than or equal to 4096"));
    }
    String algorithmName = request.signingAlgorithmAsString();
    if (algorithmName == null) {
      throw KmsErrors.validation("signingAlgorithm", null, "Member must not be null");
    }
    SigningAlgorithmSpec algorithm = SigningAlgorithmSpec.fromValue(algorithmName);
    if (algorithm == SigningAlgorithmSpec.UNKNOWN_TO_SDK_VERSION) {
      throw KmsErrors.validation(
          "signingAlgorithm",
          algorithmName,
          "Member must satisfy enum value set: " + SigningAlgorithmSpec.knownValues());
    }
    MessageType messageType = messageTypeOf(request);
    PrivateKey privateKey;
    String keyArn;
    synchronized (lock) {
      purgeExpired();
      KeyRecord key = resolve(request.keyId(), true);
      requireUsable(key);
      if (key.usage != KeyUsageType.SIGN_VERIFY) {
        throw KmsErrors.invalidKeyUsage(
            "KeyUsage of " + key.arn + " is " + key.usage + ", not SIGN_VERIFY");
      }
      if (!key.spec.signingAlgorithms().contains(algorithm)) {
        // KMS: each key spec allows a fixed set of signing algorithms (API Reference, Sign).
        throw KmsErrors.invalidKeyUsage(
            "Signing algorithm "
                + algorithm
                + " is not compatible with key spec "
                + key.spec.keySpec()
                + "; supported: "
                + key.spec.signingAlgorithms());
      }
      privateKey = key.keyPair.getPrivate();
      keyArn = key.arn;
    }
    SigningScheme scheme = SigningScheme.of(algorithm);
    boolean isDigest = messageType == MessageType.DIGEST;
    if (isDigest && message.length != scheme.digestLength()) {
      // API Reference, Sign: a DIGEST must be as long as the algorithm's hash.
      throw KmsErrors.validation("Digest is invalid length for algorithm " + algorithm + ".");
    }
    if (Boolean.TRUE.equals(request.dryRun())) {
      throw KmsErrors.dryRun("The request would have succeeded, but the DryRun option is set.");
    }
    byte[] signature = KmsSigner.sign(privateKey, scheme, isDigest, message, random);
    return SignResponse.builder()
        .keyId(keyArn)
        .signature(SdkBytes.fromByteArray(signature))
        .signingAlgorithm(algorithm)
        .build();
  }

  private ListAliasesResponse doListAliases(ListAliasesRequest request) {
    // API Reference, ListAliases: Limit 1-100, default 50.
    int limit = limitOf(request.limit(), 50, 100);
    synchronized (lock) {
      purgeExpired();
      String keyId = null;
      if (request.keyId() != null) {
        keyId = resolve(request.keyId(), false).id;
      }
      String filter = keyId;
      List<AliasRecord> matching =
          aliases.values().stream()
              .filter(alias -> filter == null || filter.equals(alias.targetKeyId))
              .toList();
      Page<AliasRecord> page =
          page(KmsOperations.LIST_ALIASES, matching, alias -> alias.name, request.marker(), limit);
      return ListAliasesResponse.builder()
          .aliases(page.items().stream().map(this::aliasEntry).toList())
          .truncated(page.truncated())
          .nextMarker(page.nextMarker())
          .build();
    }
  }

  private CreateAliasResponse doCreateAlias(CreateAliasRequest request) {
    String name = request.aliasName();
    checkCustomerAliasName(name);
    requireMember("targetKeyId", request.targetKeyId());
    synchronized (lock) {
      Instant now = purgeExpired();
      // API Reference, CreateAlias: alias names are unique in the account and Region.
      if (aliases.containsKey(name)) {
        throw KmsErrors.alreadyExists(
            "An alias with the name " + aliasArn(name) + " already exists");
      }
      KeyRecord key = resolve(request.targetKeyId(), false);
      requireNotPendingDeletion(key);
      requireAliasQuota(key);
      aliases.put(name, new AliasRecord(name, aliasArn(name), key.id, now));
      return CreateAliasResponse.builder().build();
    }
  }

  private UpdateAliasResponse doUpdateAlias(UpdateAliasRequest request) {
    String name = request.aliasName();
    checkCustomerAliasName(name);
    requireMember("targetKeyId", request.targetKeyId());
    synchronized (lock) {
      Instant now = purgeExpired();
      AliasRecord alias = aliases.get(name);
      if (alias == null) {
        throw KmsErrors.notFound("Alias " + aliasArn(name) + " is not found.");
      }
      KeyRecord target = resolve(request.targetKeyId(), false);
      requireNotPendingDeletion(target);
      KeyRecord current = keys.get(alias.targetKeyId);
      // API Reference, UpdateAlias: the new key must be of the same type (symmetric, asymmetric,
      // HMAC) and have the same key usage as the current one; the key spec may differ.
      if (current.usage != target.usage) {
        throw KmsErrors.validation(
            "Alias "
                + alias.arn
                + " is associated with a key of KeyUsage "
                + current.usage
                + "; the new target key has KeyUsage "
                + target.usage);
      }
      if (!current.id.equals(target.id)) {
        requireAliasQuota(target);
      }
      alias.targetKeyId = target.id;
      // LastUpdatedDate moves on every UpdateAlias, also to the same key (AliasListEntry).
      alias.lastUpdatedDate = now;
      return UpdateAliasResponse.builder().build();
    }
  }

  private DeleteAliasResponse doDeleteAlias(DeleteAliasRequest request) {
    String name = request.aliasName();
    checkCustomerAliasName(name);
    synchronized (lock) {
      purgeExpired();
      if (aliases.remove(name) == null) {
        throw KmsErrors.notFound("Alias " + aliasArn(name) + " is not found.");
      }
      return DeleteAliasResponse.builder().build();
    }
  }

  private ScheduleKeyDeletionResponse doScheduleKeyDeletion(ScheduleKeyDeletionRequest request) {
    int days = request.pendingWindowInDays() == null ? 30 : request.pendingWindowInDays();
    // API Reference, ScheduleKeyDeletion: PendingWindowInDays is 7-30, default 30.
    if (days < 7 || days > 30) {
      throw KmsErrors.validation(
          "PendingWindowInDays must be between 7 and 30 days for customer managed keys, got "
              + days);
    }
    synchronized (lock) {
      Instant now = purgeExpired();
      KeyRecord key = resolve(request.keyId(), false);
      requireNotPendingDeletion(key);
      key.state = KeyState.PENDING_DELETION;
      key.deletionDate = now.plus(Duration.ofDays(days));
      key.pendingWindowInDays = days;
      return ScheduleKeyDeletionResponse.builder()
          .keyId(key.arn)
          .deletionDate(key.deletionDate)
          .keyState(key.state)
          .pendingWindowInDays(days)
          .build();
    }
  }

  private CancelKeyDeletionResponse doCancelKeyDeletion(CancelKeyDeletionRequest request) {
    synchronized (lock) {
      purgeExpired();
      KeyRecord key = resolve(request.keyId(), false);
      if (key.state != KeyState.PENDING_DELETION) {
        // Developer Guide, Key states: CancelKeyDeletion on a key not pending deletion.
        throw KmsErrors.invalidState(key.arn + " is not pending deletion.");
      }
      // Developer Guide, Deleting keys: a cancelled deletion leaves the key Disabled.
      key.state = KeyState.DISABLED;
      key.deletionDate = null;
      key.pendingWindowInDays = null;
      return CancelKeyDeletionResponse.builder().keyId(key.arn).build();
    }
  }

  private DisableKeyResponse doDisableKey(DisableKeyRequest request) {
    synchronized (lock) {
      purgeExpired();
      KeyRecord key = resolve(request.keyId(), false);
      requireNotPendingDeletion(key);
      key.state = KeyState.DISABLED;
      return DisableKeyResponse.builder().build();
    }
  }

  private EnableKeyResponse doEnableKey(EnableKeyRequest request) {
    synchronized (lock) {
      purgeExpired();
      KeyRecord key = resolve(request.keyId(), false);
      requireNotPendingDeletion(key);
      key.state = KeyState.ENABLED;
      return EnableKeyResponse.builder().build();
    }
  }

  private ListKeysResponse doListKeys(ListKeysRequest request) {
    // API Reference, ListKeys: Limit 1-1000, default 100.
    int limit = limitOf(request.limit(), 100, 1000);
    synchronized (lock) {
      purgeExpired();
      Page<KeyRecord> page =
          page(
              KmsOperations.LIST_KEYS,
              List.copyOf(keys.values()),
              key -> String.format("%019d", key.sequence),
              request.marker(),
              limit);
      return ListKeysResponse.builder()
          .keys(
              page.items().stream()
                  .map(key -> KeyListEntry.builder().keyId(key.id).keyArn(key.arn).build())
                  .toList())
          .truncated(page.truncated())
          .nextMarker(page.nextMarker())
          .build();
    }
  }

  private TagResourceResponse doTagResource(TagResourceRequest request) {
    if (!request.hasTags()) {
      throw KmsErrors.validation("tags", null, "Member must not be null");
    }
    synchronized (lock) {
      purgeExpired();
      KeyRecord key = resolve(request.keyId(), false);
      requireNotPendingDeletion(key);
      Map<String, String> merged = new TreeMap<>(key.tags);
      mergeTags(merged, request.tags());
      key.tags.clear();
      key.tags.putAll(merged);
      return TagResourceResponse.builder().build();
    }
  }

  private ListResourceTagsResponse doListResourceTags(ListResourceTagsRequest request) {
    // API Reference, ListResourceTags: Limit 1-50, default 50.
    int limit = limitOf(request.limit(), 50, 50);
    synchronized (lock) {
      purgeExpired();
      KeyRecord key = resolve(request.keyId(), false);
      List<Map.Entry<String, String>> entries = List.copyOf(key.tags.entrySet());
      Page<Map.Entry<String, String>> page =
          page(
              KmsOperations.LIST_RESOURCE_TAGS,
              entries,
              Map.Entry::getKey,
              request.marker(),
              limit);
      return ListResourceTagsResponse.builder()
          .tags(
              page.items().stream()
                  .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build())
                  .toList())
          .truncated(page.truncated())
          .nextMarker(page.nextMarker())
          .build();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rules shared by several operations

  /** Deletes keys whose waiting period is over, with their aliases; returns now. */
  private Instant purgeExpired() {
    Instant now = now();
    List<String> expired =
        keys.values().stream()
            .filter(key -> key.state == KeyState.PENDING_DELETION)
            .filter(key -> !key.deletionDate.isAfter(now))
            .map(key -> key.id)
            .toList();
    for (String id : expired) {
      keys.remove(id);
      // Developer Guide, Deleting keys: deleting a key also deletes its aliases.
      aliases.values().removeIf(alias -> id.equals(alias.targetKeyId));
    }
    return now;
  }

  private Instant now() {
    // KMS reports dates to the millisecond.
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Finds a key the way KMS reads a KeyId: key id, key ARN and, where the operation allows them,
   * alias name and alias ARN (API Reference, DescribeKey: KeyId).
   */
  private KeyRecord resolve(String keyId, boolean aliasesAllowed) {
    requireMember("keyId", keyId);
    if (keyId.length() > 2048) {
      throw KmsErrors.validation(
          "keyId", keyId, "Member must have length less than or equal to 2048");
    }
    String aliasName = null;
    String id = keyId;
    if (keyId.startsWith("arn:")) {
      String[] parts = keyId.split(":", 6);
      if (parts.length != 6
          || !parts[1].startsWith("aws")
          || !parts[2].equals("kms")
          || parts[3].isEmpty()
          || !parts[4].matches("\\d{12}")
          || !(parts[5].startsWith("key/") || parts[5].startsWith("alias/"))) {
        throw KmsErrors.invalidArn("Invalid arn " + keyId);
      }
      boolean local = parts[3].equals(region) && parts[4].equals(accountId);
      if (parts[5].startsWith("alias/")) {
        if (!local) {
          throw KmsErrors.notFound("Alias " + keyId + " is not found.");
        }
        aliasName = parts[5];
      } else {
        if (!local) {
          throw KmsErrors.notFound("Key '" + keyId + "' does not exist");
        }
        id = parts[5].substring("key/".length());
      }
    } else if (keyId.startsWith("alias/")) {
      aliasName = keyId;
    }
    if (aliasName != null) {
      if (!aliasesAllowed) {
        throw KmsErrors.notFound("Invalid keyId " + keyId);
      }
      AliasRecord alias = aliases.get(aliasName);
      if (alias == null || alias.targetKeyId == null) {
        throw KmsErrors.notFound("Alias " + aliasArn(aliasName) + " is not found.");
      }
      return keys.get(alias.targetKeyId);
    }
    KeyRecord key = keys.get(id);
    if (key == null) {
      if (KEY_ID.matcher(id).matches()) {
        throw KmsErrors.notFound("Key '" + keyArn(id) + "' does not exist");
      }
      throw KmsErrors.notFound("Invalid keyId " + keyId);
    }
    return key;
  }

  private KeyRecord inspect(String keyIdOrAlias) {
    purgeExpired();
    try {
      return resolve(keyIdOrAlias, true);
    } catch (KmsException e) {
      throw new NoSuchElementException(
          "no key " + keyIdOrAlias + ": " + e.awsErrorDetails().errorMessage());
    }
  }

  // Developer Guide, Key states: crypto operations fail with DisabledException on a Disabled key
  // and KMSInvalidStateException on a key pending deletion.
  private static void requireUsable(KeyRecord key) {
    requireNotPendingDeletion(key);
    if (key.state == KeyState.DISABLED) {
      throw KmsErrors.disabled(key.arn + " is disabled.");
    }
  }

  private static void requireNotPendingDeletion(KeyRecord key) {
    if (key.state == KeyState.PENDING_DELETION) {
      throw KmsErrors.invalidState(key.arn + " is pending deletion.");
    }
  }

  private void requireAliasQuota(KeyRecord key) {
    long count = aliases.values().stream().filter(a -> key.id.equals(a.targetKeyId)).count();
    if (count >= MAX_ALIASES_PER_KEY) {
      throw KmsErrors.limitExceeded(
          key.arn + " already has " + MAX_ALIASES_PER_KEY + " aliases, the most a key can have");
    }
  }

  private static void requireMember(String member, String value) {
    if (value == null) {
      throw KmsErrors.validation(member, null, "Member must not be null");
    }
    if (value.isEmpty()) {
      throw KmsErrors.validation(
          member, value, "Member must have length greater than or equal to 1");
    }
  }

  /**
   * Alias names for customer managed keys (API Reference, CreateAlias: AliasName): 1-256 characters
   * of the request shape's pattern, then KMS's own rule {@code ^alias/[a-zA-Z0-9/_-]+$} and the
   * reserved {@code alias/aws/} prefix.
   */
  private static void checkCustomerAliasName(String name) {
    requireMember("aliasName", name);
    if (name.length() > 256) {
      throw KmsErrors.validation(
          "aliasName", name, "Member must have length less than or equal to 256");
    }
    if (!ALIAS_NAME_SHAPE.matcher(name).matches()) {
      throw KmsErrors.validation(
          "aliasName",
          name,
          "Member must satisfy regular expression pattern: " + ALIAS_NAME_SHAPE.pattern());
    }
    if (!ALIAS_NAME.matcher(name).matches()) {
      throw KmsErrors.invalidAliasName(
          "Alias name "
              + name
              + " must begin with alias/ and contain only A-Z, a-z, 0-9, /, _ or -");
    }
    if (name.startsWith(RESERVED_ALIAS_PREFIX)) {
      throw KmsErrors.invalidAliasName(
          "Alias name " + name + " must not begin with alias/aws/, which is reserved for AWS");
    }
  }

  private static void checkPolicy(String policy) {
    if (policy == null) {
      return;
    }
    // API Reference, CreateKey: Policy is 1-32768 characters of JSON.
    if (policy.isEmpty() || policy.length() > 32768) {
      throw KmsErrors.validation("policy", "...", "Member must have length between 1 and 32768");
    }
    boolean isObject;
    try {
      isObject = StrictJson.parse(policy).isJsonObject();
    } catch (IllegalArgumentException e) {
      isObject = false;
    }
    if (!isObject) {
      throw KmsErrors.malformedPolicy("The key policy is not a valid JSON policy document");
    }
  }

  /**
   * Adds tags to {@code into} with KMS's tag rules (Developer Guide, Tagging keys): keys 1-128
   * characters not starting with {@code aws:}, values 0-256 characters, no key twice in one
   * request, at most 50 tags on a key. A tag with an existing key replaces its value.
   */
  private static void mergeTags(Map<String, String> into, Collection<Tag> tags) {
    Map<String, String> incoming = new LinkedHashMap<>();
    for (Tag tag : tags) {
      String key = tag.tagKey();
      String value = tag.tagValue();
      if (key == null || value == null) {
        throw KmsErrors.validation(
            key == null ? "tagKey" : "tagValue", null, "Member must not be null");
      }
      if (key.isEmpty() || key.length() > 128) {
        throw KmsErrors.tag("Tag key must be 1-128 characters: " + key);
      }
      if (value.length() > 256) {
        throw KmsErrors.tag("Tag value for key " + key + " must be at most 256 characters");
      }
      if (key.regionMatches(true, 0, "aws:", 0, 4)) {
        throw KmsErrors.tag("Tag keys beginning with aws: are reserved: " + key);
      }
      if (incoming.put(key, value) != null) {
        throw KmsErrors.tag("Duplicate tag key in request: " + key);
      }
    }
    Map<String, String> merged = new TreeMap<>(into);
    merged.putAll(incoming);
    if (merged.size() > MAX_TAGS) {
      throw KmsErrors.limitExceeded(
          "A KMS key can have at most " + MAX_TAGS + " tags; this request makes " + merged.size());
    }
    into.putAll(incoming);
  }

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  private static SupportedKeySpec keySpecOf(CreateKeyRequest request) {
    String keySpec = request.keySpecAsString();
    String legacy = request.customerMasterKeySpecAsString();
    if (keySpec != null && legacy != null) {
      throw KmsErrors.validation(
          "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
              + "CustomerMasterKeySpec is deprecated.");
    }
    // API Reference, CreateKey: KeySpec defaults to SYMMETRIC_DEFAULT.
    String name = keySpec != null ? keySpec : legacy != null ? legacy : "SYMMETRIC_DEFAULT";
    KeySpec spec = KeySpec.fromValue(name);
    if (spec == KeySpec.UNKNOWN_TO_SDK_VERSION) {
      throw KmsErrors.validation(
          "keySpec", name, "Member must satisfy enum value set: " + KeySpec.knownValues());
    }
    return SupportedKeySpec.of(spec)
        .orElseThrow(
            () ->
                KmsErrors.unsupported(
                    "KeySpec "
                        + name
                        + " is not supported by the local KMS; it supports "
                        + Arrays.stream(SupportedKeySpec.values())
                            .map(SupportedKeySpec::name)
                            .collect(Collectors.joining(", "))));
  }

  private static KeyUsageType keyUsageOf(CreateKeyRequest request, SupportedKeySpec spec) {
    String name = request.keyUsageAsString();
    // API Reference, CreateKey: KeyUsage defaults to ENCRYPT_DECRYPT.
    KeyUsageType usage = name == null ? KeyUsageType.ENCRYPT_DECRYPT : KeyUsageType.fromValue(name);
    if (usage == KeyUsageType.UNKNOWN_TO_SDK_VERSION) {
      throw KmsErrors.validation(
          "keyUsage", name, "Member must satisfy enum value set: " + KeyUsageType.knownValues());
    }
    // API Reference, CreateKey: RSA keys are ENCRYPT_DECRYPT or SIGN_VERIFY; NIST ECC keys are
    // SIGN_VERIFY or KEY_AGREEMENT.
    if (usage == KeyUsageType.SIGN_VERIFY) {
      return usage;
    }
    if (spec.isRsa() && usage == KeyUsageType.ENCRYPT_DECRYPT) {
      return usage;
    }
    if (!spec.isRsa() && usage == KeyUsageType.KEY_AGREEMENT) {
      throw KmsErrors.unsupported("KeyUsage KEY_AGREEMENT is not supported by the local KMS");
    }
    throw KmsErrors.validation(
        "KeyUsage " + usage + " is not compatible with KeySpec " + spec.keySpec());
  }

  private static MessageType messageTypeOf(SignRequest request) {
    String name = request.messageTypeAsString();
    // API Reference, Sign: MessageType defaults to RAW.
    if (name == null) {
      return MessageType.RAW;
    }
    MessageType type = MessageType.fromValue(name);
    if (type == MessageType.UNKNOWN_TO_SDK_VERSION) {
      throw KmsErrors.validation(
          "messageType", name, "Member must satisfy enum value set: " + MessageType.knownValues());
    }
    return type;
  }

  private static int limitOf(Integer limit, int defaultLimit, int max) {
    if (limit == null) {
      return defaultLimit;
    }
    if (limit < 1) {
      throw KmsErrors.validation(
          "limit", limit, "Member must have value greater than or equal to 1");
    }
    if (limit > max) {
      throw KmsErrors.validation(
          "limit", limit, "Member must have value less than or equal to " + max);
    }
    return limit;
  }

  private record Page<T>(List<T> items, boolean truncated, String nextMarker) {}

  /** One page of {@code sorted} items after the marker's position. */
  private static <T> Page<T> page(
      String operation, List<T> sorted, Function<T, String> position, String marker, int limit) {
    String after = marker == null ? null : Markers.decode(operation, marker);
    List<T> items = new ArrayList<>(limit);
    boolean truncated = false;
    for (T item : sorted) {
      if (after != null && position.apply(item).compareTo(after) <= 0) {
        continue;
      }
      if (items.size() == limit) {
        truncated = true;
        break;
      }
      items.add(item);
    }
    String next =
        truncated ? Markers.encode(operation, position.apply(items.get(limit - 1))) : null;
    return new Page<>(items, truncated, next);
  }

  // ---------------------------------------------------------------------------------------------
  // SDK shapes

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  private KeyMetadata metadata(KeyRecord key) {
    KeyMetadata.Builder metadata =
        KeyMetadata.builder()
            .awsAccountId(accountId)
            .keyId(key.id)
            .arn(key.arn)
            .creationDate(key.creationDate)
            .enabled(key.state == KeyState.ENABLED)
            .description(key.description)
            .keyUsage(key.usage)
            .keyState(key.state)
            .origin(OriginType.AWS_KMS)
            .keyManager(KeyManagerType.CUSTOMER)
            .customerMasterKeySpec(CustomerMasterKeySpec.fromValue(key.spec.keySpec().toString()))
            .keySpec(key.spec.keySpec())
            .multiRegion(false);
    if (key.usage == KeyUsageType.SIGN_VERIFY) {
      metadata.signingAlgorithms(key.spec.signingAlgorithms());
    } else {
      metadata.encryptionAlgorithms(key.spec.encryptionAlgorithms());
    }
    if (key.state == KeyState.PENDING_DELETION) {
      metadata.deletionDate(key.deletionDate).pendingDeletionWindowInDays(key.pendingWindowInDays);
    }
    return metadata.build();
  }

  private AliasListEntry aliasEntry(AliasRecord alias) {
    return AliasListEntry.builder()
        .aliasName(alias.name)
        .aliasArn(alias.arn)
        .targetKeyId(alias.targetKeyId)
        .creationDate(alias.creationDate)
        .lastUpdatedDate(alias.lastUpdatedDate)
        .build();
  }

  private String keyArn(String id) {
    return "arn:aws:kms:" + region + ":" + accountId + ":key/" + id;
  }

  private String aliasArn(String aliasName) {
    return "arn:aws:kms:" + region + ":" + accountId + ":" + aliasName;
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

    public KmsModel build() {
      return new KmsModel(this);
    }
  }
}
