package dev.spirekms.keys;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.AwsSettings;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.KeyStoreException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * The home region's KMS calls of a new key: CreateKey (a multi-Region key when the store
 * replicates), GetPublicKey, and CreateAlias or UpdateAlias, each within what is left of the RPC's
 * {@link CallBudget}. KMS failures come back as {@link KeyStoreException}s with SPIRE's messages.
 */
final class KeyMaker {
  private static final Logger LOG = LoggerFactory.getLogger(KmsKeyStore.class);

  private final KmsClient kms;
  private final KeyStoreSettings settings;
  private final boolean tagMode;
  private final boolean multiRegion;

  KeyMaker(KmsClient kms, KeyStoreSettings settings, boolean tagMode, boolean multiRegion) {
    this.kms = kms;
    this.settings = settings;
    this.tagMode = tagMode;
    this.multiRegion = multiRegion;
  }

  /** The tags a new key is made with: upstream's SPIRE tags in tag mode, then {@code key_tags}. */
  List<Tag> newKeyTags(String spireKeyId) {
    List<Tag> tags = new ArrayList<>();
    if (tagMode) {
      tags.addAll(
          SpireTags.forNewKey(
              settings.naming(), settings.tags(), spireKeyId, settings.clock().instant()));
    } else {
      settings.tags().forEach((k, v) -> tags.add(Tag.builder().tagKey(k).tagValue(v).build()));
    }
    return tags;
  }

  /** Makes the key; its ARN. */
  String createKey(
      String spireKeyId,
      SpireKeyType type,
      Optional<String> policy,
      List<Tag> tags,
      CallBudget budget) {
    try {
      CreateKeyResponse created =
          AwsCalls.call(
              "kms:CreateKey",
              () ->
                  kms.createKey(
                      b -> {
                        Duration timeout = budget.nextCall();
                        b.overrideConfiguration(
                                o ->
                                    o.apiCallTimeout(timeout)
                                        .apiCallAttemptTimeout(
                                            AwsSettings.CREATE_KEY_ATTEMPT_TIMEOUT))
                            .description(settings.naming().description(spireKeyId))
                            .keyUsage(KeyUsageType.SIGN_VERIFY)
                            .keySpec(type.keySpec());
                        if (multiRegion) {
                          b.multiRegion(true);
                        }
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

  /** The key's public key (PKIX DER), checked to be of the type asked for. */
  byte[] publicKeyOf(String keyArn, SpireKeyType type, CallBudget budget) {
    GetPublicKeyResponse response;
    try {
      response =
          AwsCalls.call(
              "kms:GetPublicKey",
              () -> kms.getPublicKey(b -> b.keyId(keyArn).overrideConfiguration(budget.timeout())));
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

  /**
   * Points the alias at the key: UpdateAlias when it is expected to exist ({@code exists}: the
   * store already holds a key, or an unusable target, under it), else CreateAlias.
   */
  void pointAlias(
      String spireKeyId, String aliasName, String keyArn, boolean exists, CallBudget budget) {
    try {
      AliasPointer.point(
          kms,
          aliasName,
          keyArn,
          exists,
          budget,
          // another server sharing this server id created it after start-up; its key is left to
          // the orphan sweep rather than deleted here, since that server may still be using it
          () ->
              LOG.atWarn()
                  .addKeyValue("alias_name", aliasName)
                  .addKeyValue("spire_key_id", spireKeyId)
                  .log(KeyMessages.ALIAS_APPEARED));
    } catch (KmsCallException e) {
      throw KeyStoreException.fromCall(
          AliasPointer.CREATE.equals(e.action())
              ? KeyMessages.FAILED_TO_CREATE_ALIAS
              : KeyMessages.FAILED_TO_UPDATE_ALIAS,
          e);
    }
  }
}
