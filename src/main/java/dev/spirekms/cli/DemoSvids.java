package dev.spirekms.cli;

import com.google.protobuf.ByteString;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.proto.keymanager.v1.SignDataResponse;
import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo's part that does what SPIRE server does with its keys: an X.509 CA certificate signed by
 * {@code x509-CA-A}, an X509-SVID issued by that CA, and a JWT-SVID signed by {@code JWT-Signer-A},
 * every signature made through SignData and every result verified.
 */
final class DemoSvids {
  static final String CA_KEY_ID = "x509-CA-A";
  static final String JWT_KEY_ID = "JWT-Signer-A";
  static final String SPIFFE_ID = "spiffe://" + Demo.TRUST_DOMAIN + "/workload";
  static final String AUDIENCE = "demo";

  /** What the demo made, for tests to verify on their own. */
  record Made(
      X509Certificate ca, X509Certificate svid, String jwt, java.security.PublicKey jwtKey) {}

  private final PrintStream out;
  private final Consumer<Made> observer;

  DemoSvids(PrintStream out, Consumer<Made> observer) {
    this.out = out;
    this.observer = observer;
  }

  /**
   * Issues and verifies the SVIDs with the keys {@code listed} by GetPublicKeys; prints them.
   * Returns how many signatures were verified.
   */
  int run(KeyManagerGrpc.KeyManagerBlockingStub keys, List<PublicKey> listed, Instant now)
      throws GeneralSecurityException {
    PublicKey caKey = find(listed, CA_KEY_ID);
    PublicKey jwtKey = find(listed, JWT_KEY_ID);
    KeySigner signer = (keyId, digest, hash) -> signData(keys, listed, keyId, digest, hash);

    DemoCertificates.Issued issued =
        DemoCertificates.issue(
            signer, CA_KEY_ID, caKey.getType(), javaKey(caKey), Demo.TRUST_DOMAIN, SPIFFE_ID, now);
    DemoCertificates.verify(issued, now);
    String jwt =
        DemoJwt.sign(signer, JWT_KEY_ID, jwtKey.getType(), SPIFFE_ID, List.of(AUDIENCE), now);
    java.security.PublicKey jwtPublicKey = javaKey(jwtKey);
    DemoJwt.Verified verified = DemoJwt.verify(jwt, jwtPublicKey, now);
    observer.accept(new Made(issued.ca(), issued.svid(), jwt, jwtPublicKey));

    out.println("What SPIRE server does with the keys, each signature made through SignData:");
    X509Certificate ca = issued.ca();
    X509Certificate svid = issued.svid();
    out.println(
        "  X.509 CA    "
            + CA_KEY_ID
            + ", self-signed: subject "
            + ca.getSubjectX500Principal().getName()
            + ", URI SAN spiffe://"
            + Demo.TRUST_DOMAIN
            + ", CA, keyCertSign cRLSign, "
            + DemoCertificates.CA_TTL.toHours()
            + "h");
    out.println(
        "  X509-SVID   "
            + SPIFFE_ID
            + ": subject "
            + svid.getSubjectX500Principal().getName()
            + ", issuer "
            + svid.getIssuerX500Principal().getName()
            + ", local P-256 key, "
            + DemoCertificates.SVID_TTL.toHours()
            + "h");
    out.println("  chain       PKIX validated, the CA as trust anchor");
    out.println(
        "  JWT-SVID    "
            + JWT_KEY_ID
            + ": "
            + DemoJwt.algorithmName(jwtKey.getType())
            + " verified with the key from GetPublicKeys");
    out.println("    header " + verified.header());
    out.println("    claims " + verified.claims());
    out.println();
    // the CA's self-signature, the SVID's and the JWT's
    return 3;
  }

  private static byte[] signData(
      KeyManagerGrpc.KeyManagerBlockingStub keys,
      List<PublicKey> listed,
      String keyId,
      byte[] digest,
      dev.spirekms.proto.keymanager.v1.HashAlgorithm hash) {
    SignDataResponse response =
        keys.signData(
            SignDataRequest.newBuilder()
                .setKeyId(keyId)
                .setData(ByteString.copyFrom(digest))
                .setHashAlgorithm(hash)
                .build());
    if (!response.getKeyFingerprint().equals(find(listed, keyId).getFingerprint())) {
      throw new IllegalStateException(String.format(CliMessages.DEMO_SIGNED_BY_ANOTHER_KEY, keyId));
    }
    return response.getSignature().toByteArray();
  }

  private static PublicKey find(List<PublicKey> listed, String keyId) {
    return listed.stream()
        .filter(k -> k.getId().equals(keyId))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException(String.format(CliMessages.DEMO_KEY_NOT_LISTED, keyId)));
  }

  /** The JDK's form of a KeyManager public key. */
  static java.security.PublicKey javaKey(PublicKey key) throws GeneralSecurityException {
    boolean rsa = key.getType() == KeyType.RSA_2048 || key.getType() == KeyType.RSA_4096;
    return KeyFactory.getInstance(rsa ? "RSA" : "EC")
        .generatePublic(new X509EncodedKeySpec(key.getPkixData().toByteArray()));
  }
}
