package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KmsAliasNamesTest {

  @ParameterizedTest
  @CsvSource({"example.org,example_org", "a_b,a_b", "a.b.c,a_b_c", "plain,plain"})
  void sanitizesDotsToUnderscores(String name, String sanitized) {
    assertEquals(sanitized, KmsAliasNames.sanitizeTrustDomain(name));
  }
}
