package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.KmsAliasNames;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyNamingTest {
  private static final String SERVER = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  private final KeyNaming naming = new KeyNaming("test.example.org", SERVER);

  @Test
  void aliasFollowsUpstreamScheme() {
    assertEquals(
        "alias/SPIRE_SERVER/test_example_org/" + SERVER + "/spireKeyID",
        naming.aliasName("spireKeyID"));
  }

  @Test
  void anAliasPrefixTheConfigAcceptsLeavesRoomForAReservedKeyId() {
    // the longest server id config accepts for example.org: the prefix plus the reserve fill KMS's
    // limit exactly
    String longest =
        "a"
            .repeat(
                KmsAliasNames.MAX_LENGTH
                    - KmsAliasNames.RESERVED_KEY_ID_LENGTH
                    - KmsAliasNames.PREFIX.length()
                    - "example_org".length()
                    - 2);
    KeyNaming edge = new KeyNaming("example.org", longest);
    String alias = edge.aliasName("k".repeat(KmsAliasNames.RESERVED_KEY_ID_LENGTH));
    assertEquals(KmsAliasNames.MAX_LENGTH, alias.length());
    assertTrue(alias.startsWith(KmsAliasNames.PREFIX));
  }

  @Test
  void specialCharactersAreEncodedInAliasButNotInDescription() {
    assertEquals(
        "alias/SPIRE_SERVER/test_example_org/" + SERVER + "/bundle-acme-foo_2ebar_2brsa",
        naming.aliasName("bundle-acme-foo.bar+rsa"));
    assertEquals(
        "SPIRE_SERVER_KEY/test_example_org/bundle-acme-foo.bar+rsa",
        naming.description("bundle-acme-foo.bar+rsa"));
  }

  @ParameterizedTest
  @CsvSource({"x509-CA-A", "JWT-Signer-B", "bundle-acme-foo.bar+rsa", "a.b.c+d+e"})
  void keyIdsRoundTrip(String keyId) {
    assertEquals(Optional.of(keyId), naming.spireKeyIdOf(naming.aliasName(keyId)));
  }

  @Test
  void onlyThisServersAliasesYieldKeyIds() {
    assertEquals(
        Optional.empty(), naming.spireKeyIdOf("alias/SPIRE_SERVER/test_example_org/other/x"));
    assertEquals(
        Optional.empty(), naming.spireKeyIdOf("alias/SPIRE_SERVER/test_example_org/" + SERVER));
    assertEquals(
        Optional.empty(),
        naming.spireKeyIdOf("alias/SPIRE_SERVER/test_example_org/" + SERVER + "/"));
    assertEquals(Optional.empty(), naming.spireKeyIdOf(null));
    assertEquals(
        Optional.empty(),
        naming.spireKeyIdOf("alias/SPIRE_SERVER/test_example_org/" + SERVER + "x/key"));
  }

  @Test
  void prefixesEndWithSlashSoLookAlikeTrustDomainsNeverMatch() {
    KeyNaming acme = new KeyNaming("acme.co", "s1");
    assertTrue(acme.isOtherServerAlias("alias/SPIRE_SERVER/acme_co/s2/x509-CA-A"));
    assertFalse(acme.isOtherServerAlias("alias/SPIRE_SERVER/acme_co_uk/s2/x509-CA-A"));
    assertFalse(acme.isOtherServerAlias("alias/SPIRE_SERVER/acme_co/s1/x509-CA-A"));
    assertFalse(acme.isOtherServerAlias(null));
    assertTrue(acme.isTrustDomainDescription("SPIRE_SERVER_KEY/acme_co/x509-CA-A"));
    assertFalse(acme.isTrustDomainDescription("SPIRE_SERVER_KEY/acme_co_uk/x509-CA-A"));
    assertFalse(acme.isTrustDomainDescription("SPIRE_SERVER_KEY/acme_co/"));
    assertFalse(acme.isTrustDomainDescription("SPIRE_SERVER_KEY/acme_co"));
    assertFalse(acme.isTrustDomainDescription("SPIRE_SERVER_KEY/"));
    assertFalse(acme.isTrustDomainDescription(null));
  }

  @Test
  void sanitisingMapsDotsToUnderscores() {
    assertEquals("a_b", KeyNaming.sanitize("a.b"));
    assertEquals("a_b", KeyNaming.sanitize("a_b"));
    assertEquals(
        "alias/SPIRE_SERVER/acme_co/", new KeyNaming("acme.co", "s").trustDomainAliasPrefix());
    assertEquals("SPIRE_SERVER_KEY/acme_co/", new KeyNaming("acme.co", "s").descriptionPrefix());
    assertEquals("s", new KeyNaming("acme.co", "s").serverId());
    assertEquals("acme_co", new KeyNaming("acme.co", "s").sanitizedTrustDomain());
  }

  @Test
  void aServerWhoseIdExtendsOursWithASlashIsAnotherServer() {
    KeyNaming a = new KeyNaming("td", "a");
    KeyNaming ab = new KeyNaming("td", "a/b");
    String nested = ab.aliasName("x509-CA-A");
    assertEquals(Optional.empty(), a.spireKeyIdOf(nested));
    assertTrue(a.isOtherServerAlias(nested));
    assertEquals(Optional.of("x509-CA-A"), ab.spireKeyIdOf(nested));
    assertFalse(ab.isOtherServerAlias(nested));
    assertTrue(ab.isOtherServerAlias(a.aliasName("x509-CA-A")));
    assertFalse(a.isOtherServerAlias("alias/SPIRE_SERVER/td/no-key-segment"));
    assertFalse(a.isOtherServerAlias("alias/SPIRE_SERVER/td//x"));
    assertEquals(Optional.of("a/b"), a.otherServerIdOf(nested));
    assertEquals(Optional.of("a"), ab.otherServerIdOf(a.aliasName("x509-CA-A")));
    assertEquals(Optional.empty(), a.otherServerIdOf(a.aliasName("x509-CA-A")));
  }
}
