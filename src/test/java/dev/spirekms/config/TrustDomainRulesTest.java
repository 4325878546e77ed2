package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrustDomainRulesTest {

  @ParameterizedTest
  @ValueSource(strings = {"example.org", "a", "a_b", "x-1.y_2.z", "123", "a-"})
  void acceptsTrustDomainNames(String name) {
    assertEquals(Optional.empty(), TrustDomainRules.problem(name));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|trust domain is missing",
        "spiffe://example.org|trust domain must be a name without the spiffe:// scheme",
        "https://example.org|trust domain must be a name, not a URL",
        "Example.org|trust domain characters are limited to lowercase letters, numbers, dots,"
            + " dashes, and underscores",
        "example.org/path|trust domain characters are limited to lowercase letters, numbers, dots,"
            + " dashes, and underscores",
        "exa mple|trust domain characters are limited to lowercase letters, numbers, dots, dashes,"
            + " and underscores",
        "example.org:443|trust domain characters are limited to lowercase letters, numbers, dots,"
            + " dashes, and underscores",
        "\u00e9xample|trust domain characters are limited to lowercase letters, numbers, dots,"
            + " dashes, and underscores",
        ".example.org|trust domain must not have empty labels",
        "example.org.|trust domain must not have empty labels",
        "example..org|trust domain must not have empty labels",
        "'.'|trust domain must not have empty labels",
      })
  void rejectsMalformedNames(String name, String reason) {
    assertEquals(Optional.of(reason), TrustDomainRules.problem(name));
  }

  @org.junit.jupiter.api.Test
  void limitsTheLengthTo255() {
    assertEquals(Optional.empty(), TrustDomainRules.problem("a".repeat(255)));
    assertEquals(
        Optional.of("trust domain must not be longer than 255 characters"),
        TrustDomainRules.problem("a".repeat(256)));
  }
}
