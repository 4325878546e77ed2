package dev.spirekms.localkms;

import static dev.spirekms.localkms.Fixtures.assertKmsError;
import static dev.spirekms.localkms.Fixtures.createKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.InvalidMarkerException;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;

class KmsModelPaginationTest {
  private final KmsModel model = Fixtures.model(Fixtures.clock());

  @Test
  void smallAliasPagesCoverEveryAliasOnceInOrder() {
    List<String> expected = createAliases(10);

    List<String> seen = new ArrayList<>();
    List<Boolean> truncatedFlags = new ArrayList<>();
    String marker = null;
    do {
      ListAliasesResponse page =
          model.listAliases(ListAliasesRequest.builder().limit(3).marker(marker).build());
      assertTrue(page.aliases().size() <= 3);
      page.aliases().forEach(a -> seen.add(a.aliasName()));
      truncatedFlags.add(page.truncated());
      marker = page.nextMarker();
      assertEquals(page.truncated(), marker != null);
    } while (marker != null);

    assertEquals(expected, seen);
    assertEquals(List.of(true, true, true, false), truncatedFlags);
  }

  @Test
  void aPageThatEndsExactlyAtTheLastAliasIsNotTruncated() {
    createAliases(4);
    ListAliasesResponse page = model.listAliases(ListAliasesRequest.builder().limit(4).build());
    assertEquals(4, page.aliases().size());
    assertFalse(page.truncated());
    assertNull(page.nextMarker());
  }

  @Test
  void listAliasesDefaultsToFiftyAndAllowsAHundred() {
    createAliases(101);
    ListAliasesResponse byDefault = model.listAliases(ListAliasesRequest.builder().build());
    assertEquals(50, byDefault.aliases().size());
    assertTrue(byDefault.truncated());
    ListAliasesResponse most = model.listAliases(ListAliasesRequest.builder().limit(100).build());
    assertEquals(100, most.aliases().size());
    ListAliasesResponse rest =
        model.listAliases(ListAliasesRequest.builder().marker(most.nextMarker()).build());
    assertEquals(1, rest.aliases().size());
    assertFalse(rest.truncated());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 101})
  void listAliasesLimitOutsideOneToHundredIsRejected(int limit) {
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> model.listAliases(ListAliasesRequest.builder().limit(limit).build()));
  }

  @Test
  void markersAreOpaqueAndTiedToTheirOperation() {
    createAliases(3);
    createKey(model);
    createKey(model);
    String aliasMarker =
        model.listAliases(ListAliasesRequest.builder().limit(1).build()).nextMarker();
    String keyMarker = model.listKeys(ListKeysRequest.builder().limit(1).build()).nextMarker();
    assertNotNull(aliasMarker);
    assertFalse(aliasMarker.contains("alias/"), aliasMarker);

    for (String bad : List.of("garbage", "%%%", keyMarker)) {
      assertKmsError(
          InvalidMarkerException.class,
          "InvalidMarkerException",
          () -> model.listAliases(ListAliasesRequest.builder().marker(bad).build()));
    }
    assertKmsError(
        InvalidMarkerException.class,
        "InvalidMarkerException",
        () -> model.listKeys(ListKeysRequest.builder().marker(aliasMarker).build()));
  }

  @Test
  void pagingGoesOnWithoutGapsWhenAliasesChangeBetweenPages() {
    List<String> names = createAliases(6);
    ListAliasesResponse first = model.listAliases(ListAliasesRequest.builder().limit(3).build());
    // The last alias of the first page goes away, and one is added before the marker.
    model.deleteAlias(DeleteAliasRequest.builder().aliasName(names.get(2)).build());
    model.createAlias(
        CreateAliasRequest.builder()
            .aliasName("alias/a-00")
            .targetKeyId(first.aliases().get(0).targetKeyId())
            .build());

    ListAliasesResponse second =
        model.listAliases(ListAliasesRequest.builder().marker(first.nextMarker()).build());

    assertEquals(
        names.subList(3, 6), second.aliases().stream().map(AliasListEntry::aliasName).toList());
  }

  @Test
  void smallKeyPagesCoverEveryKeyOnceInCreationOrder() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expected.add(createKey(model).keyId());
    }

    List<String> seen = new ArrayList<>();
    String marker = null;
    int pages = 0;
    do {
      ListKeysResponse page =
          model.listKeys(ListKeysRequest.builder().limit(2).marker(marker).build());
      page.keys().forEach(k -> seen.add(k.keyId()));
      marker = page.truncated() ? page.nextMarker() : null;
      pages++;
    } while (marker != null);

    assertEquals(expected, seen);
    assertEquals(3, pages);
  }

  @Test
  void listKeysReturnsIdAndArnAndChecksItsLimit() {
    KeyMetadata key = createKey(model);
    KeyListEntry entry = model.listKeys(ListKeysRequest.builder().build()).keys().get(0);
    assertEquals(key.keyId(), entry.keyId());
    assertEquals(key.arn(), entry.keyArn());
    model.listKeys(ListKeysRequest.builder().limit(1000).build());
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> model.listKeys(ListKeysRequest.builder().limit(1001).build()));
    assertKmsError(
        KmsException.class,
        "ValidationException",
        () -> model.listKeys(ListKeysRequest.builder().limit(0).build()));
  }

  @Test
  void listKeysDefaultsToAHundred() {
    KmsModel many = KmsModel.create();
    for (int i = 0; i < 101; i++) {
      createKey(many);
    }
    ListKeysResponse page = many.listKeys(ListKeysRequest.builder().build());
    assertEquals(100, page.keys().size());
    assertTrue(page.truncated());
  }

  /** Creates aliases alias/a-01 ... on a few keys; returns their names in listing order. */
  private List<String> createAliases(int count) {
    // A key has at most 50 aliases.
    List<String> keyIds = new ArrayList<>();
    for (int i = 0; i < count / 40 + 2; i++) {
      keyIds.add(createKey(model).keyId());
    }
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String name = String.format("alias/a-%02d", i);
      names.add(name);
      model.createAlias(
          CreateAliasRequest.builder()
              .aliasName(name)
              .targetKeyId(keyIds.get(i % keyIds.size()))
              .build());
    }
    return names;
  }
}
