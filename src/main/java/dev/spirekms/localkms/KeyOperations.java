package dev.spirekms.localkms;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.OriginType;

/**
 * CreateKey (single-Region and multi-Region primary keys), DescribeKey, GetPublicKey and ListKeys,
 * with KMS's rules for key specs, key usages and key policies.
 */
final class KeyOperations {

  private final KmsState state;

  KeyOperations(KmsState state) {
    this.state = state;
  }

  CreateKeyResponse createKey(CreateKeyRequest request) {
    String description = request.description() == null ? "" : request.description();
    // API Reference, CreateKey: Description is 0-8192 characters.
    if (description.length() > 8192) {
      throw KmsErrors.validation(
          "description",
          description.substring(0, 32) + "...",
          "Member must have length less than or equal to 8192");
    }
    checkPolicy(request.policy());
    Map<String, String> tags = new TreeMap<>();
    TagOperations.mergeTags(tags, request.hasTags() ? request.tags() : List.of());
    SupportedKeySpec spec = keySpecOf(request);
    KeyUsageType usage = keyUsageOf(request, spec);
    if (request.originAsString() != null && request.origin() != OriginType.AWS_KMS) {
      throw KmsErrors.unsupported(
          "Origin " + request.originAsString() + " is not supported by the local KMS");
    }
    if (request.customKeyStoreId() != null || request.xksKeyId() != null) {
      throw KmsErrors.unsupported("custom key stores are not supported by the local KMS");
    }
    boolean multiRegion = Boolean.TRUE.equals(request.multiRegion());
    // Generating a key pair is slow (RSA 4096): do it outside the lock.
    var keyPair = state.keyPairs.next(spec);
    synchronized (state.lock) {
      Instant now = state.purgeExpired();
      if (state.keys.size() >= state.maxKeys) {
        throw KmsErrors.limitExceeded(
            "This account has reached its limit of " + state.maxKeys + " customer managed keys");
      }
      // Developer Guide, Multi-Region key ids: "mrk-" and 32 hex digits.
      String id =
          multiRegion
              ? "mrk-" + UUID.randomUUID().toString().replace("-", "")
              : UUID.randomUUID().toString();
      KeyRecord key =
          new KeyRecord(
              state.nextSequence++,
              state.region,
              id,
              state.keyArn(id),
              spec,
              usage,
              description,
              request.policy(),
              now,
              keyPair,
              multiRegion ? state.region : null);
      key.tags.putAll(tags);
      state.keys.put(id, key);
      return CreateKeyResponse.builder().keyMetadata(state.metadata(key)).build();
    }
  }

  DescribeKeyResponse describeKey(DescribeKeyRequest request) {
    synchronized (state.lock) {
      state.purgeExpired();
      KeyRecord key = state.resolve(request.keyId(), true);
      return DescribeKeyResponse.builder().keyMetadata(state.metadata(key)).build();
    }
  }

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  GetPublicKeyResponse getPublicKey(GetPublicKeyRequest request) {
    synchronized (state.lock) {
      state.purgeExpired();
      KeyRecord key = state.resolve(request.keyId(), true);
      KmsState.requireUsable(key);
      GetPublicKeyResponse.Builder response =
          GetPublicKeyResponse.builder()
              .keyId(key.arn)
              .publicKey(SdkBytes.fromByteArray(key.keyPair.getPublic().getEncoded()))
              .customerMasterKeySpec(key.spec.keySpec().toString())
              .keySpec(key.spec.keySpec())
              .keyUsage(key.usage);
      if (key.usage == KeyUsageType.SIGN_VERIFY) {
        response.signingAlgorithms(key.spec.signingAlgorithms());
      } else {
        response.encryptionAlgorithms(key.spec.encryptionAlgorithms());
      }
      return response.build();
    }
  }

