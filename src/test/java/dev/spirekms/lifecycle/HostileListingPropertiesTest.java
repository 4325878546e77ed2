package dev.spirekms.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KeyNaming;
import dev.spirekms.keys.KeyStoreException;
import dev.spirekms.keys.KeyStoreSettings;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.testing.RandomCases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;

/**
 * An account full of look-alikes: keys and aliases of other trust domains, names that are almost
 * ours ({@code alias/SPIRE_SERVER_X/...}, {@code alias/SPIRE_SERVER/acme_co.evil/...}, {@code
 * SPIRE_SERVER_KEY/acme_co} without its slash), listing entries without a name, a target or a date,
 * odd characters KMS would refuse, and huge pages. Start-up discovery, the stale alias disposal,
 * the orphan key sweep and the deletion queue run over it; whatever they do, they delete no alias
 * outside {@code alias/SPIRE_SERVER/acme_co/<other server>/} and schedule no key whose description
 * is not {@code SPIRE_SERVER_KEY/acme_co/<key id>}, and never one this server uses.
 */
class HostileListingPropertiesTest {
  private static final String SERVER = "srv-a";
  private static final String OUR_ALIASES = "alias/SPIRE_SERVER/acme_co/";
  private static final String OUR_DESCRIPTIONS = "SPIRE_SERVER_KEY/acme_co/";

  /** What to put in the account, and how old it is when the servers look. */
  record World(
      List<String> descriptions,
      List<AliasSpec> aliases,
      List<Injected> injected,
      int extraKeyEntries,
      int ageHours) {}

  /** An alias the model holds (KMS's rules apply), pointing at key {@code target}. */
  record AliasSpec(String name, int target, boolean fresh) {}

  /** An alias entry only the listing shows: a name KMS would refuse, or missing fields. */
  record Injected(String name, int target, boolean noTarget, boolean noDate) {}

  private static final String BASELINE_ALIAS = "alias/SPIRE_SERVER/acme_co/srv-gone/x509-CA-A";

