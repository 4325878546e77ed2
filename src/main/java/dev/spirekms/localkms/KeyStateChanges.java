package dev.spirekms.localkms;

import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyResponse;
import software.amazon.awssdk.services.kms.model.EnableKeyRequest;
import software.amazon.awssdk.services.kms.model.EnableKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

/**
 * The key state operations (Developer Guide, Key states): ScheduleKeyDeletion, CancelKeyDeletion,
 * DisableKey and EnableKey.
 */
final class KeyStateChanges {

  private final KmsState state;

  KeyStateChanges(KmsState state) {
    this.state = state;
  }

  ScheduleKeyDeletionResponse scheduleKeyDeletion(ScheduleKeyDeletionRequest request) {
    int days = request.pendingWindowInDays() == null ? 30 : request.pendingWindowInDays();
    // API Reference, ScheduleKeyDeletion: PendingWindowInDays is 7-30, default 30.
    if (days < 7 || days > 30) {
      throw KmsErrors.validation(
          "PendingWindowInDays must be between 7 and 30 days for customer managed keys, got "
              + days);
    }
    synchronized (state.lock) {
      Instant now = state.purgeExpired();
      KeyRecord key = state.resolve(request.keyId(), false);
      KmsState.requireNotPendingDeletion(key);
      key.pendingWindowInDays = days;
      if (state.region.equals(key.primaryRegion) && state.account.related(key.id).size() > 1) {
        // Developer Guide, Deleting multi-Region keys: a primary key with replicas waits in
        // PendingReplicaDeletion until they are deleted; its waiting period starts then.
        key.state = KeyState.PENDING_REPLICA_DELETION;
        key.deletionDate = null;
      } else {
        key.state = KeyState.PENDING_DELETION;
        key.deletionDate = now.plus(Duration.ofDays(days));
      }
      return ScheduleKeyDeletionResponse.builder()
          .keyId(key.arn)
          .deletionDate(key.deletionDate)
          .keyState(key.state)
          .pendingWindowInDays(days)
          .build();
    }
  }

  CancelKeyDeletionResponse cancelKeyDeletion(CancelKeyDeletionRequest request) {
    synchronized (state.lock) {
      state.purgeExpired();
      KeyRecord key = state.resolve(request.keyId(), false);
      if (key.state != KeyState.PENDING_DELETION
          && key.state != KeyState.PENDING_REPLICA_DELETION) {
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

  DisableKeyResponse disableKey(DisableKeyRequest request) {
    synchronized (state.lock) {
      state.purgeExpired();
      KeyRecord key = state.resolve(request.keyId(), false);
      KmsState.requireNotPendingDeletion(key);
      key.state = KeyState.DISABLED;
      return DisableKeyResponse.builder().build();
    }
  }

  EnableKeyResponse enableKey(EnableKeyRequest request) {
    synchronized (state.lock) {
      state.purgeExpired();
      KeyRecord key = state.resolve(request.keyId(), false);
      KmsState.requireNotPendingDeletion(key);
      key.state = KeyState.ENABLED;
      return EnableKeyResponse.builder().build();
    }
  }
}
