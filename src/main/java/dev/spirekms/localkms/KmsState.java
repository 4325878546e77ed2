package dev.spirekms.localkms;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CustomerMasterKeySpec;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.MultiRegionConfiguration;
import software.amazon.awssdk.services.kms.model.MultiRegionKey;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;
import software.amazon.awssdk.services.kms.model.OriginType;

/**
 * The keys and aliases of one region of a {@link KmsAccount}, and the rules every operation shares:
 * how KMS reads a KeyId, which key states allow what, when a key pending deletion is gone, and the
 * SDK shapes of a key and an alias.
 */
final class KmsState {
  // Developer Guide, Multi-Region keys: a multi-Region key id is "mrk-" and 32 hex digits.
  private static final Pattern KEY_ID =
      Pattern.compile("^([0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$");

  final KmsAccount account;
  final Clock clock;
  final String region;
  final String accountId;
  final int maxKeys;
  final SecureRandom random;
  final KeyPairSource keyPairs;

  /**
   * The account's lock: guards {@link #keys}, {@link #aliases}, {@link #nextSequence} and every
   * record in them, and those of every other region.
   */
  final Object lock;

  final Map<String, KeyRecord> keys = new LinkedHashMap<>();
  final TreeMap<String, AliasRecord> aliases = new TreeMap<>();
  long nextSequence;

  KmsState(KmsAccount account, String region) {
    this.account = account;
    this.clock = account.clock;
    this.region = region;
    this.accountId = account.accountId;
    this.maxKeys = account.maxKeys;
    this.random = account.random;
    this.keyPairs = account.keyPairs;
    this.lock = account.lock;
  }

  /** Deletes the keys of every region whose waiting period is over; returns now. */
  Instant purgeExpired() {
    return account.purgeExpired();
  }

  /** Removes and returns this region's keys whose waiting period is over, with their aliases. */
  List<KeyRecord> removeExpired(Instant now) {
    List<KeyRecord> expired =
        keys.values().stream()
            .filter(key -> key.state == KeyState.PENDING_DELETION)
            .filter(key -> !key.deletionDate.isAfter(now))
            .toList();
    for (KeyRecord key : expired) {
      keys.remove(key.id);
      // Developer Guide, Deleting keys: deleting a key also deletes its aliases.
      aliases.values().removeIf(alias -> key.id.equals(alias.targetKeyId));
    }
    return expired;
  }

  Instant now() {
    return account.now();
  }

  /**
   * Finds a key the way KMS reads a KeyId: key id, key ARN and, where the operation allows them,
   * alias name and alias ARN (API Reference, DescribeKey: KeyId).
   */
  KeyRecord resolve(String keyId, boolean aliasesAllowed) {
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

  KeyRecord inspect(String keyIdOrAlias) {
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
  static void requireUsable(KeyRecord key) {
    requireNotPendingDeletion(key);
    if (key.state == KeyState.DISABLED) {
      throw KmsErrors.disabled(key.arn + " is disabled.");
    }
  }

  static void requireNotPendingDeletion(KeyRecord key) {
    if (key.state == KeyState.PENDING_DELETION || key.state == KeyState.PENDING_REPLICA_DELETION) {
      throw KmsErrors.invalidState(key.arn + " is pending deletion.");
    }
  }

  static void requireMember(String member, String value) {
    if (value == null) {
      throw KmsErrors.validation(member, null, "Member must not be null");
    }
    if (value.isEmpty()) {
      throw KmsErrors.validation(
          member, value, "Member must have length greater than or equal to 1");
    }
  }

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  KeyMetadata metadata(KeyRecord key) {
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
            .multiRegion(key.primaryRegion != null);
    if (key.primaryRegion != null) {
      metadata.multiRegionConfiguration(multiRegionConfiguration(key));
    }
    if (key.usage == KeyUsageType.SIGN_VERIFY) {
      metadata.signingAlgorithms(key.spec.signingAlgorithms());
    } else {
      metadata.encryptionAlgorithms(key.spec.encryptionAlgorithms());
    }
    if (key.state == KeyState.PENDING_DELETION) {
      metadata.deletionDate(key.deletionDate).pendingDeletionWindowInDays(key.pendingWindowInDays);
    } else if (key.state == KeyState.PENDING_REPLICA_DELETION) {
      // API Reference, KeyMetadata: no DeletionDate until the replicas are gone.
      metadata.pendingDeletionWindowInDays(key.pendingWindowInDays);
    }
    return metadata.build();
  }

  /**
   * DescribeKey's MultiRegionConfiguration: the same primary and replicas for every related key,
   * the type saying which one this is (API Reference, MultiRegionConfiguration).
   */
  private MultiRegionConfiguration multiRegionConfiguration(KeyRecord key) {
    List<MultiRegionKey> replicas = new ArrayList<>();
    for (KeyRecord related : account.related(key.id)) {
      if (!related.region.equals(key.primaryRegion)) {
        replicas.add(MultiRegionKey.builder().arn(related.arn).region(related.region).build());
      }
    }
    replicas.sort(Comparator.comparing(MultiRegionKey::region));
    return MultiRegionConfiguration.builder()
        .multiRegionKeyType(
            key.region.equals(key.primaryRegion)
                ? MultiRegionKeyType.PRIMARY
                : MultiRegionKeyType.REPLICA)
        .primaryKey(
            MultiRegionKey.builder()
                .arn(keyArn(key.primaryRegion, key.id))
                .region(key.primaryRegion)
                .build())
        .replicaKeys(replicas)
        .build();
  }

  AliasListEntry aliasEntry(AliasRecord alias) {
    return AliasListEntry.builder()
        .aliasName(alias.name)
        .aliasArn(alias.arn)
        .targetKeyId(alias.targetKeyId)
        .creationDate(alias.creationDate)
        .lastUpdatedDate(alias.lastUpdatedDate)
        .build();
  }

  String keyArn(String id) {
    return keyArn(region, id);
  }

  String keyArn(String inRegion, String id) {
    return "arn:" + partition(inRegion) + ":kms:" + inRegion + ":" + accountId + ":key/" + id;
  }

  /** The partition of a region's ARNs: aws, aws-cn, aws-us-gov and so on. */
  static String partition(String region) {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
      return "aws-us-gov";
    }
    return "aws";
  }

  String aliasArn(String aliasName) {
    return "arn:" + partition(region) + ":kms:" + region + ":" + accountId + ":" + aliasName;
  }
}
