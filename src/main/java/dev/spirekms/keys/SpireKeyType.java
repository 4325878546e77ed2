package dev.spirekms.keys;

import java.util.Optional;
import software.amazon.awssdk.services.kms.model.KeySpec;

/** The key types SPIRE asks for, with the KMS key spec each one is created as. */
public enum SpireKeyType {
  EC_P256(KeySpec.ECC_NIST_P256),
  EC_P384(KeySpec.ECC_NIST_P384),
  RSA_2048(KeySpec.RSA_2048),
  RSA_4096(KeySpec.RSA_4096);

  private final KeySpec keySpec;

  SpireKeyType(KeySpec keySpec) {
    this.keySpec = keySpec;
  }

  public KeySpec keySpec() {
    return keySpec;
  }

  public boolean isRsa() {
    return this == RSA_2048 || this == RSA_4096;
  }

  /** The SPIRE key type of a KMS key spec, or empty for a spec SPIRE never asks for. */
  public static Optional<SpireKeyType> fromKeySpec(KeySpec spec) {
    for (SpireKeyType type : values()) {
      if (type.keySpec == spec) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
