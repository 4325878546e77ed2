package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;

class PublicKeyAnswersTest {
  private static final String ARN = "arn:aws:kms:us-east-1:111122223333:key/k";
  private static final String ALIAS = "alias/SPIRE_SERVER/td/srv/x509-CA-A";

  private static KeyEntry entry(GetPublicKeyResponse response) {
    return PublicKeyAnswers.toEntry(
        response, "x509-CA-A", ARN, ALIAS, "spec %s of %s", "the subject", "no public key");
  }

  @Test
  void anAnswerWithASpecSpireUsesBecomesTheEntry() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] pkix = generator.generateKeyPair().getPublic().getEncoded();

    KeyEntry entry =
        entry(
            GetPublicKeyResponse.builder()
                .keySpec(KeySpec.ECC_NIST_P256)
                .publicKey(SdkBytes.fromByteArray(pkix))
                .build());

    assertEquals(SpireKeyType.EC_P256, entry.type());
    assertEquals(ARN, entry.keyArn());
    assertEquals(ALIAS, entry.aliasName());
    assertArrayEquals(pkix, entry.pkixDer());
    assertEquals(Fingerprints.of(pkix), entry.fingerprint());
  }

  @Test
  void aSpecSpireDoesNotUseAndAMissingPublicKeyAreInternalErrorsInTheCallersWords() {
    KeyStoreException spec =
        assertThrows(
            KeyStoreException.class,
            () ->
                entry(
                    GetPublicKeyResponse.builder()
                        .keySpec(KeySpec.ECC_NIST_P521)
                        .publicKey(SdkBytes.fromByteArray(new byte[] {1}))
                        .build()));
    assertEquals(KeyStoreException.Kind.INTERNAL, spec.kind());
    assertEquals("spec ECC_NIST_P521 of the subject", spec.getMessage());

    KeyStoreException empty =
        assertThrows(
            KeyStoreException.class,
            () ->
                entry(
                    GetPublicKeyResponse.builder()
                        .keySpec(KeySpec.ECC_NIST_P256)
                        .publicKey(SdkBytes.fromByteArray(new byte[0]))
                        .build()));
    assertEquals("no public key", empty.getMessage());
    assertThrows(
        KeyStoreException.class,
        () -> entry(GetPublicKeyResponse.builder().keySpec(KeySpec.ECC_NIST_P256).build()));
  }
}
