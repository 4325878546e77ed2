package dev.spirekms.doctor;

import dev.spirekms.config.KmsAliasNames;
import dev.spirekms.keys.KeyNaming;
import java.util.List;

/**
 * How much of KMS's 256 characters an alias name {@code alias/SPIRE_SERVER/<trust domain>/<server
 * id>/<key id>} leaves for SPIRE's key ids, for this trust domain and server id (a new id from
 * {@code key_identifier_file} is a 36-character UUID).
 */
final class AliasBudgetCheck implements Check {
  static final String NAME = "alias budget";
  static final int UUID_LENGTH = 36;
  static final String FITS =
      "the alias prefix takes %d of %d characters, leaving %d for key ids (at least %d are kept"
          + " free)";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(DoctorContext context, List<Finding> findings) {
    KeyNaming naming = context.naming();
    int serverIdLength = context.serverId().map(String::length).orElse(UUID_LENGTH);
    int prefix = naming.trustDomainAliasPrefix().length() + serverIdLength + 1;
    int left = KmsAliasNames.MAX_LENGTH - prefix;
    Object[] args = {prefix, KmsAliasNames.MAX_LENGTH, left, KmsAliasNames.RESERVED_KEY_ID_LENGTH};
    if (left < KmsAliasNames.RESERVED_KEY_ID_LENGTH) {
      findings.add(
          Finding.fail(
              NAME,
              String.format(DoctorMessages.ALIAS_PREFIX_TOO_LONG, args),
              DoctorMessages.FIX_ALIAS_PREFIX_TOO_LONG));
    } else {
      findings.add(Finding.ok(NAME, String.format(FITS, args)));
    }
  }
}
