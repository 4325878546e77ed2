package dev.spirekms.cli;

import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import java.security.GeneralSecurityException;

/** Signs a digest with one of the plugin's keys, as SPIRE server does through SignData. */
@FunctionalInterface
interface KeySigner {
  /**
   * @param keyId SPIRE's key id, e.g. {@code x509-CA-A}
   * @param digest the digest of the data to sign
   * @param hash the hash that made {@code digest}
   * @return the signature as the KeyManager returns it (ASN.1 DER for ECDSA)
   */
  byte[] sign(String keyId, byte[] digest, HashAlgorithm hash) throws GeneralSecurityException;
}
