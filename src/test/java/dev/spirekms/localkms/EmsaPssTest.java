package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class EmsaPssTest {
  private final SecureRandom random = new SecureRandom();

  @Test
  void encodedMessageHasTheRfcLayout() throws Exception {
    byte[] mHash = MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3});

    byte[] em = EmsaPss.encode(mHash, "SHA-256", 2047, random);

    assertEquals(256, em.length);
    assertEquals((byte) 0xbc, em[255], "trailer field");
    assertEquals(0, em[0] & 0x80, "leftmost bit cleared for emBits = 2047");
  }

  @Test
  void mgf1MatchesItsDefinition() throws Exception {
    byte[] seed = "seed".getBytes();
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update(seed);
    sha256.update(new byte[] {0, 0, 0, 0});
    byte[] block0 = sha256.digest();
    sha256.update(seed);
    sha256.update(new byte[] {0, 0, 0, 1});
    byte[] block1 = sha256.digest();

    byte[] mask = EmsaPss.mgf1(seed, 40, "SHA-256");

    byte[] expected = new byte[40];
    System.arraycopy(block0, 0, expected, 0, 32);
    System.arraycopy(block1, 0, expected, 32, 8);
    assertArrayEquals(expected, mask);
    assertEquals(
        HexFormat.of().formatHex(block0).substring(0, 16),
        HexFormat.of().formatHex(EmsaPss.mgf1(seed, 8, "SHA-256")));
  }

  @Test
  void rejectsWhatRfc8017Rejects() {
    assertThrows(
        IllegalArgumentException.class,
        () -> EmsaPss.encode(new byte[31], "SHA-256", 2047, random),
        "hash of the wrong length");
    assertThrows(
        IllegalArgumentException.class,
        () -> EmsaPss.encode(new byte[64], "SHA-512", 1000, random),
        "modulus too short for hash and salt");
    assertThrows(
        IllegalArgumentException.class,
        () -> EmsaPss.encode(new byte[32], "SHA-999", 2047, random));
  }
}
