package dev.spirekms.localkms;

import static dev.spirekms.localkms.Fixtures.START;
import static dev.spirekms.localkms.Fixtures.assertKmsError;
import static dev.spirekms.localkms.Fixtures.createKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EnableKeyRequest;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.ListResourceTagsRequest;
import software.amazon.awssdk.services.kms.model.ListResourceTagsResponse;
import software.amazon.awssdk.services.kms.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagException;
import software.amazon.awssdk.services.kms.model.TagResourceRequest;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

class KmsModelKeysTest {
  private final SteppingClock clock = Fixtures.clock();
  private final KmsModel model = Fixtures.model(clock);

  @Test
  void createKeyReturnsMetadataLikeKms() {
    KeyMetadata key =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P384)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .description("SPIRE_SERVER_KEY/example_org/x509-CA-A")
                    .build())
            .keyMetadata();

    assertTrue(key.keyId().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    assertEquals("arn:aws:kms:us-east-1:111122223333:key/" + key.keyId(), key.arn());
    assertEquals("111122223333", key.awsAccountId());
    assertEquals(START.truncatedTo(ChronoUnit.MILLIS), key.creationDate());
    assertEquals(KeyState.ENABLED, key.keyState());
    assertTrue(key.enabled());
    assertEquals("SPIRE_SERVER_KEY/example_org/x509-CA-A", key.description());
    assertEquals(KeySpec.ECC_NIST_P384, key.keySpec());
    assertEquals(KeyUsageType.SIGN_VERIFY, key.keyUsage());
    assertEquals(List.of(SigningAlgorithmSpec.ECDSA_SHA_384), key.signingAlgorithms());
    assertEquals(OriginType.AWS_KMS, key.origin());
    assertEquals(KeyManagerType.CUSTOMER, key.keyManager());
    assertFalse(key.multiRegion());
    assertNull(key.deletionDate());
    assertNull(key.pendingDeletionWindowInDays());
  }

  @Test
  void regionAndAccountComeFromTheBuilder() {
    KmsModel other = KmsModel.builder().region("eu-west-1").accountId("123456789012").build();
    KeyMetadata key = createKey(other);
    assertEquals("arn:aws:kms:eu-west-1:123456789012:key/" + key.keyId(), key.arn());
    assertEquals("eu-west-1", other.region());
    assertEquals("123456789012", other.accountId());
    assertThrows(IllegalArgumentException.class, () -> KmsModel.builder().accountId("12345"));
    assertThrows(IllegalArgumentException.class, () -> KmsModel.builder().region("EU WEST"));
  }

  @Test
  void builderChecksItsArguments() {
    assertThrows(IllegalArgumentException.class, () -> KmsModel.builder().maxKeys(-1));
    assertThrows(NullPointerException.class, () -> KmsModel.builder().clock(null));
    assertEquals(clock, model.clock());
    assertEquals(KmsModel.DEFAULT_REGION, KmsModel.create().region());
    assertEquals(KmsModel.DEFAULT_ACCOUNT_ID, KmsModel.create().accountId());
  }

  @Test
  void eachKeyHasItsOwnIdAndKeyPair() {
    KeyMetadata a = createKey(model);
    KeyMetadata b = createKey(model);
    assertNotEquals(a.keyId(), b.keyId());
    assertNotEquals(model.publicKey(a.keyId()), model.publicKey(b.keyId()));
    assertEquals(2, model.keys().size());
  }

  @Test
  void descriptionDefaultsToEmpty() {
    KeyMetadata key =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .build())
            .keyMetadata();
    assertEquals("", key.description());
  }

  @ParameterizedTest
  @CsvSource({
    "ECC_NIST_P256, EC, 256",
    "ECC_NIST_P384, EC, 384",
    "ECC_NIST_P521, EC, 521",
    "RSA_2048, RSA, 2048",
    "RSA_3072, RSA, 3072",
    "RSA_4096, RSA, 4096"
  })
  void getPublicKeyReturnsPkixDerOfTheRightSize(KeySpec spec, String algorithm, int bits)
      throws Exception {
    KeyMetadata key = createKey(model, spec);

    GetPublicKeyResponse response =
        model.getPublicKey(GetPublicKeyRequest.builder().keyId(key.keyId()).build());

    var publicKey =
        KeyFactory.getInstance(algorithm)
            .generatePublic(new X509EncodedKeySpec(response.publicKey().asByteArray()));
    int size =
        publicKey instanceof RSAPublicKey rsa
            ? rsa.getModulus().bitLength()
            : ((ECPublicKey) publicKey).getParams().getCurve().getField().getFieldSize();
    assertEquals(bits, size);
    assertEquals(model.publicKey(key.keyId()), publicKey);
    assertEquals(key.arn(), response.keyId());
    assertEquals(spec, response.keySpec());
    assertEquals(KeyUsageType.SIGN_VERIFY, response.keyUsage());
    assertEquals(key.signingAlgorithms(), response.signingAlgorithms());
    assertEquals(algorithm.equals("RSA") ? 6 : 1, response.signingAlgorithms().size());
  }

  @Test
  void rsaKeysMayBeForEncryption() {
    KeyMetadata key =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.RSA_2048)
                    .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                    .build())
            .keyMetadata();
    assertEquals(KeyUsageType.ENCRYPT_DECRYPT, key.keyUsage());
    assertEquals(
        List.of(
            EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1, EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256),
        key.encryptionAlgorithms());
    assertFalse(key.hasSigningAlgorithms());
    GetPublicKeyResponse response =
        model.getPublicKey(GetPublicKeyRequest.builder().keyId(key.arn()).build());
    assertEquals(key.encryptionAlgorithms(), response.encryptionAlgorithms());
    assertFalse(response.hasSigningAlgorithms());
  }

  @Test
  @SuppressWarnings("deprecation") // CustomerMasterKeySpec is deprecated but KMS accepts it
  void createKeyRejectsWhatKmsRejects() {
    // ECC keys cannot use the default KeyUsage ENCRYPT_DECRYPT.
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> model.createKey(CreateKeyRequest.builder().keySpec(KeySpec.ECC_NIST_P256).build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () ->
            model.createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.RSA_2048)
                    .keyUsage(KeyUsageType.GENERATE_VERIFY_MAC)
                    .build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () ->
            model.createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.RSA_2048)
                    .customerMasterKeySpec("RSA_2048")
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> model.createKey(CreateKeyRequest.builder().keySpec("RSA_1024").build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () ->
            model.createKey(
                CreateKeyRequest.builder().keySpec(KeySpec.RSA_2048).keyUsage("SIGN").build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () ->
            model.createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.RSA_2048)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .description("d".repeat(8193))
                    .build()));
    assertTrue(model.keys().isEmpty());
  }

  @Test
  void whatTheLocalKmsDoesNotImplementIsUnsupportedOperation() {
    assertKmsError(
        UnsupportedOperationException.class,
        "UnsupportedOperationException",
        () -> model.createKey(CreateKeyRequest.builder().build()));
    assertKmsError(
        UnsupportedOperationException.class,
        "UnsupportedOperationException",
        () ->
            model.createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.KEY_AGREEMENT)
                    .build()));
    for (CreateKeyRequest.Builder request :
        List.of(
            CreateKeyRequest.builder().origin(OriginType.EXTERNAL),
            CreateKeyRequest.builder().customKeyStoreId("cks-1234567890abcdef0"))) {
      assertKmsError(
          UnsupportedOperationException.class,
          "UnsupportedOperationException",
          () ->
              model.createKey(
                  request.keySpec(KeySpec.RSA_2048).keyUsage(KeyUsageType.SIGN_VERIFY).build()));
    }
  }

  @Test
  @SuppressWarnings("deprecation") // CustomerMasterKeySpec is deprecated but KMS accepts it
  void legacyCustomerMasterKeySpecStillWorks() {
    KeyMetadata key =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .customerMasterKeySpec("ECC_NIST_P256")
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .build())
            .keyMetadata();
    assertEquals(KeySpec.ECC_NIST_P256, key.keySpec());
  }

  @Test
  void policyMustBeJson() {
    String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
    KeyMetadata key =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .policy(policy)
                    .build())
            .keyMetadata();
    assertEquals(policy, model.policy(key.keyId()).orElseThrow());
    assertTrue(model.policy(createKey(model).keyId()).isEmpty());

    for (String bad : List.of("not json", "{\"a\":", "[]", "{a:1}", "{} {}")) {
      assertKmsError(
          MalformedPolicyDocumentException.class,
          "MalformedPolicyDocumentException",
          () ->
              model.createKey(
                  CreateKeyRequest.builder()
                      .keySpec(KeySpec.ECC_NIST_P256)
                      .keyUsage(KeyUsageType.SIGN_VERIFY)
                      .policy(bad)
                      .build()));
    }
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () ->
            model.createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .policy("")
                    .build()));
    assertEquals(2, model.keys().size());
  }

  @Test
  void createKeyStoresTagsAndTagResourceMergesThem() {
    KeyMetadata key =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .tags(tag("spire-server-td", "example.org"), tag("spire-active", "true"))
                    .build())
            .keyMetadata();
    assertEquals(
        Map.of("spire-server-td", "example.org", "spire-active", "true"), model.tags(key.arn()));

    model.tagResource(
        TagResourceRequest.builder()
            .keyId(key.keyId())
            .tags(tag("spire-active", "false"), tag("owner", ""))
            .build());

    assertEquals(
        Map.of("spire-server-td", "example.org", "spire-active", "false", "owner", ""),
        model.tags(key.keyId()));
    ListResourceTagsResponse listed =
        model.listResourceTags(ListResourceTagsRequest.builder().keyId(key.arn()).build());
    assertEquals(
        List.of("owner", "spire-active", "spire-server-td"),
        listed.tags().stream().map(Tag::tagKey).toList());
    assertFalse(listed.truncated());
  }

  @Test
  void tagRulesAreEnforced() {
    String keyId = createKey(model).keyId();
    for (Tag bad :
        List.of(
            tag("aws:reserved", "x"),
            tag("AWS:reserved", "x"),
            tag("", "x"),
            tag("k".repeat(129), "x"),
            tag("key", "v".repeat(257)))) {
      assertKmsError(
          TagException.class,
          "TagException",
          () -> model.tagResource(TagResourceRequest.builder().keyId(keyId).tags(bad).build()));
    }
    assertKmsError(
        TagException.class,
        "TagException",
        () ->
            model.tagResource(
                TagResourceRequest.builder()
                    .keyId(keyId)
                    .tags(tag("same", "1"), tag("same", "2"))
                    .build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () ->
            model.tagResource(
                TagResourceRequest.builder()
                    .keyId(keyId)
                    .tags(Tag.builder().tagKey("no-value").build())
                    .build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> model.tagResource(TagResourceRequest.builder().keyId(keyId).build()));

    List<Tag> fifty = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fifty.add(tag("k" + i, "v"));
    }
    model.tagResource(TagResourceRequest.builder().keyId(keyId).tags(fifty).build());
    // Replacing a value stays within the quota; a 51st key does not.
    model.tagResource(TagResourceRequest.builder().keyId(keyId).tags(tag("k0", "new")).build());
    assertKmsError(
        LimitExceededException.class,
        "LimitExceededException",
        () ->
            model.tagResource(
                TagResourceRequest.builder().keyId(keyId).tags(tag("k50", "v")).build()));
    assertEquals(50, model.tags(keyId).size());
    assertEquals("new", model.tags(keyId).get("k0"));
  }

  @Test
  void listResourceTagsPages() {
    String keyId = createKey(model).keyId();
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      tags.add(tag("key-" + i, "value-" + i));
    }
    model.tagResource(TagResourceRequest.builder().keyId(keyId).tags(tags).build());

    List<String> seen = new ArrayList<>();
    String marker = null;
    do {
      ListResourceTagsResponse page =
          model.listResourceTags(
              ListResourceTagsRequest.builder().keyId(keyId).limit(3).marker(marker).build());
      page.tags().forEach(t -> seen.add(t.tagKey()));
      marker = page.truncated() ? page.nextMarker() : null;
    } while (marker != null);

    assertEquals(tags.stream().map(Tag::tagKey).toList(), seen);
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () ->
            model.listResourceTags(
                ListResourceTagsRequest.builder().keyId(keyId).limit(51).build()));
  }

  @Test
  void describeKeyAcceptsEveryKeyIdForm() {
    KeyMetadata key = createKey(model);
    model.createAlias(
        CreateAliasRequest.builder().aliasName("alias/example").targetKeyId(key.keyId()).build());

    for (String keyId :
        List.of(
            key.keyId(),
            key.arn(),
            "alias/example",
            "arn:aws:kms:us-east-1:111122223333:alias/example")) {
      KeyMetadata described =
          model.describeKey(DescribeKeyRequest.builder().keyId(keyId).build()).keyMetadata();
      assertEquals(key, described, keyId);
    }
  }

  @Test
  void describeKeyErrorsAreKmsErrors() {
    String unknownId = "0d5b2a36-5d1f-4f57-9d4e-2f1b1c1f0e9a";
    NotFoundException e =
        assertKmsError(
            NotFoundException.class,
            "NotFoundException",
            () -> model.describeKey(DescribeKeyRequest.builder().keyId(unknownId).build()));
    assertEquals(
        "Key 'arn:aws:kms:us-east-1:111122223333:key/" + unknownId + "' does not exist",
        e.awsErrorDetails().errorMessage());
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> model.describeKey(DescribeKeyRequest.builder().keyId("not-a-key").build()));
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> model.describeKey(DescribeKeyRequest.builder().keyId("alias/missing").build()));
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () ->
            model.describeKey(
                DescribeKeyRequest.builder()
                    .keyId("arn:aws:kms:eu-west-1:111122223333:key/" + unknownId)
                    .build()));
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () ->
            model.describeKey(
                DescribeKeyRequest.builder()
                    .keyId("arn:aws:kms:us-east-1:999999999999:alias/example")
                    .build()));
    for (String arn :
        List.of(
            "arn:aws:kms:us-east-1:111122223333",
            "arn:aws:s3:us-east-1:111122223333:key/" + unknownId,
            "arn:aws:kms:us-east-1:1234:key/" + unknownId,
            "arn:aws:kms::111122223333:key/" + unknownId,
            "arn:aws:kms:us-east-1:111122223333:grant/" + unknownId)) {
      assertKmsError(
          InvalidArnException.class,
          "InvalidArnException",
          () -> model.describeKey(DescribeKeyRequest.builder().keyId(arn).build()));
    }
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> model.describeKey(DescribeKeyRequest.builder().build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> model.describeKey(DescribeKeyRequest.builder().keyId("").build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> model.describeKey(DescribeKeyRequest.builder().keyId("x".repeat(2049)).build()));
  }

  @Test
  void disabledKeysCannotBeUsedButCanBeDescribed() {
    KeyMetadata key = createKey(model);
    model.disableKey(DisableKeyRequest.builder().keyId(key.keyId()).build());

    assertEquals(KeyState.DISABLED, model.keyState(key.keyId()));
    KeyMetadata described =
        model.describeKey(DescribeKeyRequest.builder().keyId(key.arn()).build()).keyMetadata();
    assertFalse(described.enabled());
    DisabledException e =
        assertKmsError(
            DisabledException.class,
            "DisabledException",
            () -> model.getPublicKey(GetPublicKeyRequest.builder().keyId(key.keyId()).build()));
    assertEquals(key.arn() + " is disabled.", e.awsErrorDetails().errorMessage());
    assertKmsError(DisabledException.class, "DisabledException", () -> sign(key.keyId()));

    model.enableKey(EnableKeyRequest.builder().keyId(key.arn()).build());
    assertEquals(KeyState.ENABLED, model.keyState(key.keyId()));
    sign(key.keyId());
  }

  @Test
  void scheduleKeyDeletionDefaultsToThirtyDays() {
    KeyMetadata key = createKey(model);
    clock.advance(Duration.ofHours(1));

    ScheduleKeyDeletionResponse response =
        model.scheduleKeyDeletion(ScheduleKeyDeletionRequest.builder().keyId(key.arn()).build());

    var expectedDate = clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofDays(30));
    assertEquals(key.arn(), response.keyId());
    assertEquals(KeyState.PENDING_DELETION, response.keyState());
    assertEquals(30, response.pendingWindowInDays());
    assertEquals(expectedDate, response.deletionDate());
    KeyMetadata described =
        model.describeKey(DescribeKeyRequest.builder().keyId(key.keyId()).build()).keyMetadata();
    assertEquals(KeyState.PENDING_DELETION, described.keyState());
    assertFalse(described.enabled());
    assertEquals(expectedDate, described.deletionDate());
    assertEquals(30, described.pendingDeletionWindowInDays());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 6, 31, 365})
  void pendingWindowOutsideSevenToThirtyDaysIsRejected(int days) {
    String keyId = createKey(model).keyId();
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () ->
            model.scheduleKeyDeletion(
                ScheduleKeyDeletionRequest.builder()
                    .keyId(keyId)
                    .pendingWindowInDays(days)
                    .build()));
    assertEquals(KeyState.ENABLED, model.keyState(keyId));
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 30})
  void pendingWindowBoundsAreAccepted(int days) {
    String keyId = createKey(model).keyId();
    var response =
        model.scheduleKeyDeletion(
            ScheduleKeyDeletionRequest.builder().keyId(keyId).pendingWindowInDays(days).build());
    assertEquals(days, response.pendingWindowInDays());
  }

  @Test
  void keysPendingDeletionRejectWhatKmsRejects() {
    KeyMetadata key = createKey(model);
    schedule(key.keyId(), 7);

    KmsInvalidStateException e =
        assertKmsError(
            KmsInvalidStateException.class,
            "KMSInvalidStateException",
            () -> schedule(key.keyId(), 7));
    assertEquals(key.arn() + " is pending deletion.", e.awsErrorDetails().errorMessage());
    assertKmsError(
        KmsInvalidStateException.class,
        "KMSInvalidStateException",
        () -> model.getPublicKey(GetPublicKeyRequest.builder().keyId(key.keyId()).build()));
    assertKmsError(
        KmsInvalidStateException.class, "KMSInvalidStateException", () -> sign(key.keyId()));
    assertKmsError(
        KmsInvalidStateException.class,
        "KMSInvalidStateException",
        () -> model.disableKey(DisableKeyRequest.builder().keyId(key.keyId()).build()));
    assertKmsError(
        KmsInvalidStateException.class,
        "KMSInvalidStateException",
        () -> model.enableKey(EnableKeyRequest.builder().keyId(key.keyId()).build()));
    assertKmsError(
        KmsInvalidStateException.class,
        "KMSInvalidStateException",
        () ->
            model.tagResource(
                TagResourceRequest.builder().keyId(key.keyId()).tags(tag("a", "b")).build()));
    assertKmsError(
        KmsInvalidStateException.class,
        "KMSInvalidStateException",
        () ->
            model.createAlias(
                CreateAliasRequest.builder()
                    .aliasName("alias/pending")
                    .targetKeyId(key.keyId())
                    .build()));
  }

  @Test
  void scheduleKeyDeletionErrors() {
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> schedule("0d5b2a36-5d1f-4f57-9d4e-2f1b1c1f0e9a", 7));
    assertKmsError(
        InvalidArnException.class, "InvalidArnException", () -> schedule("arn:aws:kms:nope", 7));
    KeyMetadata key = createKey(model);
    model.createAlias(
        CreateAliasRequest.builder().aliasName("alias/a").targetKeyId(key.keyId()).build());
    // ScheduleKeyDeletion takes a key id or key ARN, not an alias.
    assertKmsError(NotFoundException.class, "NotFoundException", () -> schedule("alias/a", 7));
    assertEquals(KeyState.ENABLED, model.keyState(key.keyId()));
  }

  @Test
  void cancelKeyDeletionLeavesTheKeyDisabled() {
    KeyMetadata key = createKey(model);
    KmsInvalidStateException notPending =
        assertKmsError(
            KmsInvalidStateException.class,
            "KMSInvalidStateException",
            () ->
                model.cancelKeyDeletion(
                    CancelKeyDeletionRequest.builder().keyId(key.keyId()).build()));
    assertEquals(
        key.arn() + " is not pending deletion.", notPending.awsErrorDetails().errorMessage());

    schedule(key.keyId(), 7);
    var response =
        model.cancelKeyDeletion(CancelKeyDeletionRequest.builder().keyId(key.arn()).build());

    assertEquals(key.arn(), response.keyId());
    KeyMetadata described = model.key(key.keyId());
    assertEquals(KeyState.DISABLED, described.keyState());
    assertNull(described.deletionDate());
    assertNull(described.pendingDeletionWindowInDays());
  }

  @Test
  void keysAreDeletedWithTheirAliasesWhenTheWaitingPeriodEnds() {
    KeyMetadata doomed = createKey(model);
    KeyMetadata kept = createKey(model);
    model.createAlias(
        CreateAliasRequest.builder().aliasName("alias/doomed").targetKeyId(doomed.keyId()).build());
    model.createAlias(
        CreateAliasRequest.builder().aliasName("alias/kept").targetKeyId(kept.keyId()).build());
    schedule(doomed.keyId(), 7);

    clock.advance(Duration.ofDays(7).minusMillis(1));
    assertTrue(model.hasKey(doomed.keyId()));
    assertEquals(KeyState.PENDING_DELETION, model.keyState(doomed.arn()));

    clock.advance(Duration.ofMillis(1));
    assertFalse(model.hasKey(doomed.keyId()));
    assertThrows(NoSuchElementException.class, () -> model.keyState(doomed.keyId()));
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> model.describeKey(DescribeKeyRequest.builder().keyId(doomed.keyId()).build()));
    assertTrue(model.alias("alias/doomed").isEmpty());
    assertTrue(model.alias("alias/kept").isPresent());
    assertEquals(List.of(kept.keyId()), model.keys().stream().map(KeyMetadata::keyId).toList());
  }

  @Test
  void maxKeysIsEnforced() {
    KmsModel small = KmsModel.builder().maxKeys(1).build();
    createKey(small);
    assertKmsError(LimitExceededException.class, "LimitExceededException", () -> createKey(small));
    assertEquals(1, small.keys().size());
  }

  @Test
  void inspectionAccessorsFindKeysByAnyForm() {
    KeyMetadata key = createKey(model);
    model.createAlias(
        CreateAliasRequest.builder().aliasName("alias/k").targetKeyId(key.arn()).build());
    assertEquals(key, model.key("alias/k"));
    assertTrue(model.hasKey(key.arn()));
    assertFalse(model.hasKey("alias/none"));
    assertThrows(NoSuchElementException.class, () -> model.key("alias/none"));
    assertThrows(NoSuchElementException.class, () -> model.publicKey("nope"));
    assertThrows(NoSuchElementException.class, () -> model.tags("nope"));
    assertThrows(NoSuchElementException.class, () -> model.policy("nope"));
  }

  @Test
  void aliasNamesAreUniqueAcrossKeys() {
    KeyMetadata a = createKey(model);
    KeyMetadata b = createKey(model);
    model.createAlias(
        CreateAliasRequest.builder().aliasName("alias/x").targetKeyId(a.keyId()).build());
    assertKmsError(
        AlreadyExistsException.class,
        "AlreadyExistsException",
        () ->
            model.createAlias(
                CreateAliasRequest.builder().aliasName("alias/x").targetKeyId(b.keyId()).build()));
  }

  private void schedule(String keyId, int days) {
    model.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(keyId).pendingWindowInDays(days).build());
  }

  private void sign(String keyId) {
    model.sign(
        SignRequest.builder()
            .keyId(keyId)
            .message(SdkBytes.fromUtf8String("hello"))
            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
            .build());
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().tagKey(key).tagValue(value).build();
  }
}
