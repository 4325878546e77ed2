package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoleChainTest {

  private static final String ARN = "arn:aws:iam::123456789012:role/spire-kms";
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void noneHasNoHopsAndDerivesTheSessionName() {
    RoleChain none = RoleChain.none();
    assertTrue(none.isEmpty());
    assertEquals(List.of(), none.hops());
    assertEquals(Optional.empty(), none.sessionName());
    assertEquals("spire-server-srv-a", none.sessionName("srv-a"));
  }

  @Test
  void aChainWithHopsIsNotEmpty() {
    RoleChain chain =
        new RoleChain(List.of(new RoleHop(ARN, Optional.empty(), HOUR)), Optional.empty());
    assertFalse(chain.isEmpty());
    assertEquals(ARN, chain.hops().get(0).roleArn());
  }

  @Test
  void configuredSessionNameWinsOverTheDerivedOne() {
    RoleChain chain =
        new RoleChain(List.of(new RoleHop(ARN, Optional.empty(), HOUR)), Optional.of("ops-42"));
    assertEquals("ops-42", chain.sessionName("srv-a"));
    assertEquals(Optional.of("ops-42"), chain.sessionName());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // A server id from key_identifier_file: a UUID, kept as it is.
        "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b | spire-server-6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b",
        "a/b/c | spire-server-a-b-c",
        "A_Z+=,.@-09 | spire-server-A_Z+=,.@-09",
        "'a b:c;d' | spire-server-a-b-c-d",
        "é | spire-server--",
        "\uD83D\uDE00x | spire-server--x",
        "'' | spire-server-"
      })
  void defaultSessionNameReplacesWhatStsRejects(String serverId, String expected) {
    assertEquals(expected, RoleChain.defaultSessionName(serverId));
  }

  @Test
  void defaultSessionNameIsCutTo64Characters() {
    String serverId = "x".repeat(40) + "y".repeat(216);
    String name = RoleChain.defaultSessionName(serverId);
    assertEquals(64, name.length());
    assertEquals("spire-server-" + "x".repeat(40) + "y".repeat(11), name);
    // 51 characters of id fit exactly; the cut comes after sanitising.
    assertEquals("spire-server-" + "-".repeat(51), RoleChain.defaultSessionName("/".repeat(52)));
    assertTrue(RoleChain.defaultSessionName("a".repeat(51)).endsWith("a"));
    assertEquals(64, RoleChain.defaultSessionName("a".repeat(51)).length());
    assertEquals(63, RoleChain.defaultSessionName("a".repeat(50)).length());
  }

  @Test
  void everyDerivedSessionNameMeetsStsRule() {
    for (String id : List.of("é".repeat(100), "a b", "srv", "\u0000\u007f", "x".repeat(300))) {
      String name = RoleChain.defaultSessionName(id);
      assertTrue(name.matches("[\\w+=,.@-]{2,64}"), name);
    }
  }

  @Test
  void defaultSessionNameRejectsNull() {
    assertThrows(NullPointerException.class, () -> RoleChain.defaultSessionName(null));
  }

  @Test
  void hopsAreCopiedAndCannotBeChanged() {
    List<RoleHop> hops = new ArrayList<>(List.of(new RoleHop(ARN, Optional.empty(), HOUR)));
    RoleChain chain = new RoleChain(hops, Optional.empty());
    hops.add(new RoleHop(ARN, Optional.empty(), HOUR));
    assertEquals(1, chain.hops().size());
    assertThrows(
        UnsupportedOperationException.class,
        () -> chain.hops().add(new RoleHop(ARN, Optional.empty(), HOUR)));
  }

  @Test
  void recordsRejectNull() {
    assertThrows(NullPointerException.class, () -> new RoleChain(null, Optional.empty()));
    assertThrows(NullPointerException.class, () -> new RoleChain(List.of(), null));
    assertThrows(NullPointerException.class, () -> new RoleHop(null, Optional.empty(), HOUR));
    assertThrows(NullPointerException.class, () -> new RoleHop(ARN, null, HOUR));
    assertThrows(NullPointerException.class, () -> new RoleHop(ARN, Optional.empty(), null));
  }

  @Test
  void toStringShowsOnlyWhetherAnExternalIdIsSet() {
    RoleHop withId = new RoleHop(ARN, Optional.of("very-secret-id"), Duration.ofMinutes(90));
    assertEquals("RoleHop[roleArn=" + ARN + ", externalId=set, duration=1h30m]", withId.toString());
    assertEquals(
        "RoleHop[roleArn=" + ARN + ", externalId=none, duration=1h]",
        new RoleHop(ARN, Optional.empty(), HOUR).toString());
    RoleChain chain = new RoleChain(List.of(withId), Optional.of("s1"));
    assertFalse(chain.toString().contains("very-secret-id"), chain.toString());
    assertTrue(chain.toString().contains("externalId=set"), chain.toString());
  }

  @Test
  void equalityCoversEveryComponent() {
    RoleHop hop = new RoleHop(ARN, Optional.of("id-1"), HOUR);
    assertEquals(hop, new RoleHop(ARN, Optional.of("id-1"), Duration.ofMinutes(60)));
    assertFalse(hop.equals(new RoleHop(ARN, Optional.of("id-2"), HOUR)));
    assertFalse(hop.equals(new RoleHop(ARN, Optional.empty(), HOUR)));
    assertFalse(hop.equals(new RoleHop(ARN, Optional.of("id-1"), Duration.ofHours(2))));
    RoleChain chain = new RoleChain(List.of(hop), Optional.empty());
    assertEquals(chain, new RoleChain(List.of(hop), Optional.empty()));
    assertFalse(chain.equals(new RoleChain(List.of(hop), Optional.of("s1"))));
    assertFalse(chain.equals(RoleChain.none()));
  }
}
