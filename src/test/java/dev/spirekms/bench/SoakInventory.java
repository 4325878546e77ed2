package dev.spirekms.bench;

import static dev.spirekms.bench.Soak.KEY_IDS;

import dev.spirekms.localkms.KmsModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The local KMS's keys at the end of a soak: how many in each state, the SPIRE aliases, the keys
 * leaked (neither aliased nor pending deletion) and the key ids lost (no alias on an enabled key).
 */
record SoakInventory(
    Map<String, Long> byState, int aliases, List<String> leaked, List<String> lostAliases) {
  private static final Duration SETTLE = Duration.ofSeconds(30);

  /**
   * Waits for the deletion queue to schedule every replaced key, then takes the inventory: every
   * key is aliased or pending deletion (else leaked), and every key id has an alias on an enabled
   * key (else lost).
   */
  static SoakInventory settle(KmsModel model) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    List<String> leaked;
    do {
      leaked = leaked(model);
      if (leaked.isEmpty()) {
        break;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    Map<String, Long> byState =
        model.keys().stream()
            .collect(
                Collectors.groupingBy(
                    k -> k.keyStateAsString(), TreeMap::new, Collectors.counting()));
    int aliases =
        (int)
            model.aliases().stream()
                .filter(a -> a.aliasName().startsWith("alias/SPIRE_SERVER/"))
                .count();
    List<String> lost = new ArrayList<>();
    for (String id : KEY_IDS) {
      boolean found =
          model.aliases().stream()
              .anyMatch(
                  a ->
                      a.aliasName().endsWith("/" + id)
                          && a.targetKeyId() != null
                          && model.keyState(a.targetKeyId()) == KeyState.ENABLED);
      if (!found) {
        lost.add(id);
      }
    }
    return new SoakInventory(byState, aliases, leaked, lost);
  }

  private static List<String> leaked(KmsModel model) {
    Set<String> aliased =
        model.aliases().stream()
            .map(a -> a.targetKeyId())
            .filter(id -> id != null)
            .collect(Collectors.toSet());
    return model.keys().stream()
        .filter(k -> k.keyState() != KeyState.PENDING_DELETION && !aliased.contains(k.keyId()))
        .map(KeyMetadata::arn)
        .toList();
  }
}
