package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyStoreException.Kind;
import dev.spirekms.localkms.FakeKmsClient;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasResponse;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SignResponse;

class KmsKeyStoreTest {
  // each task on its own thread: the common pool may have a single thread on a small machine
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    pool.shutdownNow();
  }

  private static final String TD = "example.org";
  private static final String SERVER = "11111111-2222-3333-4444-555555555555";

  private final KmsModel model = KmsModel.builder().withAwsManagedAliases().build();
  private final FakeKmsClient kms = new FakeKmsClient(model);
  private final RecordingDeletionQueue deletions = new RecordingDeletionQueue();

  private KmsKeyStore open(String serverId, int concurrency) {
    KeyStoreSettings settings =
        new KeyStoreSettings(
            new KeyNaming(TD, serverId), KeyPolicySource.fixed("{\"Version\":\"2012-10-17\"}"), Map.of(), concurrency);
    return KmsKeyStore.open(kms, settings, deletions);
  }

  private KmsKeyStore open() {
    return open(SERVER, 8);
  }

  private static byte[] sha256(String text) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(text.getBytes());
  }

  @Test
  void generateCreatesKeyWithUpstreamNamesAndAlias() {
    KmsKeyStore store = open();
    KeyEntry entry = store.generate("x509-CA-A", SpireKeyType.EC_P256);

    CreateKeyRequest create = model.requests("CreateKey", CreateKeyRequest.class).get(0);
    assertEquals("SPIRE_SERVER_KEY/example_org/x509-CA-A", create.description());
    assertEquals(KeyUsageType.SIGN_VERIFY, create.keyUsage());
    assertEquals(KeySpec.ECC_NIST_P256, create.keySpec());
    assertEquals("{\"Version\":\"2012-10-17\"}", create.policy());
    String alias = "alias/SPIRE_SERVER/example_org/" + SERVER + "/x509-CA-A";
    assertEquals(alias, entry.aliasName());
    assertEquals(entry.keyArn(), model.key(alias).arn());
    assertArrayEquals(model.publicKey(entry.keyArn()).getEncoded(), entry.pkixDer());
    assertEquals(Fingerprints.of(entry.pkixDer()), entry.fingerprint());
    assertEquals(64, entry.fingerprint().length());
    assertEquals(Optional.of(entry), store.get("x509-CA-A"));
    assertTrue(store.holds(entry.keyArn()));
    assertTrue(deletions.items().isEmpty());
  }

  @Test
  void tagsGoOnEveryNewKeyAndPolicyCanBeAbsent() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("team", "platform");
    tags.put("cost-center", "42");
    KeyPolicySource none =
        new KeyPolicySource() {
          @Override
          public Optional<String> policy() {
            return Optional.empty();
          }
        };
    KmsKeyStore store =
        KmsKeyStore.open(kms, new KeyStoreSettings(new KeyNaming(TD, SERVER), none, tags, 1), deletions);
    KeyEntry entry = store.generate("JWT-Signer-A", SpireKeyType.EC_P384);
    assertEquals(tags, model.tags(entry.keyArn()));
    assertEquals(null, model.requests("CreateKey", CreateKeyRequest.class).get(0).policy());
  }

  @Test
  void rotationRepointsAliasAndQueuesOldKey() {
    KmsKeyStore store = open();
    KeyEntry first = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    KeyEntry second = store.generate("x509-CA-A", SpireKeyType.RSA_2048);
    assertNotEquals(first.fingerprint(), second.fingerprint());
    assertEquals(second.keyArn(), model.key(second.aliasName()).arn());
    assertEquals(1, model.callCount("CreateAlias"));
    assertEquals(1, model.callCount("UpdateAlias"));
    assertEquals(List.of(first.keyArn()), deletions.keyArns());
    assertEquals(SpireKeyType.RSA_2048, store.require("x509-CA-A").type());
  }

  @Test
  void restartFindsTheSameKeysAndFingerprints() {
    KmsKeyStore store = open();
    for (SpireKeyType type : SpireKeyType.values()) {
      store.generate("key-" + type, type);
    }
    store.generate("bundle-acme-foo.bar+rsa", SpireKeyType.EC_P256);
    KmsKeyStore restarted = open();
    assertEquals(store.all(), restarted.all());
    assertEquals(5, restarted.all().size());
    assertEquals("bundle-acme-foo.bar+rsa", restarted.require("bundle-acme-foo.bar+rsa").spireKeyId());
  }

  @Test
  void discoveryKeepsOnlyThisServersPrefix() {
    open("other-server", 8).generate("x509-CA-A", SpireKeyType.EC_P256);
    open(SERVER + "x", 8).generate("x509-CA-A", SpireKeyType.EC_P256);
    KmsKeyStore otherTd =
        KmsKeyStore.open(
            kms,
            new KeyStoreSettings(new KeyNaming("example.org.uk", SERVER), KeyPolicySource.fixed("{}"), Map.of(), 1),
            deletions);
    otherTd.generate("x509-CA-A", SpireKeyType.EC_P256);
    KmsKeyStore mine = open();
    mine.generate("JWT-Signer-A", SpireKeyType.EC_P256);
    assertEquals(List.of("JWT-Signer-A"), open().all().stream().map(KeyEntry::spireKeyId).toList());
  }

  @Test
  void discoveryPagesThroughEveryAlias() {
    KmsKeyStore store = open();
    for (int i = 0; i < 105; i++) {
      store.generate("k" + i, SpireKeyType.EC_P256);
    }
    model.clearCalls();
    KmsKeyStore restarted = open(SERVER, 4);
    assertEquals(105, restarted.all().size());
    assertTrue(model.callCount("ListAliases") >= 2, "more than 100 aliases need a second page");
    assertEquals(105, model.callCount("GetPublicKey"), "one call per key");
    assertEquals(0, model.callCount("DescribeKey"));
  }

  @Test
  void startupConcurrencyIsBounded() {
    KmsKeyStore store = open();
    for (int i = 0; i < 12; i++) {
      store.generate("k" + i, SpireKeyType.EC_P256);
    }
    Set<String> threads = ConcurrentHashMap.newKeySet();
    model
        .faults()
        .failAlwaysWhen(
            "GetPublicKey",
            GetPublicKeyRequest.class,
            r -> {
              threads.add(Thread.currentThread().getName() + "@" + Thread.currentThread().getId());
              return false;
            },
            Fault.internalError());
    open(SERVER, 3);
    assertTrue(threads.size() <= 3, "at most 3 loader threads, saw " + threads);
  }

  @Test
  void pendingDeletionKeyIsTreatedAsAbsentAndAliasIsRepointed() {
    KmsKeyStore store = open();
    KeyEntry old = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    store.generate("JWT-Signer-A", SpireKeyType.EC_P256);
    kms.scheduleKeyDeletion(b -> b.keyId(old.keyArn()).pendingWindowInDays(7));

    KmsKeyStore restarted = open();
    assertEquals(List.of("JWT-Signer-A"), restarted.all().stream().map(KeyEntry::spireKeyId).toList());
    KeyEntry fresh = restarted.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(fresh.keyArn(), model.key(old.aliasName()).arn());
    assertFalse(deletions.keyArns().contains(old.keyArn()), "the pending key is not queued again");
  }

  @Test
  void disabledKeyFailsStartupNamingAliasAndFix() {
    KmsKeyStore store = open();
    KeyEntry entry = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    kms.disableKey(b -> b.keyId(entry.keyArn()));
    KeyStoreException e = assertThrows(KeyStoreException.class, this::open);
    assertEquals(Kind.PRECONDITION, e.kind());
    assertTrue(e.getMessage().contains("found disabled SPIRE key"), e.getMessage());
    assertTrue(e.getMessage().contains(entry.aliasName()), e.getMessage());
    assertTrue(e.getMessage().contains("enable the key"), e.getMessage());
  }

  @Test
  void listAliasesFailureFailsStartup() {
    model.faults().failNext("ListAliases", 1, Fault.accessDenied());
    KeyStoreException e = assertThrows(KeyStoreException.class, this::open);
    assertEquals(Kind.PERMISSION_DENIED, e.kind());
    assertTrue(e.getMessage().startsWith("failed to fetch aliases: access denied to kms:ListAliases"), e.getMessage());
    assertTrue(e.awsRequestId().isPresent() || e.getCause() != null);
  }

  @Test
  void throttledGetPublicKeyAtStartupIsUnavailable() {
    open().generate("x509-CA-A", SpireKeyType.EC_P256);
    model.faults().failNext("GetPublicKey", 1, Fault.throttling());
    KeyStoreException e = assertThrows(KeyStoreException.class, this::open);
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().startsWith("failed to fetch aliases: failed to get public key"), e.getMessage());
  }

  @Test
  void keyInAnotherInvalidStateFailsStartup() {
    KeyEntry entry = open().generate("x509-CA-A", SpireKeyType.EC_P256);
    model.faults().failNext("GetPublicKey", 1, Fault.invalidState());
    KeyStoreException e = assertThrows(KeyStoreException.class, this::open);
    assertEquals(Kind.PRECONDITION, e.kind());
    assertTrue(e.getMessage().contains("is in state Enabled"), e.getMessage());
    assertTrue(e.getMessage().contains(entry.aliasName()), e.getMessage());
  }

  @Test
  void describeFailureAfterInvalidStateFailsStartup() {
    open().generate("x509-CA-A", SpireKeyType.EC_P256);
    model.faults().failNext("GetPublicKey", 1, Fault.invalidState());
    model.faults().failNext("DescribeKey", 1, Fault.internalError());
    KeyStoreException e = assertThrows(KeyStoreException.class, this::open);
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().startsWith("failed to fetch aliases: failed to describe key"), e.getMessage());
  }

  @Test
  void vanishedKeyIsTreatedAsAbsent() {
    open().generate("x509-CA-A", SpireKeyType.EC_P256);
    model.faults().failNext("GetPublicKey", 1, Fault.notFound());
    model.faults().failNext("DescribeKey", 1, Fault.notFound());
    assertTrue(open().all().isEmpty());
  }

  @Test
  void unsupportedKeySpecFailsStartup() {
    String arn =
        kms
            .createKey(b -> b.keySpec(KeySpec.ECC_NIST_P521).keyUsage(KeyUsageType.SIGN_VERIFY))
            .keyMetadata()
            .arn();
    kms.createAlias(b -> b.aliasName("alias/SPIRE_SERVER/example_org/" + SERVER + "/odd").targetKeyId(arn));
    KeyStoreException e = assertThrows(KeyStoreException.class, this::open);
    assertEquals(Kind.INTERNAL, e.kind());
    assertTrue(e.getMessage().contains("unsupported key spec: ECC_NIST_P521"), e.getMessage());
  }

  @Test
  void failureAfterCreateKeyQueuesTheNewKeyAtOnce() {
    KmsKeyStore store = open();
    model.faults().failNext("CreateAlias", 1, Fault.accessDenied());
    KeyStoreException e =
        assertThrows(KeyStoreException.class, () -> store.generate("x509-CA-A", SpireKeyType.EC_P256));
    assertEquals(Kind.PERMISSION_DENIED, e.kind());
    assertTrue(e.getMessage().startsWith("failed to create alias: access denied to kms:CreateAlias"), e.getMessage());
    String created = model.requests("CreateKey", CreateKeyRequest.class).size() == 1 ? model.keys().get(0).arn() : null;
    assertEquals(List.of(created), deletions.keyArns());
    assertTrue(store.get("x509-CA-A").isEmpty());
  }

  @Test
  void getPublicKeyFailureAfterCreateKeyQueuesTheNewKey() {
    KmsKeyStore store = open();
    model.faults().failNext("GetPublicKey", 1, Fault.internalError());
    KeyStoreException e =
        assertThrows(KeyStoreException.class, () -> store.generate("x509-CA-A", SpireKeyType.EC_P256));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertEquals(1, deletions.items().size());
    assertEquals(0, model.aliases().stream().filter(a -> a.aliasName().contains("SPIRE")).count());
  }

  @Test
  void updateAliasFailureKeepsTheOldKeyAndQueuesTheNewOne() {
    KmsKeyStore store = open();
    KeyEntry old = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    model.faults().failNext("UpdateAlias", 1, Fault.throttling());
    assertThrows(KeyStoreException.class, () -> store.generate("x509-CA-A", SpireKeyType.EC_P256));
    assertEquals(old, store.require("x509-CA-A"));
    assertEquals(old.keyArn(), model.key(old.aliasName()).arn());
    assertEquals(1, deletions.items().size());
    assertNotEquals(old.keyArn(), deletions.keyArns().get(0));
  }

  @Test
  void createKeyFailureQueuesNothing() {
    KmsKeyStore store = open();
    model.faults().failNext("CreateKey", 1, Fault.limitExceeded());
    KeyStoreException e =
        assertThrows(KeyStoreException.class, () -> store.generate("x509-CA-A", SpireKeyType.EC_P256));
    assertTrue(e.getMessage().startsWith("failed to create key: "), e.getMessage());
    assertTrue(deletions.items().isEmpty());
  }

  @Test
  void aliasMadeByAnotherServerWithTheSameIdIsRepointedWithoutDeletingItsKey() {
    KmsKeyStore a = open();
    KmsKeyStore b = open();
    KeyEntry fromA = a.generate("x509-CA-A", SpireKeyType.EC_P256);
    KeyEntry fromB = b.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(fromB.keyArn(), model.key(fromA.aliasName()).arn());
    assertTrue(deletions.items().isEmpty(), "the other server may still use its key");
  }

  @Test
  void signMakesExactlyOneKmsCallWithDigestAndVerifies() throws Exception {
    KmsKeyStore store = open();
    KeyEntry entry = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    model.clearCalls();
    byte[] digest = sha256("hello");
    KmsKeyStore.Signature signature = store.sign("x509-CA-A", digest, SignerOptions.pkcs1(5));
    assertEquals(1, model.calls().size());
    SignRequest request = model.requests("Sign", SignRequest.class).get(0);
    assertEquals("DIGEST", request.messageTypeAsString());
    assertEquals(entry.keyArn(), request.keyId());
    assertEquals(entry.fingerprint(), signature.keyFingerprint());
    PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(entry.pkixDer()));
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update("hello".getBytes());
    assertTrue(verifier.verify(signature.bytes()));
  }

  @Test
  void signUnknownKeyIsNotFound() {
    KeyStoreException e =
        assertThrows(KeyStoreException.class, () -> open().sign("nope", new byte[32], SignerOptions.pkcs1(5)));
    assertEquals(Kind.KEY_NOT_FOUND, e.kind());
    assertEquals("key \"nope\" not found", e.getMessage());
  }

  @Test
  void signFailuresAreMapped() {
    KmsKeyStore store = open();
    store.generate("x509-CA-A", SpireKeyType.EC_P256);
    model.faults().failNext("Sign", 1, Fault.throttling());
    KeyStoreException throttled =
        assertThrows(KeyStoreException.class, () -> store.sign("x509-CA-A", new byte[32], SignerOptions.pkcs1(5)));
    assertEquals(Kind.UNAVAILABLE, throttled.kind());
    assertTrue(throttled.getMessage().startsWith("failed to sign: kms:Sign was throttled"), throttled.getMessage());
    model.faults().failNext("Sign", 1, Fault.disabled());
    KeyStoreException disabled =
        assertThrows(KeyStoreException.class, () -> store.sign("x509-CA-A", new byte[32], SignerOptions.pkcs1(5)));
    assertEquals(Kind.PRECONDITION, disabled.kind());
    model.faults().failNext("Sign", 1, Fault.timeout());
    assertEquals(
        Kind.UNAVAILABLE,
        assertThrows(KeyStoreException.class, () -> store.sign("x509-CA-A", new byte[32], SignerOptions.pkcs1(5)))
            .kind());
  }

  /** Passes calls to the fake, holding CreateKey until released. */
  private static final class GatedKms implements KmsClient {
    private final KmsClient delegate;
    final CountDownLatch createStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    GatedKms(KmsClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public CreateKeyResponse createKey(CreateKeyRequest request) {
      createStarted.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return delegate.createKey(request);
    }

    @Override
    public GetPublicKeyResponse getPublicKey(GetPublicKeyRequest request) {
      return delegate.getPublicKey(request);
    }

    @Override
    public CreateAliasResponse createAlias(CreateAliasRequest request) {
      return delegate.createAlias(request);
    }

    @Override
    public ListAliasesResponse listAliases(ListAliasesRequest request) {
      return delegate.listAliases(request);
    }

    @Override
    public SignResponse sign(SignRequest request) {
      return delegate.sign(request);
    }

    @Override
    public String serviceName() {
      return delegate.serviceName();
    }

    @Override
    public void close() {}
  }

  @Test
  void generatingOneKeyNeverStallsSigningWithAnother() throws Exception {
    open().generate("JWT-Signer-A", SpireKeyType.EC_P256);
    GatedKms gated = new GatedKms(kms);
    KmsKeyStore store =
        KmsKeyStore.open(
            gated,
            new KeyStoreSettings(new KeyNaming(TD, SERVER), KeyPolicySource.fixed("{}"), Map.of(), 2),
            deletions);
    CompletableFuture<KeyEntry> rotation =
        CompletableFuture.supplyAsync(() -> store.generate("x509-CA-A", SpireKeyType.EC_P256), pool);
    assertTrue(gated.createStarted.await(10, TimeUnit.SECONDS));
    CompletableFuture<KmsKeyStore.Signature> signing =
        CompletableFuture.supplyAsync(
            () -> store.sign("JWT-Signer-A", new byte[32], SignerOptions.pkcs1(5)), pool);
    KmsKeyStore.Signature signature = signing.get(5, TimeUnit.SECONDS);
    assertEquals(store.require("JWT-Signer-A").fingerprint(), signature.keyFingerprint());
    assertFalse(rotation.isDone(), "the rotation is still waiting on CreateKey");
    assertEquals(List.of("JWT-Signer-A"), store.all().stream().map(KeyEntry::spireKeyId).toList());
    gated.release.countDown();
    assertEquals("x509-CA-A", rotation.get(10, TimeUnit.SECONDS).spireKeyId());
  }

  @Test
  void awsManagedAliasesWithoutTargetsAreSkipped() {
    assertTrue(model.aliases().stream().anyMatch(a -> a.targetKeyId() == null));
    assertTrue(open().all().isEmpty());
  }

  @Test
  void aKeyIdTooLongForAnAliasIsRefusedBeforeAnyKeyIsMade() {
    KmsKeyStore store = open();
    String keyId = "bundle-acme-" + "a.".repeat(80) + "example.org";
    KeyStoreException e =
        assertThrows(KeyStoreException.class, () -> store.generate(keyId, SpireKeyType.EC_P256));
    assertEquals(Kind.INVALID_REQUEST, e.kind());
    assertTrue(e.getMessage().contains("KMS allows 256"), e.getMessage());
    assertEquals(0, model.callCount("CreateKey"));
  }

  @Test
  void aVanishedAliasIsCreatedAgainOnRotation() {
    KmsKeyStore store = open();
    KeyEntry first = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    kms.deleteAlias(b -> b.aliasName(first.aliasName()));
    KeyEntry second = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(second.keyArn(), model.key(first.aliasName()).arn());
    assertEquals(1, model.callCount("UpdateAlias"));
    assertEquals(2, model.callCount("CreateAlias"));
  }

  @Test
  void aVanishedAliasThatCannotBeCreatedFailsTheRotation() {
    KmsKeyStore store = open();
    KeyEntry first = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    kms.deleteAlias(b -> b.aliasName(first.aliasName()));
    model.faults().failNext("CreateAlias", 1, Fault.accessDenied());
    KeyStoreException e =
        assertThrows(KeyStoreException.class, () -> store.generate("x509-CA-A", SpireKeyType.EC_P256));
    assertTrue(e.getMessage().startsWith("failed to create alias"), e.getMessage());
  }
}
