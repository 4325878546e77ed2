package dev.spirekms.spire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.proto.keymanager.v1.SignDataResponse;
import dev.spirekms.testing.RandomCases;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile KeyManager requests (key ids of any text, unknown key types and hash numbers, odd PSS
 * options, digests of any length) over in-process gRPC against the stateful fake KMS: every call
 * answers within a bound, and every failure is a status SPIRE's contract allows for bad input
 * (InvalidArgument, NotFound), never Unknown or Internal.
 */
class HostileRequestPropertiesTest {
  private static final Set<Status.Code> BAD_INPUT_CODES =
      EnumSet.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND);
  private static final long BOUND_SECONDS = 20;

  private final PluginHarness harness = new PluginHarness().configured();
  private final ExecutorService caller = Executors.newSingleThreadExecutor();
  // what this seed's plugin holds: key id -> the public key last generated for it
  private final Map<String, PublicKey> generated = new HashMap<>();

  @AfterEach
  void close() throws Exception {
    caller.shutdownNow();
    harness.close();
  }

  /** One KeyManager request, as SPIRE never sends it. */
  sealed interface Call permits Generate, Get, Sign, GetAll {}

  record Generate(String keyId, int keyType) implements Call {
    @Override
    public String toString() {
      return "Generate[" + shown(keyId) + ", type " + keyType + "]";
    }
  }

  record Get(String keyId) implements Call {
    @Override
    public String toString() {
      return "Get[" + shown(keyId) + "]";
    }
  }

  /**
   * @param opts 0 none, 1 hash algorithm, 2 PSS options
   */
  record Sign(String keyId, byte[] data, int opts, int hash, int salt) implements Call {
    @Override
    public String toString() {
      return String.format(
          "Sign[%s, %d bytes, opts %d, hash %d, salt %d]",
          shown(keyId), data.length, opts, hash, salt);
    }
  }

  /** A key id for a failure report: a huge one by its length. */
  static String shown(String keyId) {
    return keyId.length() > 60
        ? "\"" + keyId.substring(0, 20) + "...\" (" + keyId.length() + " chars)"
        : "\"" + keyId + "\"";
  }

  record GetAll() implements Call {}

  /** The cases of all seeds of a run together; one plugin serves all cases of a seed. */
  private static final int CASES = 150;

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void everyRequestAnswersInTimeWithATypedStatus(long seed) {
    RandomCases.run(seed, RandomCases.casesPerSeed(CASES), (random, i) -> callAll(calls(random)));
  }

  private void callAll(List<Call> calls) {
    for (Call call : calls) {
      if (call instanceof Generate g) {
        generate(g);
      } else if (call instanceof Get g) {
        get(g);
      } else if (call instanceof Sign s) {
        sign(s);
      } else {
        getAll();
      }
    }
  }

  private void generate(Generate g) {
    GenerateKeyRequest request =
        GenerateKeyRequest.newBuilder().setKeyId(g.keyId()).setKeyTypeValue(g.keyType()).build();
    StatusRuntimeException failure =
        answer(() -> harness.keyManager().generateKey(request), "GenerateKey " + g);
    if (failure == null) {
      PublicKey key = harness.keyManager().getPublicKey(get(g.keyId())).getPublicKey();
      assertEquals(g.keyId(), key.getId());
      assertEquals(g.keyType(), key.getTypeValue());
      PublicKey before = generated.put(g.keyId(), key);
      if (before != null) {
        // spire-plugin-sdk: an overwritten key gets a different fingerprint
        assertTrue(!before.getFingerprint().equals(key.getFingerprint()), "fingerprint kept");
      }
      return;
    }
    assertBadInput(failure, "GenerateKey " + g);
    if (g.keyId().isEmpty()) {
      assertEquals(Status.Code.INVALID_ARGUMENT, failure.getStatus().getCode());
      assertEquals(SpireMessages.KEY_ID_REQUIRED, failure.getStatus().getDescription());
    } else if (g.keyType() == 0) {
      assertEquals(SpireMessages.KEY_TYPE_REQUIRED, failure.getStatus().getDescription());
    }
    assertEquals(Status.Code.INVALID_ARGUMENT, failure.getStatus().getCode(), failure.toString());
  }

  private void get(Get g) {
    StatusRuntimeException failure =
        answer(() -> harness.keyManager().getPublicKey(get(g.keyId())), "GetPublicKey " + g);
    PublicKey known = generated.get(g.keyId());
    if (failure == null) {
      PublicKey key = harness.keyManager().getPublicKey(get(g.keyId())).getPublicKey();
      assertEquals(known, key, "GetPublicKey answered a key never generated: " + g);
      return;
    }
    assertBadInput(failure, "GetPublicKey " + g);
    if (g.keyId().isEmpty()) {
      assertEquals(SpireMessages.KEY_ID_REQUIRED, failure.getStatus().getDescription());
    } else {
      assertEquals(null, known, "a generated key was not found: " + g);
      assertEquals(Status.Code.NOT_FOUND, failure.getStatus().getCode());
      assertEquals("key \"" + g.keyId() + "\" not found", failure.getStatus().getDescription());
    }
  }

  private void sign(Sign s) {
    SignDataRequest.Builder request =
        SignDataRequest.newBuilder().setKeyId(s.keyId()).setData(ByteString.copyFrom(s.data()));
    if (s.opts() == 1) {
      request.setHashAlgorithmValue(s.hash());
    } else if (s.opts() == 2) {
      request.setPssOptions(
          SignDataRequest.PSSOptions.newBuilder()
              .setHashAlgorithmValue(s.hash())
              .setSaltLength(s.salt()));
    }
    SignDataResponse[] answered = new SignDataResponse[1];
    StatusRuntimeException failure =
        answer(() -> answered[0] = harness.keyManager().signData(request.build()), "SignData " + s);
    PublicKey known = generated.get(s.keyId());
    if (failure == null) {
      assertTrue(known != null, "signed with a key never generated: " + s.keyId());
      assertEquals(known.getFingerprint(), answered[0].getKeyFingerprint());
      assertTrue(!answered[0].getSignature().isEmpty());
      return;
    }
    assertBadInput(failure, "SignData " + s);
    if (s.keyId().isEmpty()) {
      assertEquals(SpireMessages.KEY_ID_REQUIRED, failure.getStatus().getDescription());
    } else if (s.opts() == 0) {
      // the request names no signer options: malformed whatever the key
      assertEquals(SpireMessages.SIGNER_OPTS_REQUIRED, failure.getStatus().getDescription());
    } else if (!s.keyId().isEmpty() && known == null) {
      assertEquals(Status.Code.NOT_FOUND, failure.getStatus().getCode(), failure.toString());
    } else {
      assertEquals(Status.Code.INVALID_ARGUMENT, failure.getStatus().getCode(), failure.toString());
    }
  }

  private void getAll() {
    StatusRuntimeException failure =
        answer(
            () -> harness.keyManager().getPublicKeys(GetPublicKeysRequest.getDefaultInstance()),
            "GetPublicKeys");
    assertEquals(null, failure);
    List<PublicKey> keys =
        harness
            .keyManager()
            .getPublicKeys(GetPublicKeysRequest.getDefaultInstance())
            .getPublicKeysList();
    assertEquals(Set.copyOf(generated.values()), Set.copyOf(keys));
  }

  private static GetPublicKeyRequest get(String keyId) {
    return GetPublicKeyRequest.newBuilder().setKeyId(keyId).build();
  }

  /** Runs one RPC within the bound: null when it succeeded, its status failure otherwise. */
  private StatusRuntimeException answer(Supplier<?> rpc, String what) {
    Future<?> call = caller.submit(rpc::get);
    try {
      call.get(BOUND_SECONDS, TimeUnit.SECONDS);
      return null;
    } catch (TimeoutException e) {
      call.cancel(true);
      return fail(what + " did not answer within " + BOUND_SECONDS + " s");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        return status;
      }
      return fail(what + " failed with " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(what + " interrupted");
    }
  }

  private static void assertBadInput(StatusRuntimeException failure, String what) {
    Status status = failure.getStatus();
    assertTrue(
        BAD_INPUT_CODES.contains(status.getCode()),
        what + " failed with " + status.getCode() + ": " + status.getDescription());
    assertTrue(
        status.getDescription() != null && !status.getDescription().isBlank(),
        what + " failed without a message");
  }

  /** One to eight calls: generations and signatures most, lookups and listings less. */
  static List<Call> calls(Random random) {
    return RandomCases.listOf(
        random,
        1,
        8,
        r -> {
          int pick = r.nextInt(9);
          if (pick < 3) {
            return generate(r);
          } else if (pick < 6) {
            return sign(r);
          } else if (pick < 8) {
            return new Get(keyId(r));
          }
          return new GetAll();
        });
  }

  /** Key ids SPIRE uses, look-alikes, and text of any kind and length. */
  static String keyId(Random random) {
    return switch (random.nextInt(4)) {
      case 0 ->
          RandomCases.oneOf(
              random,
              "x509-CA-A",
              "JWT-Signer-B",
              "bundle-acme-example.org+rsa",
              "",
              " ",
              "a/b",
              "../x509-CA-A",
              "x509-CA-A/",
              "_2e",
              "a_2eb",
              "a.b",
              "\u0000",
              "k\u202eey",
              "\uD83D\uDD11",
              "\uFEFFx509-CA-A",
              "x".repeat(200),
              "y".repeat(70_000));
      case 1 -> RandomCases.anyString(random, 0, 40);
      case 2 -> RandomCases.alphanumeric(random, "-_.+", 1, 40);
      default -> RandomCases.anyString(random, 1, 300);
    };
  }

  /** Key type numbers: the four types, unset, and any other number (RSA-4096 left out: slow). */
  private static int keyType(Random random) {
    if (random.nextBoolean()) {
      return RandomCases.oneOf(
          random,
          KeyType.EC_P256_VALUE,
          KeyType.EC_P384_VALUE,
          KeyType.RSA_2048_VALUE,
          KeyType.UNSPECIFIED_KEY_TYPE_VALUE,
          5,
          -1,
          Integer.MAX_VALUE,
          Integer.MIN_VALUE);
    }
    int any = RandomCases.anyInt(random);
    return any == KeyType.RSA_4096_VALUE ? KeyType.EC_P256_VALUE : any;
  }

  /** Ids for generations and signatures: a few reused ones, so that later calls find keys. */
  private static String reusedOrAnyKeyId(Random random) {
    return random.nextBoolean()
        ? RandomCases.oneOf(random, "x509-CA-A", "JWT-Signer-B", "a.b+c")
        : keyId(random);
  }

  private static Call generate(Random random) {
    return new Generate(reusedOrAnyKeyId(random), keyType(random));
  }

  /** Hash numbers (Go crypto.Hash): defined ones, SHA1 (3), MD5SHA1 (8), and any other. */
  private static int hash(Random random) {
    return random.nextBoolean()
        ? RandomCases.oneOf(
            random, 0, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, -1, Integer.MAX_VALUE)
        : RandomCases.anyInt(random);
  }

  private static Call sign(Random random) {
    String keyId = reusedOrAnyKeyId(random);
    byte[] data =
        random.nextBoolean()
            ? RandomCases.bytesOfSize(random, RandomCases.oneOf(random, 32, 48, 64, 28, 0, 1, 4096))
            : RandomCases.bytes(random, 100);
    int opts = RandomCases.between(random, 0, 2);
    int hash = hash(random);
    int salt =
        random.nextBoolean()
            ? RandomCases.oneOf(random, -1, 0, 32, 48, 64, -2)
            : RandomCases.anyInt(random);
    return new Sign(keyId, data, opts, hash, salt);
  }
}
