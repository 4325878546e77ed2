package dev.spirekms.localkms;

import static dev.spirekms.localkms.JsonMembers.blob;
import static dev.spirekms.localkms.JsonMembers.bool;
import static dev.spirekms.localkms.JsonMembers.integer;
import static dev.spirekms.localkms.JsonMembers.string;
import static dev.spirekms.localkms.JsonMembers.strings;
import static dev.spirekms.localkms.JsonMembers.tags;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.EnableKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.ListResourceTagsRequest;
import software.amazon.awssdk.services.kms.model.ListResourceTagsResponse;
import software.amazon.awssdk.services.kms.model.MultiRegionConfiguration;
import software.amazon.awssdk.services.kms.model.MultiRegionKey;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;
import software.amazon.awssdk.services.kms.model.ReplicateKeyResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagResourceRequest;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;

/**
 * The AWS JSON 1.1 body of each KMS operation, marshalled by hand: request members into the SDK's
 * request classes, SDK responses into JSON. Member names are those of the AWS KMS API Reference
 * (PascalCase); blobs are base64; timestamps are epoch seconds with a millisecond fraction. Request
 * members are read by {@link JsonMembers}, responses written with {@link JsonOut}.
 *
 * <p>The SDK's own protocol marshallers are internal APIs of the SDK, so they are not used here.
 */
final class KmsJsonProtocol {

  private final Map<String, Function<JsonObject, JsonObject>> handlers;

  KmsJsonProtocol(KmsModel model) {
    this.handlers =
        Map.ofEntries(
            Map.entry(
                KmsOperations.CANCEL_KEY_DELETION,
                in -> {
                  var out =
                      model.cancelKeyDeletion(
                          CancelKeyDeletionRequest.builder().keyId(string(in, "KeyId")).build());
                  return new JsonOut().put("KeyId", out.keyId()).json;
                }),
            Map.entry(
                KmsOperations.CREATE_ALIAS,
                in -> {
                  model.createAlias(
                      CreateAliasRequest.builder()
                          .aliasName(string(in, "AliasName"))
                          .targetKeyId(string(in, "TargetKeyId"))
                          .build());
                  return new JsonObject();
                }),
            Map.entry(
                KmsOperations.CREATE_KEY,
                in -> {
                  var out = model.createKey(createKeyRequest(in));
                  return new JsonOut().put("KeyMetadata", keyMetadata(out.keyMetadata())).json;
                }),
            Map.entry(
                KmsOperations.DELETE_ALIAS,
                in -> {
                  model.deleteAlias(
                      DeleteAliasRequest.builder().aliasName(string(in, "AliasName")).build());
                  return new JsonObject();
                }),
            Map.entry(
                KmsOperations.DESCRIBE_KEY,
                in -> {
                  var out =
                      model.describeKey(
                          DescribeKeyRequest.builder()
                              .keyId(string(in, "KeyId"))
                              .grantTokens(strings(in, "GrantTokens"))
                              .build());
                  return new JsonOut().put("KeyMetadata", keyMetadata(out.keyMetadata())).json;
                }),
            Map.entry(
                KmsOperations.DISABLE_KEY,
                in -> {
                  model.disableKey(DisableKeyRequest.builder().keyId(string(in, "KeyId")).build());
                  return new JsonObject();
                }),
            Map.entry(
                KmsOperations.ENABLE_KEY,
                in -> {
                  model.enableKey(EnableKeyRequest.builder().keyId(string(in, "KeyId")).build());
                  return new JsonObject();
                }),
            Map.entry(
                KmsOperations.GET_PUBLIC_KEY,
                in ->
                    getPublicKeyResponse(
                        model.getPublicKey(
                            GetPublicKeyRequest.builder()
                                .keyId(string(in, "KeyId"))
                                .grantTokens(strings(in, "GrantTokens"))
                                .build()))),
            Map.entry(
                KmsOperations.LIST_ALIASES,
                in ->
                    listAliasesResponse(
                        model.listAliases(
                            ListAliasesRequest.builder()
                                .keyId(string(in, "KeyId"))
                                .limit(integer(in, "Limit"))
                                .marker(string(in, "Marker"))
                                .build()))),
            Map.entry(
                KmsOperations.LIST_KEYS,
                in ->
                    listKeysResponse(
                        model.listKeys(
                            ListKeysRequest.builder()
                                .limit(integer(in, "Limit"))
                                .marker(string(in, "Marker"))
                                .build()))),
            Map.entry(
                KmsOperations.LIST_RESOURCE_TAGS,
                in ->
                    listResourceTagsResponse(
                        model.listResourceTags(
                            ListResourceTagsRequest.builder()
                                .keyId(string(in, "KeyId"))
                                .limit(integer(in, "Limit"))
                                .marker(string(in, "Marker"))
                                .build()))),
            Map.entry(
                KmsOperations.REPLICATE_KEY,
                in ->
                    replicateKeyResponse(
                        model.replicateKey(
                            ReplicateKeyRequest.builder()
                                .keyId(string(in, "KeyId"))
                                .replicaRegion(string(in, "ReplicaRegion"))
                                .policy(string(in, "Policy"))
                                .bypassPolicyLockoutSafetyCheck(
                                    bool(in, "BypassPolicyLockoutSafetyCheck"))
                                .description(string(in, "Description"))
                                .tags(tags(in, "Tags"))
                                .build()))),
            Map.entry(
                KmsOperations.SCHEDULE_KEY_DELETION,
                in ->
                    scheduleKeyDeletionResponse(
                        model.scheduleKeyDeletion(
                            ScheduleKeyDeletionRequest.builder()
                                .keyId(string(in, "KeyId"))
                                .pendingWindowInDays(integer(in, "PendingWindowInDays"))
                                .build()))),
            Map.entry(
                KmsOperations.SIGN,
                in ->
                    signResponse(
                        model.sign(
                            SignRequest.builder()
                                .keyId(string(in, "KeyId"))
                                .message(blob(in, "Message"))
                                .messageType(string(in, "MessageType"))
                                .signingAlgorithm(string(in, "SigningAlgorithm"))
                                .grantTokens(strings(in, "GrantTokens"))
                                .dryRun(bool(in, "DryRun"))
                                .build()))),
            Map.entry(
                KmsOperations.TAG_RESOURCE,
                in -> {
                  model.tagResource(
                      TagResourceRequest.builder()
                          .keyId(string(in, "KeyId"))
                          .tags(tags(in, "Tags"))
                          .build());
                  return new JsonObject();
                }),
            Map.entry(
                KmsOperations.UPDATE_ALIAS,
                in -> {
                  model.updateAlias(
                      UpdateAliasRequest.builder()
                          .aliasName(string(in, "AliasName"))
                          .targetKeyId(string(in, "TargetKeyId"))
                          .build());
                  return new JsonObject();
                }));
  }

