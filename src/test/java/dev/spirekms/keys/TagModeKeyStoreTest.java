package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyStoreException.Kind;
import dev.spirekms.localkms.FakeKmsClient;
import dev.spirekms.localkms.FakeTaggingClient;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * Tag mode (upstream aws_kms's enable_tag_based_key_discovery): discovery by tags, then aliases,
 * migration, and the tags of new keys; against the local KMS and its tagging API.
 */
class TagModeKeyStoreTest {
  private static final String TD = "test.example.org";
  private static final String SERVER = "11111111-2222-3333-4444-555555555555";
  private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");

  private final KmsModel model = KmsModel.builder().withAwsManagedAliases().build();
  private final FakeKmsClient kms = new FakeKmsClient(model);
  private final FakeTaggingClient tagging = new FakeTaggingClient(model);
  private final RecordingDeletionQueue deletions = new RecordingDeletionQueue();
  private final KeyNaming naming = new KeyNaming(TD, SERVER);

  private KeyStoreSettings settings(boolean tagMode, Map<String, String> userTags) {
    return new KeyStoreSettings(
            naming, KeyPolicySource.fixed("{\"Version\":\"2012-10-17\"}"), userTags, 4)
        .withTagBasedDiscovery(tagMode)
        .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private KmsKeyStore open(boolean tagMode) {
    return KmsKeyStore.open(kms, tagging, settings(tagMode, Map.of()), deletions);
  }

  /** A key as upstream makes it in tag mode, with or without its alias. */
  private String taggedKey(String serverId, String spireKeyId, boolean withAlias) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(SpireTags.TRUST_DOMAIN, TD);
    tags.put(SpireTags.SERVER_ID, serverId);
    tags.put(SpireTags.ACTIVE, "true");
    if (spireKeyId != null) {
      tags.put(SpireTags.KEY_ID, spireKeyId);
    }
    tags.put(SpireTags.LAST_UPDATE, "1700000000");
    String arn =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .description("SPIRE_SERVER_KEY/test_example_org/" + spireKeyId)
                    .tags(
                        tags.entrySet().stream()
                            .map(
                                e ->
                                    Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build())
                            .toList())
                    .build())
            .keyMetadata()
            .arn();
    if (withAlias) {
      pointAlias(spireKeyId, arn);
    }
    return arn;
  }

  /** A key as alias mode makes it: no SPIRE tags. */
  private String aliasOnlyKey(String spireKeyId) {
    String arn =
        model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .description("SPIRE_SERVER_KEY/test_example_org/" + spireKeyId)
                    .build())
            .keyMetadata()
            .arn();
    pointAlias(spireKeyId, arn);
    return arn;
  }

  private void pointAlias(String spireKeyId, String arn) {
    String alias = naming.aliasName(spireKeyId);
    if (model.alias(alias).isPresent()) {
      kms.updateAlias(b -> b.aliasName(alias).targetKeyId(arn));
    } else {
      kms.createAlias(b -> b.aliasName(alias).targetKeyId(arn));
    }
  }

  // TestConfigureWithTagBasedDiscovery: load keys via tags
  @Test
  void loadsKeysFoundByTheirTagsWithTheServersFilters() {
    String a = taggedKey(SERVER, "x509-CA-A", false);
    String b = taggedKey(SERVER, "bundle-acme-foo.bar+rsa", false);
    taggedKey("99999999-0000-0000-0000-000000000000", "x509-CA-A", false);

    KmsKeyStore store = open(true);

    assertTrue(store.tagBased());
    assertEquals(a, store.require("x509-CA-A").keyArn());
    assertEquals(b, store.require("bundle-acme-foo.bar+rsa").keyArn());
    assertEquals(
        naming.aliasName("bundle-acme-foo.bar+rsa"),
        store.require("bundle-acme-foo.bar+rsa").aliasName());
    assertEquals(2, store.all().size());
    GetResourcesRequest query =
        model.requests(KmsOperations.GET_RESOURCES, GetResourcesRequest.class).get(0);
    assertEquals(List.of("kms:key"), query.resourceTypeFilters());
    assertEquals(
        List.of(
            TagFilter.builder().key("spire-server-td").values(TD).build(),
            TagFilter.builder().key("spire-server-id").values(SERVER).build(),
            TagFilter.builder().key("spire-active").values("true").build()),
        query.tagFilters());
    // then the aliases, as upstream
    assertEquals(1, model.callCount(KmsOperations.LIST_ALIASES));
  }

  @Test
  void pagesThroughEveryTaggedKey() {
    for (int i = 0; i < 130; i++) {
      taggedKey(SERVER, "key-" + i, false);
    }
    KmsKeyStore store = open(true);
    assertEquals(130, store.all().size());
    assertEquals(2, model.callCount(KmsOperations.GET_RESOURCES));
  }

  // migrate legacy keys
  @Test
  void migratesAKeyFoundOnlyThroughItsAliasByTaggingIt() {
    String legacy = aliasOnlyKey("x509-CA-A");
    KmsKeyStore store = open(true);
    assertEquals(legacy, store.require("x509-CA-A").keyArn());
    Map<String, String> tags = model.tags(legacy);
    assertEquals(TD, tags.get("spire-server-td"));
    assertEquals(SERVER, tags.get("spire-server-id"));
    assertEquals("true", tags.get("spire-active"));
    assertEquals("x509-CA-A", tags.get("spire-key-id"));
    assertEquals(Long.toString(NOW.getEpochSecond()), tags.get("spire-last-update"));

    // found by its tags from now on: nothing left to migrate
    model.clearCalls();
    open(true);
    assertEquals(0, model.callCount(KmsOperations.TAG_RESOURCE));
  }

  // deduplicate key found via both tag and alias
  @Test
  void aKeyFoundBothWaysIsLoadedOnceAndNotRetagged() {
    String arn = taggedKey(SERVER, "x509-CA-A", true);
    KmsKeyStore store = open(true);
    assertEquals(List.of(arn), store.all().stream().map(KeyEntry::keyArn).toList());
    assertEquals(0, model.callCount(KmsOperations.TAG_RESOURCE));
    assertTrue(deletions.items().isEmpty());
  }

  @Test
  void theKeyFoundByItsTagsWinsOverADifferentAliasTarget() {
    String tagged = taggedKey(SERVER, "x509-CA-A", false);
    aliasOnlyKey("x509-CA-A");
    KmsKeyStore store = open(true);
    assertEquals(tagged, store.require("x509-CA-A").keyArn());
  }

  // migration TagResource error is non-fatal
  @Test
  void aFailedMigrationLeavesTheKeyUsable() {
    String legacy = aliasOnlyKey("x509-CA-A");
    model.faults().failAlways(KmsOperations.TAG_RESOURCE, Fault.accessDenied());
    KmsKeyStore store = open(true);
    assertEquals(legacy, store.require("x509-CA-A").keyArn());
    assertFalse(model.tags(legacy).containsKey("spire-key-id"));
  }

  // skips disabled key found via tags
  @Test
  void skipsDisabledAndPendingDeletionKeysFoundByTags() {
    String disabled = taggedKey(SERVER, "x509-CA-A", false);
    kms.disableKey(DisableKeyRequest.builder().keyId(disabled).build());
    String pending = taggedKey(SERVER, "x509-CA-B", false);
    kms.scheduleKeyDeletion(
        ScheduleKeyDeletionRequest.builder().keyId(pending).pendingWindowInDays(7).build());
    KmsKeyStore store = open(true);
    assertTrue(store.all().isEmpty());
  }

  @Test
  void skipsAKeyWithoutASpireKeyIdTag() {
    taggedKey(SERVER, null, false);
    assertTrue(open(true).all().isEmpty());
  }

  // GetResources error fails configure
  @Test
  void aTaggingApiFailureFailsTheStart() {
    model.faults().failAlways(KmsOperations.GET_RESOURCES, Fault.internalError());
    KeyStoreException e = assertThrows(KeyStoreException.class, () -> open(true));
    assertEquals(Kind.INTERNAL, e.kind());
    assertTrue(e.getMessage().startsWith("failed to fetch keys by tags: "), e.getMessage());
  }

  // GetResources AccessDenied gives an actionable FailedPrecondition
  @Test
  void aMissingTagGetResourcesPermissionSaysWhereToGrantIt() {
    model.faults().failAlways(KmsOperations.GET_RESOURCES, Fault.accessDenied());
    KeyStoreException e = assertThrows(KeyStoreException.class, () -> open(true));
    assertEquals(Kind.PRECONDITION, e.kind());
    assertTrue(
        e.getMessage()
            .startsWith(
                "tag-based key discovery requires the \"tag:GetResources\" permission in an"
                    + " identity-based IAM policy (it cannot be granted through the KMS key"
                    + " policy); grant the permission or disable enable_tag_based_key_discovery: "),
        e.getMessage());
  }

  @Test
  void aliasDiscoveryErrorsStayFatalInTagMode() {
    String arn = aliasOnlyKey("x509-CA-A");
    kms.disableKey(DisableKeyRequest.builder().keyId(arn).build());
    KeyStoreException e = assertThrows(KeyStoreException.class, () -> open(true));
    assertEquals(Kind.PRECONDITION, e.kind());
  }

  // TestGenerateKeyTagBased
  @Test
  void newKeysCarryTheSpireTagsThenTheUsersTags() {
    Map<String, String> userTags = new LinkedHashMap<>();
    userTags.put("team", "identity");
    KmsKeyStore store = KmsKeyStore.open(kms, tagging, settings(true, userTags), deletions);
    KeyEntry entry = store.generate("x509-CA-A", SpireKeyType.EC_P256);

    CreateKeyRequest create = model.requests("CreateKey", CreateKeyRequest.class).get(0);
    assertEquals(
        List.of(
            "spire-server-td=test.example.org",
            "spire-server-id=" + SERVER,
            "spire-active=true",
            "team=identity",
            "spire-key-id=x509-CA-A",
            "spire-last-update=" + NOW.getEpochSecond()),
        create.tags().stream().map(t -> t.tagKey() + "=" + t.tagValue()).toList());
    assertEquals(entry.keyArn(), model.key(naming.aliasName("x509-CA-A")).arn());
  }

  @Test
  void aliasModeKeysCarryOnlyTheUsersTags() {
    KmsKeyStore store =
        KmsKeyStore.open(kms, tagging, settings(false, Map.of("team", "identity")), deletions);
    store.generate("x509-CA-A", SpireKeyType.EC_P256);
    CreateKeyRequest create = model.requests("CreateKey", CreateKeyRequest.class).get(0);
    assertEquals(
        List.of("team=identity"),
        create.tags().stream().map(t -> t.tagKey() + "=" + t.tagValue()).toList());
    assertFalse(store.tagBased());
    assertEquals(0, model.callCount(KmsOperations.GET_RESOURCES));
  }

  @Test
  void aTagFoundKeyWithoutAliasGetsOneAtItsFirstRotation() {
    String old = taggedKey(SERVER, "x509-CA-A", false);
    KmsKeyStore store = open(true);
    KeyEntry rotated = store.generate("x509-CA-A", SpireKeyType.EC_P256);
    assertEquals(rotated.keyArn(), model.key(naming.aliasName("x509-CA-A")).arn());
    assertEquals(List.of(old), deletions.keyArns());
  }

  // better than upstream: an interrupted rotation left two keys tagged active
  @Test
  void twoActiveKeysForOneIdResolveToTheAliasTargetAndTheOtherIsReclaimed() {
    String before = taggedKey(SERVER, "x509-CA-A", true);
    String after = taggedKey(SERVER, "x509-CA-A", false);
    pointAlias("x509-CA-A", after);

    KmsKeyStore store = open(true);

    assertEquals(after, store.require("x509-CA-A").keyArn());
    assertEquals(List.of(before), deletions.keyArns());
    assertEquals(0, model.callCount(KmsOperations.TAG_RESOURCE));

    // the same, whichever ARN sorts first
    RecordingDeletionQueue second = new RecordingDeletionQueue();
    pointAlias("x509-CA-A", before);
    KmsKeyStore again = KmsKeyStore.open(kms, tagging, settings(true, Map.of()), second);
    assertEquals(before, again.require("x509-CA-A").keyArn());
    assertEquals(List.of(after), second.keyArns());
  }

  @Test
  void twoActiveKeysAndNoAliasAmongThemDeleteNothing() {
    String one = taggedKey(SERVER, "x509-CA-A", false);
    String two = taggedKey(SERVER, "x509-CA-A", false);
    KmsKeyStore store = open(true);
    assertEquals(one.compareTo(two) < 0 ? one : two, store.require("x509-CA-A").keyArn());
    assertTrue(deletions.items().isEmpty());
  }

  @Test
  void aliasModeNeverAsksTheTaggingApi() {
    taggedKey(SERVER, "x509-CA-A", true);
    KmsKeyStore store = open(false);
    assertEquals(1, store.all().size());
    assertEquals(0, model.callCount(KmsOperations.GET_RESOURCES));
    assertEquals(0, model.callCount(KmsOperations.TAG_RESOURCE));
  }

  @Test
  void tagModeNeedsTheTaggingClient() {
    assertThrows(
        IllegalArgumentException.class,
        () -> KmsKeyStore.open(kms, settings(true, Map.of()), deletions));
    assertThrows(
        NullPointerException.class,
        () -> KmsKeyStore.open(kms, null, settings(true, Map.of()), deletions));
  }

  @Test
  void migrationDoesNotTouchKeysOfOtherServersSharingTheTrustDomain() {
    String theirs = aliasOnlyKey("x509-CA-A");
    // another server's alias, same key id
    kms.createAlias(
        b ->
            b.aliasName("alias/SPIRE_SERVER/test_example_org/other/x509-CA-A").targetKeyId(theirs));
    KmsKeyStore store = open(true);
    assertEquals(1, store.all().size());
    assertEquals(1, model.callCount(KmsOperations.TAG_RESOURCE));
    assertEquals(SERVER, model.tags(theirs).get("spire-server-id"));
  }
}
