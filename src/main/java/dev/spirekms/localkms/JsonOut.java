package dev.spirekms.localkms;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;

/** An AWS JSON 1.1 response object being written; absent (null) members are left out. */
final class JsonOut {
  final JsonObject json = new JsonObject();

  JsonOut put(String name, String value) {
    if (value != null) {
      json.addProperty(name, value);
    }
    return this;
  }

  JsonOut put(String name, Boolean value) {
    if (value != null) {
      json.addProperty(name, value);
    }
    return this;
  }

  JsonOut put(String name, Integer value) {
    if (value != null) {
      json.addProperty(name, value);
    }
    return this;
  }

  JsonOut put(String name, JsonObject value) {
    if (value != null) {
      json.add(name, value);
    }
    return this;
  }

  JsonOut put(String name, SdkBytes value) {
    if (value != null) {
      json.addProperty(name, Base64.getEncoder().encodeToString(value.asByteArray()));
    }
    return this;
  }

  /** Epoch seconds with a millisecond fraction, written as a plain decimal number. */
  JsonOut put(String name, Instant value) {
    if (value != null) {
      json.add(name, new JsonPrimitive(BigDecimal.valueOf(value.toEpochMilli(), 3)));
    }
    return this;
  }

  JsonOut put(String name, List<String> values) {
    JsonArray array = new JsonArray();
    values.forEach(array::add);
    json.add(name, array);
    return this;
  }
}
