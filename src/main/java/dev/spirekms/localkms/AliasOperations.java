package dev.spirekms.localkms;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasResponse;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasResponse;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;
import software.amazon.awssdk.services.kms.model.UpdateAliasResponse;

/**
 * ListAliases, CreateAlias, UpdateAlias and DeleteAlias, with KMS's rules for alias names, the
 * aliases-per-key quota and UpdateAlias's same-key-usage constraint.
 */
final class AliasOperations {
  // API Reference, AliasListEntry/CreateAlias: the request shape allows ':' but alias names do not.
  private static final Pattern ALIAS_NAME_SHAPE = Pattern.compile("^[a-zA-Z0-9:/_-]+$");
  private static final Pattern ALIAS_NAME = Pattern.compile("^alias/[a-zA-Z0-9/_-]+$");
  private static final String RESERVED_ALIAS_PREFIX = "alias/aws/";

  private final KmsState state;

  AliasOperations(KmsState state) {
    this.state = state;
  }

  /** Adds aliases that name no key yet, as KMS lists AWS managed aliases before first use. */
  void addWithoutTarget(List<String> names) {
    synchronized (state.lock) {
      for (String name : names) {
        state.aliases.put(name, new AliasRecord(name, state.aliasArn(name), null, null));
      }
    }
  }

  ListAliasesResponse listAliases(ListAliasesRequest request) {
    // API Reference, ListAliases: Limit 1-100, default 50.
    int limit = Paging.limitOf(request.limit(), 50, 100);
    synchronized (state.lock) {
      state.purgeExpired();
      String keyId = null;
      if (request.keyId() != null) {
        keyId = state.resolve(request.keyId(), false).id;
      }
      String filter = keyId;
      List<AliasRecord> matching =
          state.aliases.values().stream()
              .filter(alias -> filter == null || filter.equals(alias.targetKeyId))
              .toList();
      Paging.Page<AliasRecord> page =
          Paging.page(
              KmsOperations.LIST_ALIASES, matching, alias -> alias.name, request.marker(), limit);
      return ListAliasesResponse.builder()
          .aliases(page.items().stream().map(state::aliasEntry).toList())
          .truncated(page.truncated())
          .nextMarker(page.nextMarker())
          .build();
    }
  }

  CreateAliasResponse createAlias(CreateAliasRequest request) {
    String name = request.aliasName();
    checkCustomerAliasName(name);
    KmsState.requireMember("targetKeyId", request.targetKeyId());
    synchronized (state.lock) {
      Instant now = state.purgeExpired();
      // API Reference, CreateAlias: alias names are unique in the account and Region.
      if (state.aliases.containsKey(name)) {
        throw KmsErrors.alreadyExists(
            "An alias with the name " + state.aliasArn(name) + " already exists");
      }
      KeyRecord key = state.resolve(request.targetKeyId(), false);
      KmsState.requireNotPendingDeletion(key);
      requireAliasQuota(key);
      state.aliases.put(name, new AliasRecord(name, state.aliasArn(name), key.id, now));
      return CreateAliasResponse.builder().build();
    }
  }

  UpdateAliasResponse updateAlias(UpdateAliasRequest request) {
    String name = request.aliasName();
    checkCustomerAliasName(name);
    KmsState.requireMember("targetKeyId", request.targetKeyId());
    synchronized (state.lock) {
      Instant now = state.purgeExpired();
      AliasRecord alias = state.aliases.get(name);
      if (alias == null) {
        throw KmsErrors.notFound("Alias " + state.aliasArn(name) + " is not found.");
      }
      KeyRecord target = state.resolve(request.targetKeyId(), false);
      KmsState.requireNotPendingDeletion(target);
      KeyRecord current = state.keys.get(alias.targetKeyId);
      // API Reference, UpdateAlias: the new key must be of the same type (symmetric, asymmetric,
      // HMAC) and have the same key usage as the current one; the key spec may differ.
      if (current.usage != target.usage) {
        throw KmsErrors.validation(
            "Alias "
                + alias.arn
                + " is associated with a key of KeyUsage "
                + current.usage
                + "; the new target key has KeyUsage "
                + target.usage);
      }
      if (!current.id.equals(target.id)) {
        requireAliasQuota(target);
      }
      alias.targetKeyId = target.id;
      // LastUpdatedDate moves on every UpdateAlias, also to the same key (AliasListEntry).
      alias.lastUpdatedDate = now;
      return UpdateAliasResponse.builder().build();
    }
  }

  DeleteAliasResponse deleteAlias(DeleteAliasRequest request) {
    String name = request.aliasName();
    checkCustomerAliasName(name);
    synchronized (state.lock) {
      state.purgeExpired();
      if (state.aliases.remove(name) == null) {
        throw KmsErrors.notFound("Alias " + state.aliasArn(name) + " is not found.");
      }
      return DeleteAliasResponse.builder().build();
    }
  }

  private void requireAliasQuota(KeyRecord key) {
    long count = state.aliases.values().stream().filter(a -> key.id.equals(a.targetKeyId)).count();
    if (count >= KmsModel.MAX_ALIASES_PER_KEY) {
      throw KmsErrors.limitExceeded(
          key.arn
              + " already has "
              + KmsModel.MAX_ALIASES_PER_KEY
              + " aliases, the most a key can have");
    }
  }

  /**
   * Alias names for customer managed keys (API Reference, CreateAlias: AliasName): 1-256 characters
   * of the request shape's pattern, then KMS's own rule {@code ^alias/[a-zA-Z0-9/_-]+$} and the
   * reserved {@code alias/aws/} prefix.
   */
  private static void checkCustomerAliasName(String name) {
    KmsState.requireMember("aliasName", name);
    if (name.length() > 256) {
      throw KmsErrors.validation(
          "aliasName", name, "Member must have length less than or equal to 256");
    }
    if (!ALIAS_NAME_SHAPE.matcher(name).matches()) {
      throw KmsErrors.validation(
          "aliasName",
          name,
          "Member must satisfy regular expression pattern: " + ALIAS_NAME_SHAPE.pattern());
    }
    if (!ALIAS_NAME.matcher(name).matches()) {
      throw KmsErrors.invalidAliasName(
          "Alias name "
              + name
              + " must begin with alias/ and contain only A-Z, a-z, 0-9, /, _ or -");
    }
    if (name.startsWith(RESERVED_ALIAS_PREFIX)) {
      throw KmsErrors.invalidAliasName(
          "Alias name " + name + " must not begin with alias/aws/, which is reserved for AWS");
    }
  }
}
