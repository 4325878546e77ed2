package dev.spirekms.keys;

import java.util.Arrays;
import java.util.Objects;

/**
 * One SPIRE key as the plugin holds it: the KMS key behind the alias, and its public key.
 *
 * @param spireKeyId the id SPIRE gave the key
 * @param type the key type
 * @param keyArn the ARN of the KMS key the alias pointed at when this entry was made
 * @param aliasName the KMS alias of the key
 * @param pkixDer the public key, SubjectPublicKeyInfo DER
 * @param fingerprint lowercase hex SHA-256 of {@code pkixDer}
 */
public record KeyEntry(
    String spireKeyId,
    SpireKeyType type,
    String keyArn,
    String aliasName,
    byte[] pkixDer,
    String fingerprint) {

  public KeyEntry {
    Objects.requireNonNull(spireKeyId, "spireKeyId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(keyArn, "keyArn");
    Objects.requireNonNull(aliasName, "aliasName");
    pkixDer = pkixDer.clone();
    Objects.requireNonNull(fingerprint, "fingerprint");
  }

  @Override
  public byte[] pkixDer() {
    return pkixDer.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyEntry other
        && spireKeyId.equals(other.spireKeyId)
        && type == other.type
        && keyArn.equals(other.keyArn)
        && aliasName.equals(other.aliasName)
        && Arrays.equals(pkixDer, other.pkixDer)
        && fingerprint.equals(other.fingerprint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(spireKeyId, keyArn, fingerprint);
  }

  @Override
  public String toString() {
    return "KeyEntry[" + spireKeyId + ", " + type + ", " + keyArn + ", " + fingerprint + "]";
  }
}
