package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.testing.SvidVerifier;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoCertificatesTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
  private static final String SPIFFE_ID = "spiffe://example.org/workload";

  private static DemoCertificates.Issued issue(LocalKeySigner signer)
      throws GeneralSecurityException {
    return DemoCertificates.issue(
        signer,
        "x509-CA-A",
        KeyType.EC_P256,
        signer.keyPair.getPublic(),
        "example.org",
        SPIFFE_ID,
        NOW);
  }

  @Test
  void theSvidIsOneAWorkloadAcceptsUnderTheCa() throws GeneralSecurityException {
    LocalKeySigner signer = LocalKeySigner.ec("secp256r1");

    DemoCertificates.Issued issued = issue(signer);
    DemoCertificates.verify(issued, NOW);

    X509Certificate leaf =
        SvidVerifier.verifyX509Svid(
            List.of(issued.svid()), List.of(issued.ca()), SPIFFE_ID, NOW.plusSeconds(60));
    assertEquals("O=SPIRE,C=US", leaf.getSubjectX500Principal().getName());
    assertEquals(issued.ca().getSubjectX500Principal(), leaf.getIssuerX500Principal());
    // both signatures came from the signer, for the CA key, as SHA-256 digests
    assertEquals(
        List.of(
            new LocalKeySigner.Call("x509-CA-A", 32, HashAlgorithm.SHA256),
            new LocalKeySigner.Call("x509-CA-A", 32, HashAlgorithm.SHA256)),
        signer.calls);
    assertEquals("SHA256withECDSA", leaf.getSigAlgName());
  }

  @Test
  void theCaIsASelfSignedSigningCertificateForTheTrustDomain() throws Exception {
    LocalKeySigner signer = LocalKeySigner.ec("secp256r1");

    X509Certificate ca = issue(signer).ca();

    assertArrayEquals(signer.keyPair.getPublic().getEncoded(), ca.getPublicKey().getEncoded());
    assertEquals("O=SPIFFE,C=US", ca.getSubjectX500Principal().getName());
    assertEquals(ca.getSubjectX500Principal(), ca.getIssuerX500Principal());
    ca.verify(signer.keyPair.getPublic());
    // X509-SVID §4.1 and §4.3: CA=true, keyCertSign, both critical
    assertTrue(ca.getBasicConstraints() >= 0);
    assertTrue(ca.getCriticalExtensionOIDs().contains("2.5.29.19"));
    assertTrue(ca.getCriticalExtensionOIDs().contains("2.5.29.15"));
    boolean[] usage = ca.getKeyUsage();
    assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign");
    assertTrue(!usage[0], "no digitalSignature");
    Collection<List<?>> names = ca.getSubjectAlternativeNames();
    assertEquals(List.of(List.of(6, "spiffe://example.org")), List.copyOf(names));
    assertEquals(
        Duration.ofHours(24),
        Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()));
    assertEquals(NOW.getEpochSecond(), ca.getNotBefore().toInstant().getEpochSecond());
  }

  @Test
  void theSvidSurvivesAnEncodeAndParse() throws Exception {
    DemoCertificates.Issued issued = issue(LocalKeySigner.ec("secp256r1"));
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    X509Certificate parsed =
        (X509Certificate)
            factory.generateCertificate(
                new java.io.ByteArrayInputStream(issued.svid().getEncoded()));

    DemoCertificates.verify(new DemoCertificates.Issued(issued.ca(), parsed), NOW);
    assertEquals(issued.svid(), parsed);
  }

  @Test
  void aTamperedSignatureFailsTheDemosVerification() throws GeneralSecurityException {
    LocalKeySigner tampering = LocalKeySigner.ec("secp256r1").tampering(LocalKeySigner::flipABit);

    DemoCertificates.Issued issued = issue(tampering);

    assertThrows(GeneralSecurityException.class, () -> DemoCertificates.verify(issued, NOW));
    assertThrows(
        AssertionError.class,
        () -> SvidVerifier.verifyX509Svid(List.of(issued.svid()), List.of(issued.ca()), SPIFFE_ID));
  }

  @Test
  void aSignatureByAnotherKeyFailsTheChain() throws GeneralSecurityException {
    LocalKeySigner signer = LocalKeySigner.ec("secp256r1");
    LocalKeySigner other = LocalKeySigner.ec("secp256r1");
    // the certificates carry the signer's public key, but the other key signs them
    DemoCertificates.Issued issued =
        DemoCertificates.issue(
            other,
            "x509-CA-A",
            KeyType.EC_P256,
            signer.keyPair.getPublic(),
            "example.org",
            SPIFFE_ID,
            NOW);

    assertThrows(GeneralSecurityException.class, () -> DemoCertificates.verify(issued, NOW));
  }

  @Test
  void anSvidUnderAnotherCaDoesNotValidate() throws GeneralSecurityException {
    DemoCertificates.Issued one = issue(LocalKeySigner.ec("secp256r1"));
    DemoCertificates.Issued two = issue(LocalKeySigner.ec("secp256r1"));

    assertThrows(
        CertPathValidatorException.class,
        () -> DemoCertificates.verify(new DemoCertificates.Issued(two.ca(), one.svid()), NOW));
  }

  @Test
  void theSvidHasExpiredAfterItsTtl() throws GeneralSecurityException {
    DemoCertificates.Issued issued = issue(LocalKeySigner.ec("secp256r1"));

    DemoCertificates.verify(issued, NOW.plus(Duration.ofMinutes(59)));
    assertThrows(
        CertPathValidatorException.class,
        () -> DemoCertificates.verify(issued, NOW.plus(Duration.ofMinutes(61))));
  }

  @Test
  void aP384CaKeySignsWithSha384() throws GeneralSecurityException {
    LocalKeySigner signer = LocalKeySigner.ec("secp384r1");

    DemoCertificates.Issued issued =
        DemoCertificates.issue(
            signer,
            "x509-CA-A",
            KeyType.EC_P384,
            signer.keyPair.getPublic(),
            "example.org",
            SPIFFE_ID,
            NOW);

    DemoCertificates.verify(issued, NOW);
    assertEquals("SHA384withECDSA", issued.ca().getSigAlgName());
    assertEquals(HashAlgorithm.SHA384, signer.calls.get(0).hash());
    assertEquals(48, signer.calls.get(0).digestLength());
  }
}
