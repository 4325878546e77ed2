package dev.spirekms.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules for the server id: upstream's checks of {@code key_identifier_value}, and whether the
 * alias names built from the trust domain and the server id fit KMS's limit.
 */
final class ServerIdRules {

  // A server id read from key_identifier_file is a canonical UUID.
  static final int FILE_SERVER_ID_LENGTH = 36;
  static final int MAX_VALUE_LENGTH = 256;

  // Characters KMS allows in alias names. Upstream's check, .*[^A-z0-9/_-].*, also lets
  // [ \ ] ^ ` through; KMS would then refuse every alias, so they are refused here.
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9/_-]+");

  private ServerIdRules() {}

  /** Every problem with a {@code key_identifier_value}, in upstream's words. */
  static List<String> valueProblems(String value) {
    List<String> problems = new ArrayList<>();
    if (!VALUE.matcher(value).matches()) {
      problems.add(ConfigMessages.KEY_IDENTIFIER_CHARACTERS);
    }
    if (value.startsWith("alias/aws/")) {
      problems.add(ConfigMessages.KEY_IDENTIFIER_AWS_PREFIX);
    }
    if (value.length() > MAX_VALUE_LENGTH) {
      problems.add(ConfigMessages.KEY_IDENTIFIER_TOO_LONG);
    }
    return problems;
  }

  /**
   * Why alias names for this trust domain and server id would not fit in KMS, or empty when they
   * fit.
   *
   * @param sanitizedTrustDomain the trust domain as it appears in KMS names
   * @param serverIdLength the length of the server id
   * @param fromFile whether the server id comes from {@code key_identifier_file}
   */
  static Optional<String> aliasLengthProblem(
      String sanitizedTrustDomain, int serverIdLength, boolean fromFile) {
    int prefix =
        KmsAliasNames.PREFIX.length() + sanitizedTrustDomain.length() + 1 + serverIdLength + 1;
    if (prefix + KmsAliasNames.RESERVED_KEY_ID_LENGTH <= KmsAliasNames.MAX_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            fromFile ? ConfigMessages.ALIAS_TOO_LONG_FILE : ConfigMessages.ALIAS_TOO_LONG_VALUE,
            prefix,
            KmsAliasNames.MAX_LENGTH,
            KmsAliasNames.RESERVED_KEY_ID_LENGTH));
  }
}
