package dev.spirekms.localkms;

import java.time.Instant;

/**
 * One alias. AWS managed aliases that KMS lists before their key exists have no target and no
 * dates.
 */
final class AliasRecord {
  final String name;
  final String arn;
  final Instant creationDate;
  String targetKeyId;
  Instant lastUpdatedDate;

  AliasRecord(String name, String arn, String targetKeyId, Instant creationDate) {
    this.name = name;
    this.arn = arn;
    this.targetKeyId = targetKeyId;
    this.creationDate = creationDate;
    this.lastUpdatedDate = creationDate;
  }
}
