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
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

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
  // what this property's plugin holds: key id -> the public key last generated for it
  private final Map<String, PublicKey> generated = new HashMap<>();

  @AfterProperty
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

  @Property(tries = 150)
  void everyRequestAnswersInTimeWithATypedStatus(@ForAll("calls") List<Call> calls) {
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

  @Provide
  Arbitrary<List<Call>> calls() {
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, generates()),
            net.jqwik.api.Tuple.of(3, signs()),
            net.jqwik.api.Tuple.of(2, keyIds().map(id -> (Call) new Get(id))),
            net.jqwik.api.Tuple.of(1, Arbitraries.just((Call) new GetAll())))
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  /** Key ids SPIRE uses, look-alikes, and text of any kind and length. */
  static Arbitrary<String> keyIds() {
    return Arbitraries.oneOf(
        Arbitraries.of(
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
            "y".repeat(70_000)),
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.strings().alpha().numeric().withChars("-_.+").ofMinLength(1).ofMaxLength(40),
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(300));
  }

  /** Key type numbers: the four types, unset, and any other number (RSA-4096 left out: slow). */
  private static Arbitrary<Integer> keyTypes() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            KeyType.EC_P256_VALUE,
            KeyType.EC_P384_VALUE,
            KeyType.RSA_2048_VALUE,
            KeyType.UNSPECIFIED_KEY_TYPE_VALUE,
            5,
            -1,
            Integer.MAX_VALUE,
            Integer.MIN_VALUE),
        Arbitraries.integers().filter(t -> t != KeyType.RSA_4096_VALUE));
  }

  private Arbitrary<Call> generates() {
    // most generations reuse a few ids, so that later calls find keys (and overwrite them)
    Arbitrary<String> ids =
        Arbitraries.oneOf(Arbitraries.of("x509-CA-A", "JWT-Signer-B", "a.b+c"), keyIds());
    return Combinators.combine(ids, keyTypes()).as(Generate::new);
  }

  /** Hash numbers (Go crypto.Hash): defined ones, SHA1 (3), MD5SHA1 (8), and any other. */
  private static Arbitrary<Integer> hashes() {
    return Arbitraries.oneOf(
        Arbitraries.of(0, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, -1, Integer.MAX_VALUE),
        Arbitraries.integers());
  }

  private Arbitrary<Call> signs() {
    Arbitrary<String> ids =
        Arbitraries.oneOf(Arbitraries.of("x509-CA-A", "JWT-Signer-B", "a.b+c"), keyIds());
    Arbitrary<byte[]> data =
        Arbitraries.oneOf(
            Arbitraries.of(32, 48, 64, 28, 0, 1, 4096)
                .flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n)),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(100));
    Arbitrary<Integer> salts =
        Arbitraries.oneOf(Arbitraries.of(-1, 0, 32, 48, 64, -2), Arbitraries.integers());
    return Combinators.combine(ids, data, Arbitraries.integers().between(0, 2), hashes(), salts)
        .as(Sign::new);
  }
}
