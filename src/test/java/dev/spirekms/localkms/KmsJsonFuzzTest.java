package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

  @Property(tries = 400)
  void strictJsonGivesADocumentOrIllegalArgument(@ForAll("jsonText") String text) {
    try {
      assertNotNull(StrictJson.parse(text));
    } catch (IllegalArgumentException refused) {
      assertNotNull(refused.getMessage());
    }
  }

  @Property(tries = 200)
  void randomBytesGiveADocumentOrIllegalArgument(@ForAll("bytes") byte[] bytes) {
    try {
      StrictJson.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException refused) {
      // the documented refusal
    }
  }

  @Property(tries = 600)
  void everyOperationAnswersOrRefusesInKmsTerms(
      @ForAll("operations") String operation, @ForAll("bodies") JsonObject body) {
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

  @Provide
  Arbitrary<String> operations() {
    return Arbitraries.of(
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
        .filter(protocol::supports);
  }

  @Provide
  Arbitrary<JsonObject> bodies() {
    return Combinators.combine(Arbitraries.of(MEMBERS), values())
        .as(List::<Object>of)
        .list()
        .ofMaxSize(6)
        .map(
            pairs -> {
              JsonObject body = new JsonObject();
              for (List<Object> pair : pairs) {
                body.add((String) pair.get(0), (JsonElement) pair.get(1));
              }
              return body;
            });
  }

  private Arbitrary<JsonElement> values() {
    Arbitrary<JsonElement> strings =
        Arbitraries.oneOf(
                Arbitraries.of(
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
                    "{\"Version\":\"2012-10-17\"}"),
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.strings().withChars("A-Za-z0-9+/=").ofMaxLength(90))
            .map(JsonPrimitive::new);
    Arbitrary<JsonElement> numbers =
        Arbitraries.of("0", "-1", "7", "30", "1000", "2147483648", "1e400", "0.5", "-0", "1e-400")
            .map(n -> new JsonPrimitive(new BigDecimal(n)));
    Arbitrary<JsonElement> scalars =
        Arbitraries.oneOf(
            strings,
            numbers,
            Arbitraries.of(true, false).map(JsonPrimitive::new),
            Arbitraries.just(JsonNull.INSTANCE));
    Arbitrary<JsonElement> arrays =
        scalars
            .list()
            .ofMaxSize(3)
            .map(
                list -> {
                  JsonArray array = new JsonArray();
                  list.forEach(array::add);
                  return array;
                });
    Arbitrary<JsonElement> tags =
        Combinators.combine(Arbitraries.of("TagKey", "TagValue", "Other"), scalars)
            .as(
                (name, value) -> {
                  JsonObject tag = new JsonObject();
                  tag.add(name, value);
                  JsonArray array = new JsonArray();
                  array.add(tag);
                  array.add(new JsonObject());
                  return (JsonElement) array;
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, scalars),
        net.jqwik.api.Tuple.of(2, arrays),
        net.jqwik.api.Tuple.of(1, tags),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new JsonObject())));
  }

  @Provide
  Arbitrary<String> jsonText() {
    String valid =
        "{\"KeyId\":\"alias/x\",\"Message\":\"AAAA\",\"Tags\":[{\"TagKey\":\"a\",\"TagValue\":\"b\"}],"
            + "\"Limit\":10,\"DryRun\":false,\"Policy\":null}";
    String syntax = "{}[]:,\"\\ \n0123456789.-+eEtruefalsnl\u0000\uFEFF";
    Arbitrary<String> mutated =
        Combinators.combine(
                Arbitraries.integers().between(0, valid.length()),
                Arbitraries.integers().between(0, 10),
                Arbitraries.strings().withChars(syntax).ofMaxLength(5))
            .as(
                (at, cut, insert) ->
                    valid.substring(0, at)
                        + insert
                        + valid.substring(Math.min(valid.length(), at + cut)));
    return Arbitraries.oneOf(
        mutated,
        Arbitraries.strings().withChars(syntax).ofMaxLength(80),
        Arbitraries.strings().all().ofMaxLength(80),
        Arbitraries.of(
            "",
            "[".repeat(100_000),
            "{\"a\":".repeat(50_000),
            "1e99999999999",
            "\"\\ud800\"",
            "{\"a\":1,\"a\":2}",
            "{} {}",
            "\uFEFF{}"));
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
  }
}