  boolean supports(String operation) {
    return handlers.containsKey(operation);
  }

  /** Serves one call; throws what the model throws, or {@link MalformedRequestException}. */
  JsonObject handle(String operation, JsonObject body) {
    return handlers.get(operation).apply(body);
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  private static CreateKeyRequest createKeyRequest(JsonObject in) {
    return CreateKeyRequest.builder()
        .policy(string(in, "Policy"))
        .description(string(in, "Description"))
        .keyUsage(string(in, "KeyUsage"))
        .customerMasterKeySpec(string(in, "CustomerMasterKeySpec"))
        .keySpec(string(in, "KeySpec"))
        .origin(string(in, "Origin"))
        .customKeyStoreId(string(in, "CustomKeyStoreId"))
        .bypassPolicyLockoutSafetyCheck(bool(in, "BypassPolicyLockoutSafetyCheck"))
        .tags(tags(in, "Tags"))
        .multiRegion(bool(in, "MultiRegion"))
        .xksKeyId(string(in, "XksKeyId"))
        .build();
  }

  // ---------------------------------------------------------------------------------------------
  // Responses

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  private static JsonObject keyMetadata(KeyMetadata m) {
    JsonOut out =
        new JsonOut()
            .put("AWSAccountId", m.awsAccountId())
            .put("KeyId", m.keyId())
            .put("Arn", m.arn())
            .put("CreationDate", m.creationDate())
            .put("Enabled", m.enabled())
            .put("Description", m.description())
            .put("KeyUsage", m.keyUsageAsString())
            .put("KeyState", m.keyStateAsString())
            .put("DeletionDate", m.deletionDate())
            .put("Origin", m.originAsString())
            .put("KeyManager", m.keyManagerAsString())
            .put("CustomerMasterKeySpec", m.customerMasterKeySpecAsString())
            .put("KeySpec", m.keySpecAsString())
            .put("MultiRegion", m.multiRegion())
            .put("PendingDeletionWindowInDays", m.pendingDeletionWindowInDays());
    if (m.hasEncryptionAlgorithms()) {
      out.put("EncryptionAlgorithms", m.encryptionAlgorithmsAsStrings());
    }
    if (m.hasSigningAlgorithms()) {
      out.put("SigningAlgorithms", m.signingAlgorithmsAsStrings());
    }
    if (m.multiRegionConfiguration() != null) {
      out.put("MultiRegionConfiguration", multiRegionConfiguration(m.multiRegionConfiguration()));
    }
    return out.json;
  }

  private static JsonObject multiRegionConfiguration(MultiRegionConfiguration c) {
    JsonArray replicas = new JsonArray();
    for (MultiRegionKey replica : c.replicaKeys()) {
      replicas.add(multiRegionKey(replica));
    }
    JsonObject json =
        new JsonOut()
            .put("MultiRegionKeyType", c.multiRegionKeyTypeAsString())
            .put("PrimaryKey", multiRegionKey(c.primaryKey()))
            .json;
    json.add("ReplicaKeys", replicas);
    return json;
  }

  private static JsonObject multiRegionKey(MultiRegionKey key) {
    return new JsonOut().put("Arn", key.arn()).put("Region", key.region()).json;
  }

  private static JsonObject replicateKeyResponse(ReplicateKeyResponse r) {
    JsonObject json =
        new JsonOut()
            .put("ReplicaKeyMetadata", keyMetadata(r.replicaKeyMetadata()))
            .put("ReplicaPolicy", r.replicaPolicy())
            .json;
    JsonArray tags = new JsonArray();
    for (Tag t : r.replicaTags()) {
      tags.add(new JsonOut().put("TagKey", t.tagKey()).put("TagValue", t.tagValue()).json);
    }
    json.add("ReplicaTags", tags);
    return json;
  }

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  private static JsonObject getPublicKeyResponse(GetPublicKeyResponse r) {
    JsonOut out =
        new JsonOut()
            .put("KeyId", r.keyId())
            .put("PublicKey", r.publicKey())
            .put("CustomerMasterKeySpec", r.customerMasterKeySpecAsString())
            .put("KeySpec", r.keySpecAsString())
            .put("KeyUsage", r.keyUsageAsString());
    if (r.hasEncryptionAlgorithms()) {
      out.put("EncryptionAlgorithms", r.encryptionAlgorithmsAsStrings());
    }
    if (r.hasSigningAlgorithms()) {
      out.put("SigningAlgorithms", r.signingAlgorithmsAsStrings());
    }
    return out.json;
  }

  private static JsonObject signResponse(SignResponse r) {
    return new JsonOut()
        .put("KeyId", r.keyId())
        .put("Signature", r.signature())
        .put("SigningAlgorithm", r.signingAlgorithmAsString())
        .json;
  }

  private static JsonObject listAliasesResponse(ListAliasesResponse r) {
    JsonArray aliases = new JsonArray();
    for (AliasListEntry a : r.aliases()) {
      aliases.add(
          new JsonOut()
              .put("AliasName", a.aliasName())
              .put("AliasArn", a.aliasArn())
              .put("TargetKeyId", a.targetKeyId())
              .put("CreationDate", a.creationDate())
              .put("LastUpdatedDate", a.lastUpdatedDate())
              .json);
    }
    return page(aliases, "Aliases", r.truncated(), r.nextMarker());
  }

  private static JsonObject listKeysResponse(ListKeysResponse r) {
    JsonArray keys = new JsonArray();
    for (KeyListEntry k : r.keys()) {
      keys.add(new JsonOut().put("KeyId", k.keyId()).put("KeyArn", k.keyArn()).json);
    }
    return page(keys, "Keys", r.truncated(), r.nextMarker());
  }

  private static JsonObject listResourceTagsResponse(ListResourceTagsResponse r) {
    JsonArray tags = new JsonArray();
    for (Tag t : r.tags()) {
      tags.add(new JsonOut().put("TagKey", t.tagKey()).put("TagValue", t.tagValue()).json);
    }
    return page(tags, "Tags", r.truncated(), r.nextMarker());
  }

  private static JsonObject page(JsonArray items, String name, Boolean truncated, String marker) {
    JsonObject json = new JsonOut().put("Truncated", truncated).put("NextMarker", marker).json;
    json.add(name, items);
    return json;
  }

  private static JsonObject scheduleKeyDeletionResponse(ScheduleKeyDeletionResponse r) {
    return new JsonOut()
        .put("KeyId", r.keyId())
        .put("DeletionDate", r.deletionDate())
        .put("KeyState", r.keyStateAsString())
        .put("PendingWindowInDays", r.pendingWindowInDays())
        .json;
  }
}
