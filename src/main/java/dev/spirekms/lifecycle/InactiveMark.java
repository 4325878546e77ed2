package dev.spirekms.lifecycle;

import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.SpireTags;
import java.util.List;
import org.slf4j.Logger;

/** Tag mode: {@code spire-active=false} on a key whose deletion KMS has scheduled. */
final class InactiveMark {
  private InactiveMark() {}

  /**
   * Tags the key inactive; returns whether that failed for a reason worth counting. A key pending
   * deletion that KMS refuses to tag is already skipped by every server's discovery, so that
   * refusal is only noted at Debug.
   */
  static boolean apply(LifecycleKms kms, String keyArn, Logger log) {
    try {
      kms.tagResource(keyArn, List.of(SpireTags.inactive()));
      log.atDebug().addKeyValue("key_arn", keyArn).log("Key marked inactive");
      return true;
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.INVALID_STATE) {
        log.atDebug()
            .addKeyValue("key_arn", keyArn)
            .addKeyValue("reason", e.getMessage())
            .log("Key pending deletion could not be marked inactive");
        return true;
      }
      log.atWarn()
          .addKeyValue("key_arn", keyArn)
          .addKeyValue("reason", e.getMessage())
          .log(LifecycleMessages.NOT_MARKED_INACTIVE);
      return false;
    }
  }
}
