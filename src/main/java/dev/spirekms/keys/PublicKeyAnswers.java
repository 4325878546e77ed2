package dev.spirekms.keys;

import dev.spirekms.keys.KeyStoreException.Kind;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;

/**
 * Turns a GetPublicKey answer for a key found at start-up into its entry: the key spec must be one
 * SPIRE knows, and the public key must be there. Each discovery names the failures in its own words
 * (upstream's, for alias mode and tag mode).
 */
final class PublicKeyAnswers {
  private PublicKeyAnswers() {}

  /**
   * @param unsupportedSpec the message for a key spec SPIRE does not use: {@code %s} the spec, then
   *     {@code subject}
   * @param subject what names the key in that message (its alias, or its ARN)
   * @param malformed the message for a missing or empty public key
   * @throws KeyStoreException (INTERNAL) with one of those messages
   */
  static KeyEntry toEntry(
      GetPublicKeyResponse response,
      String spireKeyId,
      String keyArn,
      String aliasName,
      String unsupportedSpec,
      String subject,
      String malformed) {
    SpireKeyType type =
        SpireKeyType.fromKeySpec(response.keySpec())
            .orElseThrow(
                () ->
                    new KeyStoreException(
                        Kind.INTERNAL,
                        String.format(unsupportedSpec, response.keySpecAsString(), subject)));
    if (response.publicKey() == null || response.publicKey().asByteArrayUnsafe().length == 0) {
      throw new KeyStoreException(Kind.INTERNAL, malformed);
    }
    byte[] pkix = response.publicKey().asByteArray();
    return new KeyEntry(spireKeyId, type, keyArn, aliasName, pkix, Fingerprints.of(pkix));
  }
}
