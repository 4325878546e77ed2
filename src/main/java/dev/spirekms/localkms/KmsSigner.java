package dev.spirekms.localkms;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.Cipher;

/**
 * Makes signatures in the formats KMS returns them (API Reference, Sign): ECDSA as an ASN.1 DER
 * {@code SEQUENCE {r, s}}, RSA as the raw signature. A RAW message is hashed here; a DIGEST is
 * signed as given.
 */
final class KmsSigner {
  private KmsSigner() {}

  static byte[] sign(
      PrivateKey key, SigningScheme scheme, boolean isDigest, byte[] message, SecureRandom random) {
    try {
      if (!isDigest) {
        return signMessage(key, scheme, message, random);
      }
      return switch (scheme.family()) {
        case ECDSA -> jdk("NONEwithECDSA", key, message, random);
        case PKCS1_V1_5 -> jdk("NONEwithRSA", key, digestInfo(scheme, message), random);
        case PSS -> signPssDigest((RSAPrivateKey) key, scheme, message, random);
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with " + scheme + " failed", e);
    }
  }

  /** PSS parameters KMS uses: MGF1 with the message hash, salt as long as the hash. */
  static PSSParameterSpec pssParameters(SigningScheme scheme) {
    return new PSSParameterSpec(
        scheme.hash(),
        "MGF1",
        new MGF1ParameterSpec(scheme.hash()),
        scheme.digestLength(),
        PSSParameterSpec.TRAILER_FIELD_BC);
  }

  private static byte[] signMessage(
      PrivateKey key, SigningScheme scheme, byte[] message, SecureRandom random)
      throws GeneralSecurityException {
    Signature signature = Signature.getInstance(scheme.jdkSignatureOverMessage());
    if (scheme.family() == SigningScheme.Family.PSS) {
      signature.setParameter(pssParameters(scheme));
    }
    signature.initSign(key, random);
    signature.update(message);
    return signature.sign();
  }

  private static byte[] jdk(String algorithm, PrivateKey key, byte[] data, SecureRandom random)
      throws GeneralSecurityException {
    Signature signature = Signature.getInstance(algorithm);
    signature.initSign(key, random);
    signature.update(data);
    return signature.sign();
  }

  private static byte[] digestInfo(SigningScheme scheme, byte[] digest) {
    byte[] prefix = scheme.digestInfoPrefix();
    byte[] encoded = new byte[prefix.length + digest.length];
    System.arraycopy(prefix, 0, encoded, 0, prefix.length);
    System.arraycopy(digest, 0, encoded, prefix.length, digest.length);
    return encoded;
  }

  /** RSASSA-PSS-SIGN (RFC 8017 §8.1.1) over a pre-computed hash: EMSA-PSS, then raw RSA. */
  private static byte[] signPssDigest(
      RSAPrivateKey key, SigningScheme scheme, byte[] digest, SecureRandom random)
      throws GeneralSecurityException {
    int modBits = key.getModulus().bitLength();
    byte[] em = EmsaPss.encode(digest, scheme.hash(), modBits - 1, random);
    Cipher rsa = Cipher.getInstance("RSA/ECB/NoPadding");
    rsa.init(Cipher.ENCRYPT_MODE, key);
    // The JDK returns the signature as k bytes, k the modulus length (RFC 8017 §8.1.1 step 2c).
    return rsa.doFinal(em);
  }
}
