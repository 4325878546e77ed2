package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.spirekms.testing.RandomCases;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;

/**
 * Fuzzing the local KMS's JSON reading: random and mutated text through {@link StrictJson} gives a
 * document or {@link IllegalArgumentException}; request bodies of every operation with members of
 * the wrong type, out of range, missing or unknown give an answer, a {@link
 * MalformedRequestException} (served as SerializationException) or a KMS error, never another
 * exception (which the server would answer as a 500).
 */
class KmsJsonFuzzTest {
  private static final List<String> MEMBERS =
      List.of(
          "KeyId",
          "AliasName",
          "TargetKeyId",
          "Message",
          "MessageType",
          "SigningAlgorithm",
          "KeySpec",
          "CustomerMasterKeySpec",
          "KeyUsage",
          "Description",
          "Policy",
          "Tags",
          "Limit",
          "Marker",
          "PendingWindowInDays",
          "GrantTokens",
          "DryRun",
          "MultiRegion",
          "Origin",
          "BypassPolicyLockoutSafetyCheck",
          "CustomKeyStoreId",
          "XksKeyId",
          "TagKeys");

  private final KmsModel model = KmsModel.create();
  private final KeyMetadata key = Fixtures.createKey(model, KeySpec.ECC_NIST_P256);
  private final KmsJsonProtocol protocol = new KmsJsonProtocol(model);

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void strictJsonGivesADocumentOrIllegalArgument(long seed) {
    RandomCases.run(seed, RandomCases.casesPerSeed(400), (random, i) -> parse(jsonText(random)));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void randomBytesGiveADocumentOrIllegalArgument(long seed) {
    RandomCases.run(
        seed,
        RandomCases.casesPerSeed(200),
        (random, i) -> parse(new String(RandomCases.bytes(random, 300), StandardCharsets.UTF_8)));
  }

  /** A document, or the documented refusal with a message; any other exception fails. */
  private static void parse(String text) {
    try {
      assertNotNull(StrictJson.parse(text));
    } catch (IllegalArgumentException refused) {
      assertNotNull(refused.getMessage());
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void everyOperationAnswersOrRefusesInKmsTerms(long seed) {
    List<String> operations = operations();
    RandomCases.run(
        seed,
        RandomCases.casesPerSeed(600),
        (random, i) -> handle(RandomCases.oneOf(random, operations), body(random)));
  }

  private void handle(String operation, JsonObject body) {
    try {
      assertNotNull(protocol.handle(operation, body));
    } catch (MalformedRequestException malformed) {
      assertFalse(malformed.getMessage() == null || malformed.getMessage().isBlank());
    } catch (AwsServiceException kmsError) {
      assertNotNull(kmsError.awsErrorDetails().errorCode(), kmsError.toString());
    } catch (RuntimeException other) {
      throw new AssertionError(operation + " " + body + " failed with " + other, other);
    }
  }

  private List<String> operations() {
    return List.of(
            KmsOperations.CANCEL_KEY_DELETION,
            KmsOperations.CREATE_ALIAS,
            KmsOperations.CREATE_KEY,
            KmsOperations.DELETE_ALIAS,
            KmsOperations.DESCRIBE_KEY,
            KmsOperations.DISABLE_KEY,
            KmsOperations.ENABLE_KEY,
            KmsOperations.GET_PUBLIC_KEY,
            KmsOperations.LIST_ALIASES,
            KmsOperations.LIST_KEYS,
            KmsOperations.LIST_RESOURCE_TAGS,
            KmsOperations.SCHEDULE_KEY_DELETION,
            KmsOperations.SIGN,
            KmsOperations.TAG_RESOURCE,
            KmsOperations.UPDATE_ALIAS)
        .stream()
        .filter(protocol::supports)
        .toList();
  }

  /** Up to six members of any name KMS knows, with values of any kind. */
  private JsonObject body(Random random) {
    JsonObject body = new JsonObject();
    int members = RandomCases.between(random, 0, 6);
    for (int i = 0; i < members; i++) {
      body.add(RandomCases.oneOf(random, MEMBERS), value(random));
    }
    return body;
  }

  private JsonElement string(Random random) {
    String text =
        switch (random.nextInt(3)) {
          case 0 ->
              RandomCases.oneOf(
                  random,
                  key.keyId(),
                  key.arn(),
                  "alias/SPIRE_SERVER/acme_co/srv/x",
                  "alias/aws/kms",
                  "arn:aws:kms:us-east-1:111122223333:alias/x",
                  "arn:aws:kms:eu-west-1:999999999999:key/" + key.keyId(),
                  "ECC_NIST_P256",
                  "RSA_4096",
                  "SIGN_VERIFY",
                  "DIGEST",
                  "RAW",
                  "ECDSA_SHA_256",
                  "RSASSA_PSS_SHA_512",
                  "AAAA",
                  "=",
                  "not base64!",
                  "",
                  "{\"Version\":\"2012-10-17\"}");
          case 1 -> RandomCases.anyString(random, 0, 30);
          default ->
              RandomCases.stringOf(
                  random,
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
                  0,
                  90);
        };
    return new JsonPrimitive(text);
  }

  private JsonElement scalar(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> string(random);
      case 1 ->
          new JsonPrimitive(
              new BigDecimal(
                  RandomCases.oneOf(
                      random,
                      "0",
                      "-1",
                      "7",
                      "30",
                      "1000",
                      "2147483648",
                      "1e400",
                      "0.5",
                      "-0",
                      "1e-400")));
      case 2 -> new JsonPrimitive(random.nextBoolean());
      default -> JsonNull.INSTANCE;
    };
  }

  /** Scalars most, then arrays of scalars, tag lists, and an empty object. */
  private JsonElement value(Random random) {
    int pick = random.nextInt(10);
    if (pick < 6) {
      return scalar(random);
    } else if (pick < 8) {
      JsonArray array = new JsonArray();
      RandomCases.listOf(random, 0, 3, this::scalar).forEach(array::add);
      return array;
    } else if (pick < 9) {
      JsonObject tag = new JsonObject();
      tag.add(RandomCases.oneOf(random, "TagKey", "TagValue", "Other"), scalar(random));
      JsonArray array = new JsonArray();
      array.add(tag);
      array.add(new JsonObject());
      return array;
    }
    return new JsonObject();
  }

  static String jsonText(Random random) {
    String valid =
        "{\"KeyId\":\"alias/x\",\"Message\":\"AAAA\",\"Tags\":[{\"TagKey\":\"a\",\"TagValue\":\"b\"}],"
            + "\"Limit\":10,\"DryRun\":false,\"Policy\":null}";
    String syntax = "{}[]:,\"\\ \n0123456789.-+eEtruefalsnl\u0000\uFEFF";
    return switch (random.nextInt(4)) {
      case 0 -> {
        int at = RandomCases.between(random, 0, valid.length());
        int cut = RandomCases.between(random, 0, 10);
        String insert = RandomCases.stringOf(random, syntax, 0, 5);
        yield valid.substring(0, at) + insert + valid.substring(Math.min(valid.length(), at + cut));
      }
      case 1 -> RandomCases.stringOf(random, syntax, 0, 80);
      case 2 -> RandomCases.anyString(random, 0, 80);
      default ->
          RandomCases.oneOf(
              random,
              "",
              "[".repeat(100_000),
              "{\"a\":".repeat(50_000),
              "1e99999999999",
              "\"\\ud800\"",
              "{\"a\":1,\"a\":2}",
              "{} {}",
              "\uFEFF{}");
    };
  }
}