  @Test
  void theRunDeletesAStaleAliasAndAnOrphanOfOurTrustDomain() {
    World world =
        new World(
            List.of("SPIRE_SERVER_KEY/acme_co/x509-CA-A", "SPIRE_SERVER_KEY/acme_co/JWT-Signer-A"),
            List.of(new AliasSpec("alias/SPIRE_SERVER/acme_co/srv-old/x509-CA-A", 0, false)),
            List.of(),
            0,
            24 * 15);
    // the world's stale alias and its key, the orphan, and the baseline's alias and key
    assertEquals(List.of(2, 3), run(world));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.spirekms.testing.RandomCases#seeds")
  void nothingOutsideOurPrefixesIsEverDeleted(long seed) {
    int[] deleted = {0, 0};
    RandomCases.run(
        seed,
        RandomCases.casesPerSeed(120),
        (random, i) -> {
          // the first world of every seed is old enough for its baseline alias to be stale
          World world = world(random, i == 0);
          List<Integer> done = run(world);
          deleted[0] += done.get(0);
          deleted[1] += done.get(1);
        });
    // each seed must reach real deletions, or it proves nothing
    assertTrue(deleted[0] > 0, "seed " + seed + ": no world deleted a stale alias of ours");
    assertTrue(deleted[1] > 0, "seed " + seed + ": no world scheduled a key for deletion");
  }

  /** Builds the world, runs everything over it, checks; the aliases deleted and keys scheduled. */
  private List<Integer> run(World world) {
    TestBed bed = new TestBed();
    // among the look-alikes, always one alias a run must dispose of once it is stale: the random
    // entries never point at its key, so every try that is old enough proves the run deletes
    String baselineKey = bed.createKey("SPIRE_SERVER_KEY/acme_co/x509-CA-A");
    bed.createAlias(BASELINE_ALIAS, baselineKey);
    List<String> arns = new ArrayList<>();
    for (String description : world.descriptions()) {
      arns.add(bed.createKey(description));
    }
    for (AliasSpec alias : world.aliases()) {
      try {
        bed.createAlias(alias.name(), arns.get(alias.target() % arns.size()));
      } catch (RuntimeException refusedByKms) {
        // a duplicate name, or one KMS refuses: the account simply does not hold it
      }
    }
    bed.advance(Duration.ofHours(world.ageHours()));
    for (AliasSpec alias : world.aliases()) {
      if (alias.fresh() && bed.alias(alias.name()).isPresent()) {
        bed.touchAlias(alias.name(), bed.alias(alias.name()).get().targetKeyId());
      }
    }
    List<AliasListEntry> injected = new ArrayList<>();
    for (Injected entry : world.injected()) {
      AliasListEntry.Builder b =
          AliasListEntry.builder()
              .aliasName(entry.name())
              .aliasArn(
                  entry.name() == null
                      ? null
                      : "arn:aws:kms:us-east-1:111122223333:" + entry.name());
      if (!entry.noTarget()) {
        String arn = arns.get(entry.target() % arns.size());
        b.targetKeyId(arn.substring(arn.lastIndexOf('/') + 1));
      }
      if (!entry.noDate()) {
        b.lastUpdatedDate(TestBed.START).creationDate(TestBed.START);
      }
      injected.add(b.build());
    }
    List<KeyListEntry> bogusKeys = new ArrayList<>();
    for (int i = 0; i < world.extraKeyEntries(); i++) {
      bogusKeys.add(
          i % 3 == 0
              ? KeyListEntry.builder().build()
              : KeyListEntry.builder()
                  .keyId("0000-" + i)
                  .keyArn("arn:aws:kms:us-east-1:111122223333:key/0000-" + i)
                  .build());
    }
    boolean[] firstAliasPage = {true};
    boolean[] firstKeyPage = {true};
    EditedListings kms =
        new EditedListings(
            bed.kms,
            page -> {
              List<AliasListEntry> edited = new ArrayList<>(page);
              if (firstAliasPage[0]) {
                edited.addAll(injected);
                firstAliasPage[0] = false;
              }
              return edited;
            },
            page -> {
              List<KeyListEntry> edited = new ArrayList<>(page);
              if (firstKeyPage[0]) {
                edited.addAll(0, bogusKeys);
                firstKeyPage[0] = false;
              }
              return edited;
            });
    Map<String, String> descriptionOf =
        bed.model.keys().stream()
            .collect(Collectors.toMap(KeyMetadata::arn, k -> String.valueOf(k.description())));

    KeyNaming naming = new KeyNaming(TestBed.TRUST_DOMAIN, SERVER);
    LifecycleSettings settings =
        LifecycleSettings.builder()
            .firstRunDelay(Duration.ofDays(365))
            .firstRunJitter(Duration.ZERO)
            .callInterval(Duration.ofMillis(1))
            .build();
    ManualScheduler scheduler = bed.timeline.child();
    KeyLifecycle lifecycle =
        new KeyLifecycle(kms, null, naming, settings, bed.clock, scheduler, new CapturedLog());
    Set<String> inUse = Set.of();
    boolean refused = false;
    try {
      KmsKeyStore store =
          KmsKeyStore.open(
              kms,
              new KeyStoreSettings(naming, TestBed.NO_POLICY, Map.of(), 2).withClock(bed.clock),
              lifecycle.deletionQueue());
      for (KeyEntry entry : store.all()) {
        assertTrue(entry.aliasName().startsWith(naming.serverAliasPrefix()), entry.aliasName());
        assertTrue(naming.spireKeyIdOf(entry.aliasName()).isPresent(), entry.aliasName());
      }
      inUse = store.all().stream().map(KeyEntry::keyArn).collect(Collectors.toSet());
      lifecycle.start(store);
      finish(bed, lifecycle.disposer().runOnce());
      finish(bed, lifecycle.sweeper().runOnce());
      bed.advance(Duration.ofHours(1));
    } catch (KeyStoreException typed) {
      // discovery may refuse to start on an alias of ours without a target: a typed failure
      refused = true;
    } finally {
      lifecycle.close();
    }

    for (DeleteAliasRequest deleted :
        bed.model.requests(KmsOperations.DELETE_ALIAS, DeleteAliasRequest.class)) {
      String name = deleted.aliasName();
      assertTrue(name.startsWith(OUR_ALIASES), "deleted " + name);
      // "<our prefix>sub/<key id>" is the alias of server "srv-a/sub" (server ids may hold '/',
      // key ids never do), so only an alias this server reads as its own must never go
      assertTrue(naming.spireKeyIdOf(name).isEmpty(), "deleted our own " + name);
      assertTrue(naming.isOtherServerAlias(name), "deleted " + name);
    }
    for (ScheduleKeyDeletionRequest scheduled :
        bed.model.requests(KmsOperations.SCHEDULE_KEY_DELETION, ScheduleKeyDeletionRequest.class)) {
      String arn = bed.model.key(scheduled.keyId()).arn();
      String description = descriptionOf.get(arn);
      assertTrue(
          description.startsWith(OUR_DESCRIPTIONS)
              && description.length() > OUR_DESCRIPTIONS.length(),
          "scheduled a key described " + description);
      assertTrue(!inUse.contains(arn), "scheduled a key this server uses: " + arn);
    }
    if (!refused
        && Duration.ofHours(world.ageHours())
                .compareTo(LifecycleSettings.DEFAULT_STALE_ALIAS_THRESHOLD)
            > 0) {
      // past the threshold, the baseline alias is stale and its key no one else's
      assertTrue(
          bed.model.requests(KmsOperations.DELETE_ALIAS, DeleteAliasRequest.class).stream()
              .anyMatch(d -> BASELINE_ALIAS.equals(d.aliasName())),
          "the stale " + BASELINE_ALIAS + " was not deleted");
      assertTrue(
          bed
              .model
              .requests(KmsOperations.SCHEDULE_KEY_DELETION, ScheduleKeyDeletionRequest.class)
              .stream()
              .anyMatch(k -> bed.model.key(k.keyId()).arn().equals(baselineKey)),
          "the key of the stale " + BASELINE_ALIAS + " was not scheduled for deletion");
    }
    return List.of(
        bed.model.callCount(KmsOperations.DELETE_ALIAS),
        bed.model.callCount(KmsOperations.SCHEDULE_KEY_DELETION));
  }

  private static void finish(TestBed bed, CompletableFuture<?> run) {
    for (int i = 0; i < 60 && !run.isDone(); i++) {
      bed.advance(Duration.ofMinutes(1));
    }
    assertTrue(run.isDone(), "a cleanup run did not finish within an hour of simulated time");
    run.join();
  }

  /** A world; an {@code old} one is past the stale alias threshold. */
  static World world(Random random, boolean old) {
    List<String> descriptions = RandomCases.listOf(random, 1, 10, r -> description(r));
    List<AliasSpec> aliases =
        RandomCases.listOf(
            random,
            0,
            14,
            r -> new AliasSpec(aliasName(r), RandomCases.between(r, 0, 99), r.nextBoolean()));
    List<Injected> injected =
        RandomCases.listOf(
            random,
            0,
            6,
            r ->
                new Injected(
                    injectedName(r),
                    RandomCases.between(r, 0, 99),
                    r.nextBoolean(),
                    r.nextBoolean()));
    int extra = random.nextBoolean() ? 0 : RandomCases.oneOf(random, 50, 1200);
    int age =
        old
            ? RandomCases.oneOf(random, 24 * 15, 24 * 40)
            : RandomCases.oneOf(random, 1, 47, 49, 24 * 13, 24 * 15, 24 * 40);
    return new World(descriptions, aliases, injected, extra, age);
  }

  private static String description(Random random) {
    return switch (random.nextInt(3)) {
      case 0 ->
          RandomCases.oneOf(
              random,
              "SPIRE_SERVER_KEY/acme_co/x509-CA-A",
              "SPIRE_SERVER_KEY/acme_co/JWT-Signer-A",
              "SPIRE_SERVER_KEY/acme_co/",
              "SPIRE_SERVER_KEY/acme_co",
              "SPIRE_SERVER_KEY/acme_co_uk/x509-CA-A",
              "SPIRE_SERVER_KEY/acme/co/x509-CA-A",
              "SPIRE_SERVER_KEY_X/acme_co/x509-CA-A",
              "spire_server_key/acme_co/x509-CA-A",
              " SPIRE_SERVER_KEY/acme_co/x509-CA-A",
              "SPIRE_SERVER_KEY/acme.co/x509-CA-A",
              "SPIRE_SERVER_KEY//x509-CA-A",
              "production database key",
              "");
      case 1 -> RandomCases.anyString(random, 0, 40);
      default -> null;
    };
  }

  /** Alias names KMS may hold: ours, other servers', other trust domains', look-alikes. */
  private static String aliasName(Random random) {
    String part = RandomCases.alphanumeric(random, "_-", 1, 12);
    return switch (random.nextInt(16)) {
      case 0 -> "alias/SPIRE_SERVER/acme_co/srv-old/" + part;
      case 1 -> "alias/SPIRE_SERVER/acme_co/" + part + "/x509-CA-A";
      case 2 -> "alias/SPIRE_SERVER/acme_co/" + SERVER + "/" + part;
      case 3 -> "alias/SPIRE_SERVER/acme_co/" + SERVER + "/sub/" + part;
      case 4 -> "alias/SPIRE_SERVER/acme_co_uk/srv-b/" + part;
      case 5 -> "alias/SPIRE_SERVER/acme/co/srv-b/" + part;
      case 6 -> "alias/SPIRE_SERVER_X/acme_co/srv-b/" + part;
      case 7 -> "alias/SPIRE_SERVER/acme_co_/srv-b/" + part;
      case 8 -> "alias/spire_server/acme_co/srv-b/" + part;
      case 9 -> "alias/SPIRE_SERVER/acme_co/" + part;
      case 10 -> "alias/SPIRE_SERVER/acme_co//" + part;
      case 11 -> "alias/SPIRE_SERVER/acme_co/srv-b/" + part + "/";
      case 12 -> "alias/SPIRE_SERVER/ACME_CO/srv-b/" + part;
      case 13 -> "alias/aws/" + part;
      case 14 -> "alias/" + part;
      default -> "alias/" + RandomCases.alphanumeric(random, "/_-", 1, 50);
    };
  }

  /** Names only a listing can show: characters KMS refuses, no name at all, no prefix. */
  private static String injectedName(Random random) {
    return switch (random.nextInt(3)) {
      case 0 ->
          RandomCases.oneOf(
              random,
              "alias/SPIRE_SERVER/acme_co.evil/srv-b/x509-CA-A",
              "alias/SPIRE_SERVER/td.evil/srv-b/x509-CA-A",
              "alias/SPIRE_SERVER/acme.co/srv-b/x509-CA-A",
              "alias/SPIRE_SERVER/acme_co/srv-b/x509 CA",
              "alias/SPIRE_SERVER/acme_co/srv-b/\u202ex509-CA-A",
              "alias/SPIRE_SERVER/acme_co/../acme_co_uk/x509-CA-A",
              "alias/SPIRE_SERVER/acme_co/" + SERVER + "/x509\u0000-CA-A",
              "alias/SPIRE_SERVER/acme_co/" + SERVER + "/x509-CA-B",
              "alias/SPIRE_SERVER/acme_co/srv-old/x509-CA-B",
              "ALIAS/SPIRE_SERVER/acme_co/srv-b/x509-CA-A",
              "");
      case 1 -> null;
      default -> "alias/SPIRE_SERVER/acme_co/" + RandomCases.anyString(random, 0, 30);
    };
  }
}
