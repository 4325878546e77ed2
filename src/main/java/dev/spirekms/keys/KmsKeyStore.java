package dev.spirekms.keys;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.config.KmsAliasNames;
import dev.spirekms.keys.KeyStoreException.Kind;
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
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
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

  // what KeyNaming.encodeKeyId turns into a valid KMS alias name part ('.' and '+' encoded)
  private static final Pattern ALIAS_SAFE_KEY_ID = Pattern.compile("[a-zA-Z0-9_.+-]+");

  private final KmsClient kms;
  private final ResourceGroupsTaggingApiClient tagging;
  private final KeyStoreSettings settings;
  private final DeletionQueue deletionQueue;
  private final Map<String, KeyEntry> entries = new ConcurrentHashMap<>();
  private final Set<String> unusableAliases = ConcurrentHashMap.newKeySet();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  private KmsKeyStore(
      KmsClient kms,
      ResourceGroupsTaggingApiClient tagging,
      KeyStoreSettings settings,
      DeletionQueue deletionQueue) {
    this.kms = kms;
    this.tagging = tagging;
    this.settings = settings;
    this.deletionQueue = deletionQueue;
  }

  /** Finds this server's keys in KMS through their aliases and loads their public keys. */
  public static KmsKeyStore open(
      KmsClient kms, KeyStoreSettings settings, DeletionQueue deletionQueue) {
    if (settings.tagBasedDiscovery()) {
      throw new IllegalArgumentException("tag-based discovery needs the tagging API client");
    }
    KmsKeyStore store = new KmsKeyStore(kms, null, settings, deletionQueue);
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
    KmsKeyStore store =
        new KmsKeyStore(
            kms,
            settings.tagBasedDiscovery() ? Objects.requireNonNull(tagging) : null,
            settings,
            deletionQueue);
    store.discover();
    return store;
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

  /** Whether a KMS key is one this store currently uses. */
  public boolean holds(String keyArn) {
    return entries.values().stream().anyMatch(e -> e.keyArn().equals(keyArn));
  }

  /**
   * Creates a new KMS key for the SPIRE key id, points the alias at it, and hands the key it
   * replaces to the deletion queue.
   */
  public KeyEntry generate(String spireKeyId, SpireKeyType type) {
    ReentrantLock lock = locks.computeIfAbsent(spireKeyId, id -> new ReentrantLock());
    lock.lock();
    try {
      return generateLocked(spireKeyId, type);
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

  private KeyEntry generateLocked(String spireKeyId, SpireKeyType type) {
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
    String keyArn = createKey(spireKeyId, type, policy);
    KeyEntry entry;
    try {
      byte[] pkix = publicKeyOf(keyArn, type);
      entry = new KeyEntry(spireKeyId, type, keyArn, aliasName, pkix, Fingerprints.of(pkix));
      pointAlias(spireKeyId, aliasName, keyArn);
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

  private String createKey(String spireKeyId, SpireKeyType type, Optional<String> policy) {
    List<Tag> tags = new ArrayList<>();
    if (tagging != null) {
      tags.addAll(
          SpireTags.forNewKey(
              settings.naming(), settings.tags(), spireKeyId, settings.clock().instant()));
    } else {
      settings.tags().forEach((k, v) -> tags.add(Tag.builder().tagKey(k).tagValue(v).build()));
    }
    try {
      CreateKeyResponse created =
          AwsCalls.call(
              "kms:CreateKey",
              () ->
                  kms.createKey(
                      b -> {
                        b.overrideConfiguration(
                                o ->
                                    o.apiCallAttemptTimeout(AwsSettings.CREATE_KEY_ATTEMPT_TIMEOUT))
                            .description(settings.naming().description(spireKeyId))
                            .keyUsage(KeyUsageType.SIGN_VERIFY)
                            .keySpec(type.keySpec());
                        policy.ifPresent(b::policy);
                        if (!tags.isEmpty()) {
                          b.tags(tags);
                        }
                      }));
      KeyMetadata metadata = created.keyMetadata();
      if (metadata == null || metadata.arn() == null) {
        throw new KeyStoreException(Kind.INTERNAL, KeyMessages.MALFORMED_CREATE_KEY_RESPONSE);
      }
      return metadata.arn();
    } catch (KmsCallException e) {
      throw KeyStoreException.fromCall(KeyMessages.FAILED_TO_CREATE_KEY, e);
    }
  }

  private byte[] publicKeyOf(String keyArn, SpireKeyType type) {
    GetPublicKeyResponse response;
    try {
      response = AwsCalls.call("kms:GetPublicKey", () -> kms.getPublicKey(b -> b.keyId(keyArn)));
    } catch (KmsCallException e) {
      throw KeyStoreException.fromCall(KeyMessages.FAILED_TO_GET_PUBLIC_KEY, e);
    }
    if (response.publicKey() == null || response.publicKey().asByteArrayUnsafe().length == 0) {
      throw new KeyStoreException(Kind.INTERNAL, KeyMessages.MALFORMED_GET_PUBLIC_KEY_RESPONSE);
    }
    if (response.keySpec() != null && response.keySpec() != type.keySpec()) {
      throw new KeyStoreException(
          Kind.INTERNAL,
          String.format(KeyMessages.WRONG_KEY_SPEC, response.keySpecAsString(), type.keySpec()));
    }
    return response.publicKey().asByteArray();
  }

  private void pointAlias(String spireKeyId, String aliasName, String keyArn) {
    boolean exists = entries.containsKey(spireKeyId) || unusableAliases.contains(aliasName);
    if (exists) {
      updateAlias(aliasName, keyArn);
      return;
    }
    try {
      AwsCalls.call(
          "kms:CreateAlias",
          () -> kms.createAlias(b -> b.aliasName(aliasName).targetKeyId(keyArn)));
    } catch (KmsCallException e) {
      if (e.kind() != KmsCallException.Kind.ALREADY_EXISTS) {
        throw KeyStoreException.fromCall(KeyMessages.FAILED_TO_CREATE_ALIAS, e);
      }
      // another server sharing this server id created it after start-up; its key is left to the
      // orphan sweep rather than deleted here, since that server may still be using it
      LOG.atWarn()
          .addKeyValue("alias_name", aliasName)
          .addKeyValue("spire_key_id", spireKeyId)
          .log(KeyMessages.ALIAS_APPEARED);
      updateAlias(aliasName, keyArn);
    }
  }

  private void updateAlias(String aliasName, String keyArn) {
    try {
      AwsCalls.call(
          "kms:UpdateAlias",
          () -> kms.updateAlias(b -> b.aliasName(aliasName).targetKeyId(keyArn)));
    } catch (KmsCallException e) {
      if (e.kind() != KmsCallException.Kind.NOT_FOUND) {
        throw KeyStoreException.fromCall(KeyMessages.FAILED_TO_UPDATE_ALIAS, e);
      }
      // KMS deletes a key's aliases with the key: the alias is gone, so make it again
      try {
        AwsCalls.call(
            "kms:CreateAlias",
            () -> kms.createAlias(b -> b.aliasName(aliasName).targetKeyId(keyArn)));
      } catch (KmsCallException again) {
        throw KeyStoreException.fromCall(KeyMessages.FAILED_TO_CREATE_ALIAS, again);
      }
    }
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
