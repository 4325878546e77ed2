package dev.spirekms.localkms;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * EMSA-PSS encoding of an already computed message hash (RFC 8017 §9.1.1), with MGF1 (RFC 8017
 * §B.2.1) over the same hash and a salt as long as the hash, which is what KMS uses for its
 * RSASSA_PSS_* algorithms.
 *
 * <p>This is written here because the JDK's {@code RSASSA-PSS} signature always hashes the message
 * itself and offers no way to sign a pre-computed digest. The encoded message is then signed with
 * raw RSA, and every signature it makes is checked against the JDK's own PSS verifier in the tests.
 */
final class EmsaPss {
  private EmsaPss() {}

  /**
   * Encodes {@code mHash} into an encoded message of {@code ceil(emBits / 8)} bytes.
   *
   * @param mHash the message hash, as long as the hash's output
   * @param hashAlgorithm the JDK MessageDigest name, e.g. {@code SHA-256}
   * @param emBits the maximal bit length of the encoded message: modulus bits minus one
   * @param random source of the salt
   */
  static byte[] encode(byte[] mHash, String hashAlgorithm, int emBits, SecureRandom random) {
    MessageDigest digest = newDigest(hashAlgorithm);
    int hLen = digest.getDigestLength();
    if (mHash.length != hLen) {
      throw new IllegalArgumentException("message hash must be " + hLen + " bytes");
    }
    int sLen = hLen;
    int emLen = (emBits + 7) / 8;
    // RFC 8017 §9.1.1 step 3.
    if (emLen < hLen + sLen + 2) {
      throw new IllegalArgumentException("encoding error: modulus too short for " + hashAlgorithm);
    }
    byte[] salt = new byte[sLen];
    random.nextBytes(salt);

    // Steps 5-6: M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt; H = Hash(M').
    digest.update(new byte[8]);
    digest.update(mHash);
    digest.update(salt);
    byte[] h = digest.digest();

    // Steps 7-8: DB = PS || 0x01 || salt, where PS is zero bytes.
    byte[] db = new byte[emLen - hLen - 1];
    db[db.length - sLen - 1] = 0x01;
    System.arraycopy(salt, 0, db, db.length - sLen, sLen);

    // Steps 9-10: maskedDB = DB xor MGF1(H, emLen - hLen - 1).
    byte[] mask = mgf1(h, db.length, hashAlgorithm);
    for (int i = 0; i < db.length; i++) {
      db[i] ^= mask[i];
    }

    // Step 11: clear the leftmost 8 * emLen - emBits bits of maskedDB.
    int unusedBits = 8 * emLen - emBits;
    db[0] &= (byte) (0xFF >>> unusedBits);

    // Step 12: EM = maskedDB || H || 0xbc.
    byte[] em = new byte[emLen];
    System.arraycopy(db, 0, em, 0, db.length);
    System.arraycopy(h, 0, em, db.length, hLen);
    em[emLen - 1] = (byte) 0xbc;
    return em;
  }

  /** MGF1 (RFC 8017 §B.2.1): the first {@code maskLen} bytes of Hash(seed || counter) blocks. */
  static byte[] mgf1(byte[] seed, int maskLen, String hashAlgorithm) {
    MessageDigest digest = newDigest(hashAlgorithm);
    int hLen = digest.getDigestLength();
    byte[] mask = new byte[maskLen];
    int offset = 0;
    for (int counter = 0; offset < maskLen; counter++) {
      digest.update(seed);
      digest.update(ByteBuffer.allocate(4).putInt(counter).array());
      byte[] block = digest.digest();
      int n = Math.min(hLen, maskLen - offset);
      System.arraycopy(block, 0, mask, offset, n);
      offset += n;
    }
    return mask;
  }

  private static MessageDigest newDigest(String hashAlgorithm) {
    try {
      return MessageDigest.getInstance(hashAlgorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("unknown hash " + hashAlgorithm, e);
    }
  }
}
