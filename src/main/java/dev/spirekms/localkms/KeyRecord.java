package dev.spirekms.localkms;

import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/** One KMS key and its mutable state, read and written under the lock of {@link KmsState}. */
final class KeyRecord {
  final long sequence;
  final String region;
  final String id;
  final String arn;
  final SupportedKeySpec spec;
  final KeyUsageType usage;
  final String description;
  final String policy;
  final Instant creationDate;
  final KeyPair keyPair;

  /** The region of the primary key of a multi-Region key; null for a single-Region key. */
  final String primaryRegion;

  final Map<String, String> tags = new TreeMap<>();
  KeyState state = KeyState.ENABLED;
  Instant deletionDate;
  Integer pendingWindowInDays;

  KeyRecord(
      long sequence,
      String region,
      String id,
      String arn,
      SupportedKeySpec spec,
      KeyUsageType usage,
      String description,
      String policy,
      Instant creationDate,
      KeyPair keyPair,
      String primaryRegion) {
    this.sequence = sequence;
    this.region = region;
    this.primaryRegion = primaryRegion;
    this.id = id;
    this.arn = arn;
    this.spec = spec;
    this.usage = usage;
    this.description = description;
    this.policy = policy;
    this.creationDate = creationDate;
    this.keyPair = keyPair;
  }
}