  ListKeysResponse listKeys(ListKeysRequest request) {
    // API Reference, ListKeys: Limit 1-1000, default 100.
    int limit = Paging.limitOf(request.limit(), 100, 1000);
    synchronized (state.lock) {
      state.purgeExpired();
      Paging.Page<KeyRecord> page =
          Paging.page(
              KmsOperations.LIST_KEYS,
              List.copyOf(state.keys.values()),
              key -> String.format("%019d", key.sequence),
              request.marker(),
              limit);
      return ListKeysResponse.builder()
          .keys(
              page.items().stream()
                  .map(key -> KeyListEntry.builder().keyId(key.id).keyArn(key.arn).build())
                  .toList())
          .truncated(page.truncated())
          .nextMarker(page.nextMarker())
          .build();
    }
  }

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  private static SupportedKeySpec keySpecOf(CreateKeyRequest request) {
    String keySpec = request.keySpecAsString();
    String legacy = request.customerMasterKeySpecAsString();
    if (keySpec != null && legacy != null) {
      throw KmsErrors.validation(
          "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
              + "CustomerMasterKeySpec is deprecated.");
    }
    // API Reference, CreateKey: KeySpec defaults to SYMMETRIC_DEFAULT.
    String name = keySpec != null ? keySpec : legacy != null ? legacy : "SYMMETRIC_DEFAULT";
    KeySpec spec = KeySpec.fromValue(name);
    if (spec == KeySpec.UNKNOWN_TO_SDK_VERSION) {
      throw KmsErrors.validation(
          "keySpec", name, "Member must satisfy enum value set: " + KeySpec.knownValues());
    }
    return SupportedKeySpec.of(spec)
        .orElseThrow(
            () ->
                KmsErrors.unsupported(
                    "KeySpec "
                        + name
                        + " is not supported by the local KMS; it supports "
                        + Arrays.stream(SupportedKeySpec.values())
                            .map(SupportedKeySpec::name)
                            .collect(Collectors.joining(", "))));
  }

  private static KeyUsageType keyUsageOf(CreateKeyRequest request, SupportedKeySpec spec) {
    String name = request.keyUsageAsString();
    // API Reference, CreateKey: KeyUsage defaults to ENCRYPT_DECRYPT.
    KeyUsageType usage = name == null ? KeyUsageType.ENCRYPT_DECRYPT : KeyUsageType.fromValue(name);
    if (usage == KeyUsageType.UNKNOWN_TO_SDK_VERSION) {
      throw KmsErrors.validation(
          "keyUsage", name, "Member must satisfy enum value set: " + KeyUsageType.knownValues());
    }
    // API Reference, CreateKey: RSA keys are ENCRYPT_DECRYPT or SIGN_VERIFY; NIST ECC keys are
    // SIGN_VERIFY or KEY_AGREEMENT.
    if (usage == KeyUsageType.SIGN_VERIFY) {
      return usage;
    }
    if (spec.isRsa() && usage == KeyUsageType.ENCRYPT_DECRYPT) {
      return usage;
    }
    if (!spec.isRsa() && usage == KeyUsageType.KEY_AGREEMENT) {
      throw KmsErrors.unsupported("KeyUsage KEY_AGREEMENT is not supported by the local KMS");
    }
    throw KmsErrors.validation(
        "KeyUsage " + usage + " is not compatible with KeySpec " + spec.keySpec());
  }

  static void checkPolicy(String policy) {
    if (policy == null) {
      return;
    }
    // API Reference, CreateKey: Policy is 1-32768 characters of JSON.
    if (policy.isEmpty() || policy.length() > 32768) {
      throw KmsErrors.validation("policy", "...", "Member must have length between 1 and 32768");
    }
    boolean isObject;
    try {
      isObject = StrictJson.parse(policy).isJsonObject();
    } catch (IllegalArgumentException e) {
      isObject = false;
    }
    if (!isObject) {
      throw KmsErrors.malformedPolicy("The key policy is not a valid JSON policy document");
    }
  }
}
