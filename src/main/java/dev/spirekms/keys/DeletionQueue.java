package dev.spirekms.keys;

/** Where keys the plugin no longer needs go to be scheduled for deletion in KMS. */
public interface DeletionQueue {

  /**
   * Hands a key over for deletion. Never blocks on KMS.
   *
   * @param keyArn the KMS key to delete
   * @param reason why, for the log line (e.g. "rotated", "orphaned after a failed GenerateKey")
   */
  void enqueue(String keyArn, String reason);

  /** A queue that drops everything; for tools that never delete. */
  static DeletionQueue discarding() {
    return (keyArn, reason) -> {};
  }
}
