package dev.spirekms.localkms;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
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
 * (PascalCase); blobs are base64; timestamps are epoch seconds with a millisecond fraction.
 *
 * <p>The SDK's own protocol marshallers are internal APIs of the SDK, so they are not used here.
 */
final class KmsJsonProtocol {

  /** A request body that does not fit the operation's shape: answered as SerializationException. */
  static final class MalformedRequestException extends RuntimeException {
    MalformedRequestException(String message) {
      super(message);
    }
  }

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
                  return new Out().put("KeyId", out.keyId()).json;
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
                  return new Out().put("KeyMetadata", keyMetadata(out.keyMetadata())).json;
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
                  return new Out().put("KeyMetadata", keyMetadata(out.keyMetadata())).json;
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

  private static JsonElement member(JsonObject in, String name) {
    JsonElement value = in.get(name);
    return value == null || value.isJsonNull() ? null : value;
  }

  static String string(JsonObject in, String name) {
    JsonElement value = member(in, name);
    if (value == null) {
      return null;
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw new MalformedRequestException(name + " must be a string");
    }
    return value.getAsString();
  }

  static Integer integer(JsonObject in, String name) {
    JsonElement value = member(in, name);
    if (value == null) {
      return null;
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw new MalformedRequestException(name + " must be a number");
    }
    try {
      return value.getAsBigDecimal().intValueExact();
    } catch (ArithmeticException e) {
      throw new MalformedRequestException(name + " must be an integer");
    }
  }

  static Boolean bool(JsonObject in, String name) {
    JsonElement value = member(in, name);
    if (value == null) {
      return null;
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
      throw new MalformedRequestException(name + " must be a boolean");
    }
    return value.getAsBoolean();
  }

  static SdkBytes blob(JsonObject in, String name) {
    String value = string(in, name);
    if (value == null) {
      return null;
    }
    try {
      return SdkBytes.fromByteArray(Base64.getDecoder().decode(value));
    } catch (IllegalArgumentException e) {
      throw new MalformedRequestException(name + " must be base64");
    }
  }

  private static JsonArray array(JsonObject in, String name) {
    JsonElement value = member(in, name);
    if (value == null) {
      return null;
    }
    if (!value.isJsonArray()) {
      throw new MalformedRequestException(name + " must be a list");
    }
    return value.getAsJsonArray();
  }

  static List<String> strings(JsonObject in, String name) {
    JsonArray array = array(in, name);
    if (array == null) {
      return null;
    }
    List<String> values = new ArrayList<>();
    for (JsonElement element : array) {
      if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
        throw new MalformedRequestException(name + " must be a list of strings");
      }
      values.add(element.getAsString());
    }
    return values;
  }

  static List<Tag> tags(JsonObject in, String name) {
    JsonArray array = array(in, name);
    if (array == null) {
      return null;
    }
    List<Tag> tags = new ArrayList<>();
    for (JsonElement element : array) {
      if (!element.isJsonObject()) {
        throw new MalformedRequestException(name + " must be a list of tags");
      }
      JsonObject tag = element.getAsJsonObject();
      tags.add(
          Tag.builder().tagKey(string(tag, "TagKey")).tagValue(string(tag, "TagValue")).build());
    }
    return tags;
  }

  // ---------------------------------------------------------------------------------------------
  // Responses

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  private static JsonObject keyMetadata(KeyMetadata m) {
    Out out =
        new Out()
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
    return out.json;
  }

  @SuppressWarnings("deprecation") // KMS still sends CustomerMasterKeySpec
  private static JsonObject getPublicKeyResponse(GetPublicKeyResponse r) {
    Out out =
        new Out()
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
    return new Out()
        .put("KeyId", r.keyId())
        .put("Signature", r.signature())
        .put("SigningAlgorithm", r.signingAlgorithmAsString())
        .json;
  }

  private static JsonObject listAliasesResponse(ListAliasesResponse r) {
    JsonArray aliases = new JsonArray();
    for (AliasListEntry a : r.aliases()) {
      aliases.add(
          new Out()
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
      keys.add(new Out().put("KeyId", k.keyId()).put("KeyArn", k.keyArn()).json);
    }
    return page(keys, "Keys", r.truncated(), r.nextMarker());
  }

  private static JsonObject listResourceTagsResponse(ListResourceTagsResponse r) {
    JsonArray tags = new JsonArray();
    for (Tag t : r.tags()) {
      tags.add(new Out().put("TagKey", t.tagKey()).put("TagValue", t.tagValue()).json);
    }
    return page(tags, "Tags", r.truncated(), r.nextMarker());
  }

  private static JsonObject page(JsonArray items, String name, Boolean truncated, String marker) {
    JsonObject json = new Out().put("Truncated", truncated).put("NextMarker", marker).json;
    json.add(name, items);
    return json;
  }

  private static JsonObject scheduleKeyDeletionResponse(ScheduleKeyDeletionResponse r) {
    return new Out()
        .put("KeyId", r.keyId())
        .put("DeletionDate", r.deletionDate())
        .put("KeyState", r.keyStateAsString())
        .put("PendingWindowInDays", r.pendingWindowInDays())
        .json;
  }

  /** A JSON object that leaves out absent members. */
  private static final class Out {
    final JsonObject json = new JsonObject();

    Out put(String name, String value) {
      if (value != null) {
        json.addProperty(name, value);
      }
      return this;
    }

    Out put(String name, Boolean value) {
      if (value != null) {
        json.addProperty(name, value);
      }
      return this;
    }

    Out put(String name, Integer value) {
      if (value != null) {
        json.addProperty(name, value);
      }
      return this;
    }

    Out put(String name, JsonObject value) {
      if (value != null) {
        json.add(name, value);
      }
      return this;
    }

    Out put(String name, SdkBytes value) {
      if (value != null) {
        json.addProperty(name, Base64.getEncoder().encodeToString(value.asByteArray()));
      }
      return this;
    }

    /** Epoch seconds with a millisecond fraction, written as a plain decimal number. */
    Out put(String name, Instant value) {
      if (value != null) {
        json.add(name, new JsonPrimitive(BigDecimal.valueOf(value.toEpochMilli(), 3)));
      }
      return this;
    }

    Out put(String name, List<String> values) {
      JsonArray array = new JsonArray();
      values.forEach(array::add);
      json.add(name, array);
      return this;
    }
  }
}
