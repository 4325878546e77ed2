package dev.spirekms.keys;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Points an alias at a key in one region, whether or not the alias exists yet: UpdateAlias when it
 * is expected to exist, CreateAlias otherwise, and the other call when KMS says the guess was wrong
 * (an alias deleted with its key, or made meanwhile by a server with the same server id). Each call
 * takes what is left of the GenerateKey budget.
 */
final class AliasPointer {
  static final String CREATE = "kms:CreateAlias";
  static final String UPDATE = "kms:UpdateAlias";

  private AliasPointer() {}

  /**
   * @param exists whether the alias is expected to exist already
   * @param appeared told when CreateAlias found the alias already there, before the UpdateAlias
   * @throws KmsCallException from the call that failed; {@link KmsCallException#action()} says
   *     which
   */
  static void point(
      KmsClient kms,
      String aliasName,
      String keyArn,
      boolean exists,
      CallBudget budget,
      Runnable appeared) {
    if (exists) {
      try {
        update(kms, aliasName, keyArn, budget);
        return;
      } catch (KmsCallException e) {
        if (e.kind() != KmsCallException.Kind.NOT_FOUND) {
          throw e;
        }
        // KMS deletes a key's aliases with the key: the alias is gone, so make it again
      }
      create(kms, aliasName, keyArn, budget);
      return;
    }
    try {
      create(kms, aliasName, keyArn, budget);
    } catch (KmsCallException e) {
      if (e.kind() != KmsCallException.Kind.ALREADY_EXISTS) {
        throw e;
      }
      appeared.run();
      update(kms, aliasName, keyArn, budget);
    }
  }

  private static void create(KmsClient kms, String aliasName, String keyArn, CallBudget budget) {
    AwsCalls.call(
        CREATE,
        () ->
            kms.createAlias(
                b ->
                    b.aliasName(aliasName)
                        .targetKeyId(keyArn)
                        .overrideConfiguration(budget.timeout())));
  }

  private static void update(KmsClient kms, String aliasName, String keyArn, CallBudget budget) {
    AwsCalls.call(
        UPDATE,
        () ->
            kms.updateAlias(
                b ->
                    b.aliasName(aliasName)
                        .targetKeyId(keyArn)
                        .overrideConfiguration(budget.timeout())));
  }
}
