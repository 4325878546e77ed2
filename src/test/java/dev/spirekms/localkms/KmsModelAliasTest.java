package dev.spirekms.localkms;

import static dev.spirekms.localkms.Fixtures.START;
import static dev.spirekms.localkms.Fixtures.assertKmsError;
import static dev.spirekms.localkms.Fixtures.createKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.InvalidAliasNameException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;

class KmsModelAliasTest {
  private static final String SPIRE_ALIAS =
      "alias/SPIRE_SERVER/example_org/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/x509-CA-A";

  private final SteppingClock clock = Fixtures.clock();
  private final KmsModel model = Fixtures.model(clock);

  @Test
  void createAliasSetsBothDatesToNow() {
    KeyMetadata key = createKey(model);
    clock.advance(Duration.ofMinutes(5));

    createAlias(SPIRE_ALIAS, key.arn());

    AliasListEntry alias = model.alias(SPIRE_ALIAS).orElseThrow();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    assertEquals(SPIRE_ALIAS, alias.aliasName());
    assertEquals("arn:aws:kms:us-east-1:111122223333:" + SPIRE_ALIAS, alias.aliasArn());
    assertEquals(key.keyId(), alias.targetKeyId());
    assertEquals(now, alias.creationDate());
    assertEquals(now, alias.lastUpdatedDate());
  }

