package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;

class KeyPairSourceTest {
  @Test
  void pairsGeneratedAheadAreFreshAndOfTheAskedSpec() {
    KeyPairSource source = KeyPairSource.ahead(new SecureRandom());

    KeyPair first = source.next(SupportedKeySpec.RSA_2048);
    KeyPair second = source.next(SupportedKeySpec.RSA_2048);
    KeyPair ec = source.next(SupportedKeySpec.ECC_NIST_P256);

    assertEquals(2048, ((RSAPublicKey) first.getPublic()).getModulus().bitLength());
    assertEquals(2048, ((RSAPublicKey) second.getPublic()).getModulus().bitLength());
    assertNotEquals(first.getPublic(), second.getPublic(), "a pair is handed out once");
    assertEquals(
        256, ((ECPublicKey) ec.getPublic()).getParams().getCurve().getField().getFieldSize());
  }

  @Test
  void onDemandGeneratesEachPairWhenAsked() {
    KeyPairSource source = KeyPairSource.onDemand(new SecureRandom());

    KeyPair rsa = source.next(SupportedKeySpec.RSA_2048);

    assertEquals(2048, ((RSAPublicKey) rsa.getPublic()).getModulus().bitLength());
  }
}
