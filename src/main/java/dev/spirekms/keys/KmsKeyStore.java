package dev.spirekms.keys;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.config.KmsAliasNames;
import dev.spirekms.keys.KeyStoreException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;

/**
 * This server's SPIRE keys in KMS: found at start-up through their aliases (in tag mode first by
 * their tags), created and rotated on request, and used for signing. Public keys are answered from
 * memory; signing makes one KMS call.
 *
 * <p>Each SPIRE key id has its own lock, so rotating one key never stalls signing with another.
 */
public final class KmsKeyStore {
  private static final Logger LOG = LoggerFactory.getLogger(KmsKeyStore.class);

  /** What GenerateKey's replicas leave of its budget for the home region's alias. */
  static final Duration HOME_ALIAS_RESERVE = Duration.ofSeconds(5);

  // what KeyNaming.encodeKeyId turns into a valid KMS alias name part ('.' and '+' encoded)
  private static final Pattern ALIAS_SAFE_KEY_ID = Pattern.compile("[a-zA-Z0-9_.+-]+");

  private final KmsClient kms;
  private final ResourceGroupsTaggingApiClient tagging;
  private final KeyStoreSettings settings;
  private final DeletionQueue deletionQueue;
  private final Replication replication;
  private final KeyMaker maker;
  private final ReplicaMaker replicaMaker;
  private final Map<String, KeyEntry> entries = new ConcurrentHashMap<>();
  private final Set<String> unusableAliases = ConcurrentHashMap.newKeySet();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  private KmsKeyStore(
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      KeyStoreSettings settings,
      DeletionQueue deletionQueue,
      Replication replication) {
    this.kms = kms;
    this.tagging = tagging;
    this.settings = settings;
    this.deletionQueue = deletionQueue;
    this.replication = Objects.requireNonNull(replication, "replication");
    this.maker = new KeyMaker(kms, settings, tagging != null, replication.enabled());
    this.replicaMaker = new ReplicaMaker(kms, replication, settings);
  }

  /** Finds this server's keys in KMS through their aliases and loads their public keys. */
  public static KmsKeyStore open(
      KmsClient kms, KeyStoreSettings settings, DeletionQueue deletionQueue) {
    if (settings.tagBasedDiscovery()) {
      throw new IllegalArgumentException("tag-based discovery needs the tagging API client");
    }
    KmsKeyStore store = new KmsKeyStore(kms, null, settings, deletionQueue, Replication.NONE);
    store.discover();
    return store;
  }

  /**
   * Finds this server's keys in KMS and loads their public keys: in tag mode ({@link
   * KeyStoreSettings#tagBasedDiscovery()}) by their SPIRE tags and then by their aliases, as
   * upstream aws_kms does; otherwise by their aliases alone, and {@code tagging} is not used.
   */
  public static KmsKeyStore open(
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      KeyStoreSettings settings,
      DeletionQueue deletionQueue) {
    return open(kms, tagging, settings, deletionQueue, Replication.NONE);
  }

  /**
   * As {@link #open(KmsClient, ResourceGroupsTaggingApiClient, KeyStoreSettings, DeletionQueue)},
   * making every new key a multi-Region key replicated as {@code replication} says.
   */
  public static KmsKeyStore open(
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      KeyStoreSettings settings,
      DeletionQueue deletionQueue,
      Replication replication) {
    KmsKeyStore store =
        new KmsKeyStore(
            kms,
            settings.tagBasedDiscovery() ? Objects.requireNonNull(tagging) : null,
            settings,
            deletionQueue,
            replication);
    store.discover();
    return store;
  }

  /** Where new keys are replicated, and the replicas still missing. */
  public Replication replication() {
    return replication;
  }

  /** Whether keys are found and kept alive by their SPIRE tags. */
  public boolean tagBased() {
    return tagging != null;
  }

  public KeyNaming naming() {
    return settings.naming();
  }

  /** The key under a SPIRE key id, if any. */
  public Optional<KeyEntry> get(String spireKeyId) {
    return Optional.ofNullable(entries.get(spireKeyId));
  }

  /** Every key, ordered by SPIRE key id. */
  public List<KeyEntry> all() {
    List<KeyEntry> all = new ArrayList<>(entries.values());
    all.sort(Comparator.comparing(KeyEntry::spireKeyId));
    return all;
  }

  /** The key under a SPIRE key id, or a KEY_NOT_FOUND failure with SPIRE's message. */
  public KeyEntry require(String spireKeyId) {
    KeyEntry entry = entries.get(spireKeyId);
    if (entry == null) {
      throw notFound(spireKeyId);
    }
    return entry;
  }

