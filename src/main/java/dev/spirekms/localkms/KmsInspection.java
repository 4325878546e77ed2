package dev.spirekms.localkms;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The model's state as tests inspect it: no faults, no call log, the same rules for finding keys as
 * the operations apply.
 */
final class KmsInspection {
  private final KmsState state;

  KmsInspection(KmsState state) {
    this.state = state;
  }

  /** Metadata of every key, in creation order, including keys pending deletion. */
  List<KeyMetadata> keys() {
    synchronized (state.lock) {
      state.purgeExpired();
      return state.keys.values().stream().map(state::metadata).toList();
    }
  }

  /** Whether a key id, key ARN, alias name or alias ARN names an existing key. */
  boolean hasKey(String keyIdOrAlias) {
    synchronized (state.lock) {
      state.purgeExpired();
      try {
        state.resolve(keyIdOrAlias, true);
        return true;
      } catch (KmsException e) {
        return false;
      }
    }
  }

  /** Metadata of one key; {@link java.util.NoSuchElementException} if there is none. */
  KeyMetadata key(String keyIdOrAlias) {
    synchronized (state.lock) {
      return state.metadata(state.inspect(keyIdOrAlias));
    }
  }

  KeyState keyState(String keyIdOrAlias) {
    synchronized (state.lock) {
      return state.inspect(keyIdOrAlias).state;
    }
  }

  /** The key's public key, to verify its signatures with the JDK. */
  PublicKey publicKey(String keyIdOrAlias) {
    synchronized (state.lock) {
      return state.inspect(keyIdOrAlias).keyPair.getPublic();
    }
  }

  /** The key's tags, sorted by tag key. */
  Map<String, String> tags(String keyIdOrAlias) {
    synchronized (state.lock) {
      return Map.copyOf(state.inspect(keyIdOrAlias).tags);
    }
  }

  /** The Policy given to CreateKey, if one was. */
  Optional<String> policy(String keyIdOrAlias) {
    synchronized (state.lock) {
      return Optional.ofNullable(state.inspect(keyIdOrAlias).policy);
    }
  }

  /** Every alias, sorted by name, including AWS managed ones. */
  List<AliasListEntry> aliases() {
    synchronized (state.lock) {
      state.purgeExpired();
      return state.aliases.values().stream().map(state::aliasEntry).toList();
    }
  }

  /** One alias by name, e.g. {@code alias/example}. */
  Optional<AliasListEntry> alias(String aliasName) {
    synchronized (state.lock) {
      state.purgeExpired();
      return Optional.ofNullable(state.aliases.get(aliasName)).map(state::aliasEntry);
    }
  }
}
