package dev.spirekms.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyType;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * What SPIRE server does with a JWT signing key: a JWT-SVID, signed through the KeyManager. KMS
 * returns ECDSA signatures in ASN.1 DER; JWS wants R and S side by side (RFC 7518 §3.4), so the
 * signature is transcoded before it goes into the token.
 */
final class DemoJwt {
  // SPIRE server's default_jwt_svid_ttl
  static final Duration TTL = Duration.ofMinutes(5);

  /** A verified token's header and claims, as JSON. */
  record Verified(String header, String claims) {}

  private DemoJwt() {}

  /**
   * A compact JWT-SVID for {@code subject} and {@code audience}, with {@code kid} {@code keyId},
   * signed with that key through {@code signer}. EC keys only, as SPIRE's JWT keys default to.
   */
  static String sign(
      KeySigner signer,
      String keyId,
      KeyType type,
      String subject,
      List<String> audience,
      Instant now)
      throws GeneralSecurityException {
    JWSAlgorithm algorithm = algorithmOf(type);
    Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
    // JWT-SVID §2: alg and kid, typ JWT; §3: sub, aud and exp, and SPIRE adds iat
    JWSHeader header =
        new JWSHeader.Builder(algorithm).keyID(keyId).type(JOSEObjectType.JWT).build();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(subject)
            .audience(audience)
            .expirationTime(Date.from(issuedAt.plus(TTL)))
            .issueTime(Date.from(issuedAt))
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new KeyManagerJwsSigner(signer, keyId, algorithm));
    } catch (JOSEException e) {
      throw new GeneralSecurityException(
          String.format(CliMessages.DEMO_JWT_NOT_SIGNED, e.getMessage()), e);
    }
    return jwt.serialize();
  }

  /**
   * Verifies the token's signature with {@code key} and that it has not expired at {@code now};
   * throws if either fails.
   */
  static Verified verify(String token, PublicKey key, Instant now) throws GeneralSecurityException {
    if (!(key instanceof ECPublicKey ec)) {
      throw new GeneralSecurityException(CliMessages.DEMO_JWT_KEY_NOT_EC);
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!jwt.verify(new ECDSAVerifier(ec))) {
        throw new GeneralSecurityException(CliMessages.DEMO_JWT_SIGNATURE_INVALID);
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      // RFC 7519 §4.1.4: the token is expired on or after exp
      if (claims.getExpirationTime() == null
          || !now.isBefore(claims.getExpirationTime().toInstant())) {
        throw new GeneralSecurityException(CliMessages.DEMO_JWT_EXPIRED);
      }
      return new Verified(jwt.getHeader().toString(), claims.toString());
    } catch (ParseException e) {
      throw new GeneralSecurityException(
          String.format(CliMessages.DEMO_JWT_NOT_PARSED, e.getMessage()), e);
    } catch (JOSEException e) {
      throw new GeneralSecurityException(
          String.format(CliMessages.DEMO_JWT_NOT_VERIFIED, e.getMessage()), e);
    }
  }

  /** The JWS algorithm for a key type, e.g. {@code ES384}. */
  static String algorithmName(KeyType type) {
    return algorithmOf(type).getName();
  }

  // RFC 7518 §3.4: ES256 on P-256 with SHA-256, ES384 on P-384 with SHA-384
  private static JWSAlgorithm algorithmOf(KeyType type) {
    return switch (type) {
      case EC_P256 -> JWSAlgorithm.ES256;
      case EC_P384 -> JWSAlgorithm.ES384;
      default ->
          throw new IllegalArgumentException(String.format(CliMessages.DEMO_JWT_KEY_TYPE, type));
    };
  }

  /** A JWS signer whose ECDSA signature comes from the KeyManager's SignData. */
  private static final class KeyManagerJwsSigner implements JWSSigner {
    private final KeySigner signer;
    private final String keyId;
    private final JWSAlgorithm algorithm;
    private final JCAContext context = new JCAContext();

    KeyManagerJwsSigner(KeySigner signer, String keyId, JWSAlgorithm algorithm) {
      this.signer = signer;
      this.keyId = keyId;
      this.algorithm = algorithm;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      if (!algorithm.equals(header.getAlgorithm())) {
        throw new JOSEException(String.format(CliMessages.DEMO_JWS_ALGORITHM, algorithm));
      }
      boolean es384 = algorithm.equals(JWSAlgorithm.ES384);
      try {
        byte[] digest =
            MessageDigest.getInstance(es384 ? "SHA-384" : "SHA-256").digest(signingInput);
        byte[] der =
            signer.sign(keyId, digest, es384 ? HashAlgorithm.SHA384 : HashAlgorithm.SHA256);
        int length = ECDSA.getSignatureByteArrayLength(algorithm);
        return Base64URL.encode(ECDSA.transcodeSignatureToConcat(der, length));
      } catch (GeneralSecurityException e) {
        throw new JOSEException(
            String.format(CliMessages.DEMO_SIGN_DATA_FAILED, e.getMessage()), e);
      }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(algorithm);
    }

    @Override
    public JCAContext getJCAContext() {
      return context;
    }
  }
}