  @Test
  void aliasOfLongestAllowedLengthIsAccepted() {
    String name = "alias/" + "a".repeat(250);
    assertEquals(256, name.length());
    createAlias(name, createKey(model).keyId());
    assertTrue(model.alias(name).isPresent());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "alias/with.dot",
        "alias/with+plus",
        "alias/with space",
        "alias/ünïcode",
        "alias/with@at"
      })
  void aliasCharactersOutsideTheRequestPatternAreValidationErrors(String name) {
    String keyId = createKey(model).keyId();
    KmsException e =
        assertKmsError(KmsException.class, "ValidationException", () -> createAlias(name, keyId));
    assertTrue(e.awsErrorDetails().errorMessage().contains("aliasName"));
  }

  @Test
  void aliasLongerThan256IsAValidationError() {
    String keyId = createKey(model).keyId();
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> createAlias("alias/" + "a".repeat(251), keyId));
  }

  @ParameterizedTest
  @ValueSource(strings = {"example", "aliases/example", "alias/", "alias/with:colon", "Alias/x"})
  void namesThatBreakKmsAliasRulesAreInvalidAliasNames(String name) {
    String keyId = createKey(model).keyId();
    assertKmsError(
        InvalidAliasNameException.class,
        "InvalidAliasNameException",
        () -> createAlias(name, keyId));
    assertTrue(model.aliases().isEmpty());
  }

  @Test
  void theAwsPrefixIsReserved() {
    String keyId = createKey(model).keyId();
    assertKmsError(
        InvalidAliasNameException.class,
        "InvalidAliasNameException",
        () -> createAlias("alias/aws/mine", keyId));
  }

  @Test
  void aliasNamesAreUnique() {
    String a = createKey(model).keyId();
    String b = createKey(model).keyId();
    createAlias("alias/one", a);
    AlreadyExistsException e =
        assertKmsError(
            AlreadyExistsException.class,
            "AlreadyExistsException",
            () -> createAlias("alias/one", b));
    assertTrue(e.awsErrorDetails().errorMessage().contains("alias/one"));
    assertEquals(a, model.alias("alias/one").orElseThrow().targetKeyId());
  }

  @Test
  void createAliasTargetMustBeAnExistingKeyNotPendingDeletion() {
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> createAlias("alias/x", "0d5b2a36-5d1f-4f57-9d4e-2f1b1c1f0e9a"));
    KeyMetadata key = createKey(model);
    createAlias("alias/first", key.keyId());
    // The target is a key id or key ARN, never another alias.
    assertKmsError(
        NotFoundException.class, "NotFoundException", () -> createAlias("alias/x", "alias/first"));
    assertKmsError(KmsException.class, "ValidationException", () -> createAlias("alias/x", null));

    model.disableKey(DisableKeyRequest.builder().keyId(key.keyId()).build());
    createAlias("alias/on-disabled-key", key.keyId());

    model.scheduleKeyDeletion(ScheduleKeyDeletionRequest.builder().keyId(key.keyId()).build());
    assertKmsError(
        KmsInvalidStateException.class,
        "KMSInvalidStateException",
        () -> createAlias("alias/x", key.keyId()));
  }

  @Test
  void aKeyHasAtMostFiftyAliases() {
    String keyId = createKey(model).keyId();
    for (int i = 0; i < KmsModel.MAX_ALIASES_PER_KEY; i++) {
      createAlias("alias/a" + i, keyId);
    }
    assertKmsError(
        LimitExceededException.class,
        "LimitExceededException",
        () -> createAlias("alias/a50", keyId));

    String other = createKey(model).keyId();
    createAlias("alias/other", other);
    assertKmsError(
        LimitExceededException.class,
        "LimitExceededException",
        () -> updateAlias("alias/other", keyId));
    // Re-pointing an alias at the key it already names does not count twice.
    updateAlias("alias/a0", keyId);
  }

  @Test
  void updateAliasToTheSameKeyMovesLastUpdatedDate() {
    String keyId = createKey(model).keyId();
    createAlias(SPIRE_ALIAS, keyId);
    Instant created = model.alias(SPIRE_ALIAS).orElseThrow().creationDate();

    clock.advance(Duration.ofHours(6));
    updateAlias(SPIRE_ALIAS, keyId);

    AliasListEntry alias = model.alias(SPIRE_ALIAS).orElseThrow();
    assertEquals(created, alias.creationDate());
    assertEquals(
        START.plus(Duration.ofHours(6)).truncatedTo(ChronoUnit.MILLIS), alias.lastUpdatedDate());
    assertEquals(keyId, alias.targetKeyId());
  }

  @Test
  void updateAliasMovesTheAliasToAnotherKeyOfAnotherSpec() {
    KeyMetadata ec = createKey(model, KeySpec.ECC_NIST_P256);
    KeyMetadata rsa = createKey(model, KeySpec.RSA_2048);
    createAlias("alias/rotating", ec.keyId());
    clock.advance(Duration.ofMinutes(1));

    updateAlias("alias/rotating", rsa.arn());

    AliasListEntry alias = model.alias("alias/rotating").orElseThrow();
    assertEquals(rsa.keyId(), alias.targetKeyId());
    assertEquals(
        rsa,
        model
            .describeKey(DescribeKeyRequest.builder().keyId("alias/rotating").build())
            .keyMetadata());
    assertTrue(alias.lastUpdatedDate().isAfter(alias.creationDate()));
  }

  @Test
  void updateAliasKeepsKeyUsage() {
    KeyMetadata signing = createKey(model, KeySpec.RSA_2048);
    KeyMetadata encryption =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.RSA_2048)
                    .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                    .build())
            .keyMetadata();
    createAlias("alias/signer", signing.keyId());

    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> updateAlias("alias/signer", encryption.keyId()));
    assertEquals(signing.keyId(), model.alias("alias/signer").orElseThrow().targetKeyId());
  }

  @Test
  void updateAliasErrors() {
    String keyId = createKey(model).keyId();
    NotFoundException e =
        assertKmsError(
            NotFoundException.class, "NotFoundException", () -> updateAlias("alias/none", keyId));
    assertEquals(
        "Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.",
        e.awsErrorDetails().errorMessage());

    createAlias("alias/x", keyId);
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> updateAlias("alias/x", "0d5b2a36-5d1f-4f57-9d4e-2f1b1c1f0e9a"));
    String pending = createKey(model).keyId();
    model.scheduleKeyDeletion(ScheduleKeyDeletionRequest.builder().keyId(pending).build());
    assertKmsError(
        KmsInvalidStateException.class,
        "KMSInvalidStateException",
        () -> updateAlias("alias/x", pending));
    assertKmsError(
        KmsException.class, "ValidationException", () -> updateAlias("alias/bad.name", keyId));
    assertKmsError(
        InvalidAliasNameException.class,
        "InvalidAliasNameException",
        () -> updateAlias("alias/aws/ebs", keyId));
    assertEquals(keyId, model.alias("alias/x").orElseThrow().targetKeyId());
  }

  @Test
  void deleteAliasRemovesOnlyThatAlias() {
    String keyId = createKey(model).keyId();
    createAlias("alias/a", keyId);
    createAlias("alias/b", keyId);

    model.deleteAlias(DeleteAliasRequest.builder().aliasName("alias/a").build());

    assertEquals(
        List.of("alias/b"), model.aliases().stream().map(AliasListEntry::aliasName).toList());
    assertTrue(model.hasKey(keyId));
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> model.deleteAlias(DeleteAliasRequest.builder().aliasName("alias/a").build()));
    assertKmsError(
        InvalidAliasNameException.class,
        "InvalidAliasNameException",
        () -> model.deleteAlias(DeleteAliasRequest.builder().aliasName("alias/aws/ebs").build()));
  }

  @Test
  void awsManagedAliasesHaveNoTargetAndNoDates() {
    KmsModel account = KmsModel.builder().clock(clock).withAwsManagedAliases().build();
    String keyId = createKey(account).keyId();
    account.createAlias(
        CreateAliasRequest.builder().aliasName("alias/mine").targetKeyId(keyId).build());

    List<AliasListEntry> all =
        account.listAliases(ListAliasesRequest.builder().limit(100).build()).aliases();

    assertEquals(KmsModel.AWS_MANAGED_ALIASES.size() + 1, all.size());
    AliasListEntry ebs =
        all.stream().filter(a -> a.aliasName().equals("alias/aws/ebs")).findFirst().orElseThrow();
    assertEquals("arn:aws:kms:us-east-1:111122223333:alias/aws/ebs", ebs.aliasArn());
    assertNull(ebs.targetKeyId());
    assertNull(ebs.creationDate());
    assertNull(ebs.lastUpdatedDate());
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> account.describeKey(DescribeKeyRequest.builder().keyId("alias/aws/ebs").build()));

    List<AliasListEntry> mine =
        account.listAliases(ListAliasesRequest.builder().keyId(keyId).build()).aliases();
    assertEquals(List.of("alias/mine"), mine.stream().map(AliasListEntry::aliasName).toList());
  }

  @Test
  void listAliasesFiltersByKey() {
    KeyMetadata a = createKey(model);
    KeyMetadata b = createKey(model);
    createAlias("alias/a1", a.keyId());
    createAlias("alias/b1", b.keyId());
    createAlias("alias/a2", a.keyId());

    List<String> byId =
        model.listAliases(ListAliasesRequest.builder().keyId(a.keyId()).build()).aliases().stream()
            .map(AliasListEntry::aliasName)
            .toList();
    List<String> byArn =
        model.listAliases(ListAliasesRequest.builder().keyId(a.arn()).build()).aliases().stream()
            .map(AliasListEntry::aliasName)
            .toList();

    assertEquals(List.of("alias/a1", "alias/a2"), byId);
    assertEquals(byId, byArn);
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () ->
            model.listAliases(
                ListAliasesRequest.builder()
                    .keyId("0d5b2a36-5d1f-4f57-9d4e-2f1b1c1f0e9a")
                    .build()));
  }

  private void createAlias(String name, String target) {
    model.createAlias(CreateAliasRequest.builder().aliasName(name).targetKeyId(target).build());
  }

  private void updateAlias(String name, String target) {
    model.updateAlias(UpdateAliasRequest.builder().aliasName(name).targetKeyId(target).build());
  }
}