  /** Whether a KMS key is one this store currently uses, or a multi-Region copy of one. */
  public boolean holds(String keyArn) {
    return entries.values().stream().anyMatch(e -> Replication.sameKeyMaterial(e.keyArn(), keyArn));
  }

  /**
   * Creates a new KMS key for the SPIRE key id, points the alias at it, and hands the key it
   * replaces to the deletion queue.
   */
  public KeyEntry generate(String spireKeyId, SpireKeyType type) {
    CallBudget budget = CallBudget.start(CallBudget.GENERATE_KEY);
    ReentrantLock lock = locks.computeIfAbsent(spireKeyId, id -> new ReentrantLock());
    lock.lock();
    try {
      return generateLocked(spireKeyId, type, budget);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code action} holding the lock of one SPIRE key id, unless that key is being generated
   * right now; then returns empty at once, without waiting. The background alias refresh uses this
   * so that its check-then-update of an alias never interleaves with this server's own rotation.
   */
  public <T> Optional<T> unlessRotating(String spireKeyId, Supplier<T> action) {
    ReentrantLock lock = locks.computeIfAbsent(spireKeyId, id -> new ReentrantLock());
    if (!lock.tryLock()) {
      return Optional.empty();
    }
    try {
      return Optional.of(action.get());
    } finally {
      lock.unlock();
    }
  }

  /** Signs a digest; one KMS call. */
  public Signature sign(String spireKeyId, byte[] digest, SignerOptions options) {
    KeyEntry entry = require(spireKeyId);
    SigningAlgorithmSpec algorithm = SigningAlgorithms.select(entry.type(), options, digest.length);
    try {
      byte[] signature =
          AwsCalls.call(
                  "kms:Sign",
                  () ->
                      kms.sign(
                          b ->
                              b.keyId(entry.keyArn())
                                  .message(SdkBytes.fromByteArrayUnsafe(digest))
                                  .messageType(MessageType.DIGEST)
                                  .signingAlgorithm(algorithm)))
              .signature()
              .asByteArray();
      return new Signature(signature, entry.fingerprint());
    } catch (KmsCallException e) {
      throw KeyStoreException.fromCall(KeyMessages.FAILED_TO_SIGN, e);
    }
  }

  /** A signature and the fingerprint of the key that made it. */
  public record Signature(byte[] bytes, String keyFingerprint) {}

  private static KeyStoreException notFound(String spireKeyId) {
    return new KeyStoreException(
        Kind.KEY_NOT_FOUND, String.format(KeyMessages.KEY_NOT_FOUND, spireKeyId));
  }

  private KeyEntry generateLocked(String spireKeyId, SpireKeyType type, CallBudget budget) {
    KeyNaming naming = settings.naming();
    String aliasName = naming.aliasName(spireKeyId);
    if (aliasName.length() > KmsAliasNames.MAX_LENGTH) {
      // checked before CreateKey, so that no key is made for an alias KMS would refuse
      throw new KeyStoreException(
          Kind.INVALID_REQUEST,
          String.format(
              KeyMessages.KEY_ID_TOO_LONG,
              spireKeyId,
              aliasName.length(),
              KmsAliasNames.MAX_LENGTH));
    }
    if (!ALIAS_SAFE_KEY_ID.matcher(spireKeyId).matches()) {
      // KMS alias names allow [a-zA-Z0-9/_-] (CreateAlias); a '/' would make the alias read as
      // another server's, whose disposal could delete the key. Checked before CreateKey too.
      throw new KeyStoreException(
          Kind.INVALID_REQUEST, String.format(KeyMessages.KEY_ID_NOT_IN_ALIAS, spireKeyId));
    }
    Optional<String> policy = settings.policy().policy();
    List<Tag> tags = maker.newKeyTags(spireKeyId);
    String keyArn = maker.createKey(spireKeyId, type, policy, tags, budget);
    boolean aliasExists = entries.containsKey(spireKeyId) || unusableAliases.contains(aliasName);
    KeyEntry entry;
    try {
      byte[] pkix = maker.publicKeyOf(keyArn, type, budget);
      entry = new KeyEntry(spireKeyId, type, keyArn, aliasName, pkix, Fingerprints.of(pkix));
      // the replicas and their aliases first, the home alias last: an alias never points at a key
      // that is not there yet in its region. The replicas leave time for the home alias: one they
      // have no time for is left to the background repair.
      replication.gaps().superseded(spireKeyId);
      CallBudget forReplicas = budget.leaving(HOME_ALIAS_RESERVE);
      for (String region : replication.regions()) {
        replicaMaker.make(
            spireKeyId, keyArn, aliasName, region, policy, tags, false, aliasExists, forReplicas);
      }
      maker.pointAlias(spireKeyId, aliasName, keyArn, aliasExists, budget);
    } catch (RuntimeException e) {
      // the new key has no alias: delete it now rather than leave an orphan (spire#5497)
      deletionQueue.enqueue(keyArn, "its GenerateKey failed after the key was created");
      throw e;
    }
    KeyEntry replaced = entries.put(spireKeyId, entry);
    unusableAliases.remove(aliasName);
    LOG.atInfo()
        .addKeyValue("spire_key_id", spireKeyId)
        .addKeyValue("key_arn", keyArn)
        .addKeyValue("alias_name", aliasName)
        .addKeyValue("fingerprint", entry.fingerprint())
        .log(replaced == null ? "Key created" : "Key rotated");
    if (replaced != null && !replaced.keyArn().equals(keyArn)) {
      deletionQueue.enqueue(replaced.keyArn(), "replaced by a new key for " + spireKeyId);
    }
    return entry;
  }

  /** What {@link #repair} did. */
  public enum Repair {
    /** The replica and its alias are in place. */
    MADE,
    /** It failed again; the gap holds the reason. */
    FAILED,
    /** The key is no longer this server's current key for its SPIRE key id: nothing to do. */
    SUPERSEDED
  }

  /**
   * Records a replica, or replica alias, of a current key found missing after the fact (a restart
   * forgets the gaps, and an alias can be deleted by hand), for the lifecycle to make; due at once.
   * Nothing is recorded when the key is no longer current or the gap is already known.
   *
   * @return whether a gap was recorded
   */
  public boolean replicaFoundMissing(
      String spireKeyId, String keyArn, String region, boolean replicaMade, String reason) {
    KeyEntry current = entries.get(spireKeyId);
    if (current == null
        || !current.keyArn().equals(keyArn)
        || !replication.regions().contains(region)
        || replication.gaps().all().stream()
            .anyMatch(g -> g.spireKeyId().equals(spireKeyId) && g.region().equals(region))) {
      return false;
    }
    replication
        .gaps()
        .record(
            new ReplicaGaps.Gap(
                spireKeyId,
                keyArn,
                current.aliasName(),
                region,
                replicaMade,
                1,
                settings.clock().instant(),
                reason));
    return true;
  }

  /**
   * Retries a missing replica, or replica alias, of a current key; empty when the key is being
   * rotated right now. A failure is left in the gap (its reason updated, its count and due time as
   * they were: the caller sets the backoff).
   */
  public Optional<Repair> repair(ReplicaGaps.Gap gap) {
    return unlessRotating(
        gap.spireKeyId(),
        () -> {
          KeyEntry current = entries.get(gap.spireKeyId());
          if (current == null || !current.keyArn().equals(gap.keyArn())) {
            replication.gaps().resolved(gap.spireKeyId(), gap.region());
            return Repair.SUPERSEDED;
          }
          boolean made =
              replicaMaker.make(
                  gap.spireKeyId(),
                  gap.keyArn(),
                  gap.aliasName(),
                  gap.region(),
                  settings.policy().policy(),
                  maker.newKeyTags(gap.spireKeyId()),
                  gap.replicaMade(),
                  true,
                  CallBudget.start(CallBudget.GENERATE_KEY));
          if (made) {
            LOG.atInfo()
                .addKeyValue("spire_key_id", gap.spireKeyId())
                .addKeyValue("key_arn", gap.replicaArn())
                .addKeyValue("region", gap.region())
                .log("Replica made");
          }
          return made ? Repair.MADE : Repair.FAILED;
        });
  }

  private void discover() {
    AliasDiscovery byAlias = new AliasDiscovery(kms, settings, unusableAliases);
    List<KeyEntry> found =
        tagging == null
            ? byAlias.discover(Map.of())
            : new TagModeDiscovery(kms, tagging, settings, deletionQueue)
                .discover(byAlias::discover);
    for (KeyEntry entry : found) {
      entries.put(entry.spireKeyId(), entry);
      LOG.atDebug()
          .addKeyValue("spire_key_id", entry.spireKeyId())
          .addKeyValue("key_arn", entry.keyArn())
          .addKeyValue("alias_name", entry.aliasName())
          .log("Key loaded");
    }
  }
}
