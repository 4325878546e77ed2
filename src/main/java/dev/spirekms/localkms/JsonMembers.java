package dev.spirekms.localkms;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * Members of an AWS JSON 1.1 request body, read by type: an absent or null member is null, a member
 * of the wrong type is a {@link MalformedRequestException}.
 */
final class JsonMembers {
  private JsonMembers() {}

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

  /** A list of KMS tags, {@code [{"TagKey": ..., "TagValue": ...}]}. */
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
}
