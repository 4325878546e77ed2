package dev.spirekms.cli;

import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * What SPIRE server does with an X.509 CA key: a self-signed CA certificate for the trust domain,
 * signed through the KeyManager so that the key never leaves KMS, and an X509-SVID issued by it.
 * The SVID's own key is made here, as a workload's would be.
 *
 * <p>The certificates follow the X509-SVID standard: the CA has critical basicConstraints CA=true,
 * critical keyUsage keyCertSign and cRLSign and the trust domain's SPIFFE ID as its only URI SAN;
 * the SVID has critical basicConstraints CA=false, critical keyUsage with digitalSignature and
 * without keyCertSign or cRLSign, and its SPIFFE ID as its only URI SAN.
 */
final class DemoCertificates {
  // SPIRE server's defaults: ca_ttl 24h, default_x509_svid_ttl 1h, subjects O=SPIFFE and O=SPIRE
  static final Duration CA_TTL = Duration.ofHours(24);
  static final Duration SVID_TTL = Duration.ofHours(1);
  static final String CA_SUBJECT = "C=US,O=SPIFFE";
  static final String SVID_SUBJECT = "C=US,O=SPIRE";

  /** The CA certificate and an X509-SVID it issued. */
  record Issued(X509Certificate ca, X509Certificate svid) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private DemoCertificates() {}

  /**
   * Builds the CA certificate for {@code trustDomain} around {@code caKey} and signs it with {@code
   * caKeyId} through {@code signer}, then issues an X509-SVID for {@code spiffeId} with a new P-256
   * key, also signed by the CA key.
   */
  static Issued issue(
      KeySigner signer,
      String caKeyId,
      KeyType caKeyType,
      PublicKey caKey,
      String trustDomain,
      String spiffeId,
      Instant now)
      throws GeneralSecurityException {
    Instant notBefore = now.truncatedTo(ChronoUnit.SECONDS);
    ContentSigner caSigner = new KeyManagerContentSigner(signer, caKeyId, caKeyType);
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    X500Name caName = new X500Name(CA_SUBJECT);
    try {
      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(
                  caName,
                  serial(),
                  Date.from(notBefore),
                  Date.from(notBefore.plus(CA_TTL)),
                  caName,
                  caKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(caKey))
              .addExtension(
                  Extension.subjectAlternativeName, false, uri("spiffe://" + trustDomain));
      X509Certificate caCertificate = certificate(ca, caSigner);

      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair svidKey = generator.generateKeyPair();
      X509v3CertificateBuilder svid =
          new JcaX509v3CertificateBuilder(
                  caCertificate,
                  serial(),
                  Date.from(notBefore),
                  Date.from(notBefore.plus(SVID_TTL)),
                  new X500Name(SVID_SUBJECT),
                  svidKey.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(
                      KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(
                      new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                      }))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(svidKey.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(caCertificate))
              .addExtension(Extension.subjectAlternativeName, false, uri(spiffeId));
      return new Issued(caCertificate, certificate(svid, caSigner));
    } catch (CertIOException e) {
      throw new GeneralSecurityException(CliMessages.DEMO_EXTENSION_NOT_ENCODED, e);
    }
  }

  /**
   * Validates the SVID's chain with the JDK's PKIX validator, the CA as its only trust anchor, at
   * {@code now}; throws if it does not validate.
   */
  static void verify(Issued issued, Instant now) throws GeneralSecurityException {
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(issued.ca(), null)));
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(now));
    CertPathValidator.getInstance("PKIX")
        .validate(
            CertificateFactory.getInstance("X.509").generateCertPath(List.of(issued.svid())),
            parameters);
    // the self-signed CA's own signature, which PKIX takes on trust
    issued.ca().verify(issued.ca().getPublicKey());
  }

  private static X509Certificate certificate(X509v3CertificateBuilder builder, ContentSigner signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (KeyManagerContentSigner.SigningFailure e) {
      throw e.getCause();
    }
  }

  private static GeneralNames uri(String uri) {
    return new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
  }

  // RFC 5280 §4.1.2.2: a positive serial number of at most 20 octets
  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  /** A BouncyCastle ContentSigner whose signature comes from the KeyManager's SignData. */
  private static final class KeyManagerContentSigner implements ContentSigner {
    private final KeySigner signer;
    private final String keyId;
    private final String digestAlgorithm;
    private final HashAlgorithm hash;
    private final AlgorithmIdentifier algorithm;
    private ByteArrayOutputStream data = new ByteArrayOutputStream();

    KeyManagerContentSigner(KeySigner signer, String keyId, KeyType type) {
      this.signer = signer;
      this.keyId = keyId;
      // SPIRE server signs CA certificates with SHA-384 for P-384 keys, SHA-256 otherwise
      boolean sha384 = type == KeyType.EC_P384;
      boolean rsa = type == KeyType.RSA_2048 || type == KeyType.RSA_4096;
      this.digestAlgorithm = sha384 ? "SHA-384" : "SHA-256";
      this.hash = sha384 ? HashAlgorithm.SHA384 : HashAlgorithm.SHA256;
      String name = (sha384 ? "SHA384" : "SHA256") + (rsa ? "withRSA" : "withECDSA");
      this.algorithm = new DefaultSignatureAlgorithmIdentifierFinder().find(name);
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return algorithm;
    }

    @Override
    public OutputStream getOutputStream() {
      data = new ByteArrayOutputStream();
      return data;
    }

    @Override
    public byte[] getSignature() {
      try {
        byte[] digest = MessageDigest.getInstance(digestAlgorithm).digest(data.toByteArray());
        return signer.sign(keyId, digest, hash);
      } catch (GeneralSecurityException e) {
        throw new SigningFailure(e);
      }
    }

    /** Carries a signing failure through BouncyCastle's builder, which allows no checked one. */
    static final class SigningFailure extends RuntimeException {
      private static final long serialVersionUID = 1L;

      SigningFailure(GeneralSecurityException cause) {
        super(cause);
      }

      @Override
      public synchronized GeneralSecurityException getCause() {
        return (GeneralSecurityException) super.getCause();
      }
    }
  }
}
