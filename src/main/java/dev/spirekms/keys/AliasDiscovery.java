package dev.spirekms.keys;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.KeyStoreException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;

/**
 * Start-up discovery through aliases: this server's aliases are listed and the public key behind
 * each is loaded. An alias whose key is pending deletion or gone is treated as absent and recorded
 * in {@code unusableAliases}, so that the next GenerateKey for it updates the alias instead of
 * creating it.
 */
final class AliasDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(AliasDiscovery.class);
  // KMS ListAliases: Limit is 1 to 100
  private static final int LIST_ALIASES_PAGE = 100;

  private final KmsClient kms;
  private final KeyStoreSettings settings;
  private final Set<String> unusableAliases;

  /** {@code unusableAliases} must be safe for concurrent use: the loads run in parallel. */
  AliasDiscovery(KmsClient kms, KeyStoreSettings settings, Set<String> unusableAliases) {
    this.kms = kms;
    this.settings = settings;
    this.unusableAliases = unusableAliases;
  }

  /**
   * This server's keys behind its aliases: every alias of the account is listed. An alias whose key
   * is in {@code loaded} (by KMS key id, found by its tags) is not read again.
   */
  List<KeyEntry> discover(Map<String, KeyEntry> loaded) {
    KeyNaming naming = settings.naming();
    List<AliasListEntry> ours = new ArrayList<>();
    String marker = null;
    try {
      do {
        String page = marker;
        ListAliasesResponse response =
            AwsCalls.call(
                "kms:ListAliases",
                () -> kms.listAliases(b -> b.limit(LIST_ALIASES_PAGE).marker(page)));
        for (AliasListEntry alias : response.aliases()) {
          if (naming.spireKeyIdOf(alias.aliasName()).isPresent()) {
            ours.add(alias);
          }
        }
        marker = Boolean.TRUE.equals(response.truncated()) ? response.nextMarker() : null;
      } while (marker != null);
    } catch (KmsCallException e) {
      throw KeyStoreException.fromCall(KeyMessages.FAILED_TO_FETCH_ALIASES, e);
    }
    return load(ours, loaded);
  }

  private List<KeyEntry> load(List<AliasListEntry> aliases, Map<String, KeyEntry> loaded) {
    List<Callable<Optional<KeyEntry>>> loads = new ArrayList<>();
    for (AliasListEntry alias : aliases) {
      KeyEntry known = alias.targetKeyId() == null ? null : loaded.get(alias.targetKeyId());
      String spireKeyId = settings.naming().spireKeyIdOf(alias.aliasName()).orElseThrow();
      if (known != null && known.spireKeyId().equals(spireKeyId)) {
        loads.add(() -> Optional.of(known));
      } else {
        loads.add(() -> loadOne(alias));
      }
    }
    return ParallelLoad.all(settings.startupConcurrency(), loads);
  }

  private Optional<KeyEntry> loadOne(AliasListEntry alias) {
    String aliasName = alias.aliasName();
    String spireKeyId = settings.naming().spireKeyIdOf(aliasName).orElseThrow();
    if (alias.targetKeyId() == null) {
      throw new KeyStoreException(
          Kind.PRECONDITION, String.format(KeyMessages.ALIAS_WITHOUT_KEY, aliasName));
    }
    GetPublicKeyResponse response;
    try {
      // one call per key: GetPublicKey also returns the key spec, and fails for a disabled or
      // pending-deletion key (KMS API reference, GetPublicKey)
      response =
          AwsCalls.call(
              "kms:GetPublicKey", () -> kms.getPublicKey(b -> b.keyId(alias.targetKeyId())));
    } catch (KmsCallException e) {
      return unusable(alias, spireKeyId, e);
    }
    String keyArn = response.keyId() != null ? response.keyId() : alias.targetKeyId();
    return Optional.of(
        PublicKeyAnswers.toEntry(
            response,
            spireKeyId,
            keyArn,
            aliasName,
            KeyMessages.UNSUPPORTED_KEY_SPEC,
            aliasName,
            KeyMessages.LOAD_MALFORMED_PUBLIC_KEY));
  }

  private Optional<KeyEntry> unusable(AliasListEntry alias, String spireKeyId, KmsCallException e) {
    String aliasName = alias.aliasName();
    String keyId = alias.targetKeyId();
    switch (e.kind()) {
      case DISABLED ->
          throw new KeyStoreException(
              Kind.PRECONDITION, String.format(KeyMessages.DISABLED_KEY, keyId, aliasName), e);
      case INVALID_STATE, NOT_FOUND -> {
        KeyState state = stateOf(keyId);
        if (state == KeyState.PENDING_DELETION
            || state == KeyState.PENDING_REPLICA_DELETION
            || state == null) {
          // the state that made upstream servers fail every start (spire#6804): treat as absent
          unusableAliases.add(aliasName);
          LOG.atWarn()
              .addKeyValue("alias_name", aliasName)
              .addKeyValue("key_id", keyId)
              .addKeyValue("spire_key_id", spireKeyId)
              .addKeyValue("key_state", state == null ? "NotFound" : state.toString())
              .log(KeyMessages.ALIAS_TO_DELETED_KEY);
          return Optional.empty();
        }
        throw new KeyStoreException(
            Kind.PRECONDITION,
            String.format(KeyMessages.KEY_IN_UNUSABLE_STATE, keyId, aliasName, state),
            e);
      }
      default -> throw KeyStoreException.fromCall(KeyMessages.LOAD_GET_PUBLIC_KEY, e);
    }
  }

  /** The key's state, or null when KMS does not know the key. */
  private KeyState stateOf(String keyId) {
    try {
      return AwsCalls.call("kms:DescribeKey", () -> kms.describeKey(b -> b.keyId(keyId)))
          .keyMetadata()
          .keyState();
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.NOT_FOUND) {
        return null;
      }
      throw KeyStoreException.fromCall(KeyMessages.LOAD_DESCRIBE_KEY, e);
    }
  }
}
