package dev.spirekms.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.security.spec.PSSParameterSpec.TRAILER_FIELD_BC;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Verifies X509-SVIDs and JWT-SVIDs against a trust domain's authorities, as a SPIFFE workload
 * would. Verification failures throw {@link AssertionError}; malformed CLI output throws {@link
 * IllegalArgumentException}. Messages never include key material or whole tokens.
 */
public final class SvidVerifier {
  /** The claims of a verified JWT-SVID and the header values it was verified with. */
  public record JwtClaims(
      String subject, List<String> audience, Instant expiresAt, String keyId, String algorithm) {
    public JwtClaims {
      audience = List.copyOf(audience);
    }
  }

  // JWT-SVID §2.1: RFC 7518 §3.3, §3.4 and §3.5 algorithms only
  private static final Pattern ALGORITHM = Pattern.compile("(ES|RS|PS)(256|384|512)");
  // JWT-SVID §2: no other JOSE header is allowed
  private static final Set<String> HEADERS = Set.of("alg", "kid", "typ");
  private static final Pattern COMPACT_JWS =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  private static final Integer URI_SAN = 6;
  private static final String KEY_USAGE_OID = "2.5.29.15";

  private SvidVerifier() {}

  /** Same as the four-argument form, validating at the current time. */
  public static X509Certificate verifyX509Svid(
      List<X509Certificate> chain, List<X509Certificate> roots, String expectedSpiffeId) {
    return verifyX509Svid(chain, roots, expectedSpiffeId, Instant.now());
  }

  /**
   * Validates {@code chain} (leaf first, then intermediates) up to one of {@code roots} at {@code
   * now}, without revocation checks, then checks that the leaf is an X509-SVID for {@code
   * expectedSpiffeId}. Returns the leaf.
   */
  public static X509Certificate verifyX509Svid(
      List<X509Certificate> chain,
      List<X509Certificate> roots,
      String expectedSpiffeId,
      Instant now) {
    if (chain.isEmpty()) {
      throw x509Rejected("the chain is empty");
    }
    if (roots.isEmpty()) {
      throw x509Rejected("there are no x509 authorities");
    }
    Set<TrustAnchor> anchors =
        roots.stream().map(root -> new TrustAnchor(root, null)).collect(Collectors.toSet());
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
    } catch (CertPathValidatorException e) {
      String at = e.getIndex() >= 0 ? " at certificate " + e.getIndex() : "";
      throw new AssertionError(
          "x509-svid rejected: the chain does not validate" + at + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot run PKIX validation", e);
    }
    X509Certificate leaf = chain.get(0);
    checkLeaf(leaf, expectedSpiffeId);
    return leaf;
  }

  /**
   * Verifies a compact JWT-SVID's signature with the authority its {@code kid} names, then its
   * {@code aud}, {@code exp} and {@code nbf} claims at {@code now}.
   */
  public static JwtClaims verifyJwtSvid(
      String compactJwt,
      Map<String, PublicKey> jwtAuthorities,
      String expectedAudience,
      Instant now) {
    String[] parts = compactJwt.split("\\.", -1);
    if (parts.length != 3) {
      throw jwtRejected("it has " + parts.length + " dot-separated parts, not 3 as JWS compact");
    }
    JsonObject header = json(parts[0], "header");
    for (String name : header.keySet()) {
      if (!HEADERS.contains(name)) {
        throw jwtRejected("header " + name + " is not allowed in a JWT-SVID");
      }
    }
    String algorithm = string(header, "alg", "header");
    String keyId = string(header, "kid", "header");
    JsonElement typ = header.get("typ");
    // JWT-SVID §2.3: typ, when set, is JWT or JOSE
    if (typ != null && !(isString(typ, "JWT") || isString(typ, "JOSE"))) {
      throw jwtRejected("header typ is neither JWT nor JOSE");
    }
    PublicKey key = jwtAuthorities.get(keyId);
    if (key == null) {
      throw jwtRejected("no jwt authority has kid " + keyId + ", only " + jwtAuthorities.keySet());
    }
    byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(US_ASCII);
    verifySignature(algorithm, key, keyId, signingInput, decode(parts[2], "signature"));

    JsonObject claims = json(parts[1], "payload");
    String subject = string(claims, "sub", "payload");
    if (!subject.startsWith("spiffe://")) {
      throw jwtRejected("sub " + subject + " is not a SPIFFE ID");
    }
    List<String> audience = audience(claims.get("aud"));
    if (!audience.contains(expectedAudience)) {
      throw jwtRejected("aud " + audience + " does not contain " + expectedAudience);
    }
    Instant expiresAt = numericDate(claims, "exp");
    // RFC 7519 §4.1.4: the token is expired on or after exp
    if (!now.isBefore(expiresAt)) {
      throw jwtRejected("it expired at " + expiresAt + " (now " + now + ")");
    }
    // RFC 7519 §4.1.5: the token is not valid before nbf
    if (claims.has("nbf")) {
      Instant notBefore = numericDate(claims, "nbf");
      if (now.isBefore(notBefore)) {
        throw jwtRejected("it is not valid before " + notBefore + " (now " + now + ")");
      }
    }
    return new JwtClaims(subject, audience, expiresAt, keyId, algorithm);
  }

  /** The first token that {@code spire-agent api fetch jwt} prints, on the line after its label. */
  public static String parseFetchJwtToken(String cliOutput) {
    List<String> lines = cliOutput.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String label = lines.get(i).trim();
      if (label.startsWith("token(") && label.endsWith("):")) {
        String token = i + 1 < lines.size() ? lines.get(i + 1).trim() : "";
        if (!COMPACT_JWS.matcher(token).matches()) {
          throw new IllegalArgumentException("the line after " + label + " is not a compact JWT");
        }
        return token;
      }
    }
    throw new IllegalArgumentException(
        "no token(...): line in " + lines.size() + " lines of spire-agent api fetch jwt output");
  }

  private static void checkLeaf(X509Certificate leaf, String expectedSpiffeId) {
    // X509-SVID §5.2 and §4.3: a leaf is no CA, and has critical key usage with digitalSignature
    if (leaf.getBasicConstraints() != -1) {
      throw x509Rejected("the leaf is a CA");
    }
    boolean[] usage = leaf.getKeyUsage();
    Set<String> critical = leaf.getCriticalExtensionOIDs();
    if (usage == null || critical == null || !critical.contains(KEY_USAGE_OID)) {
      throw x509Rejected("the leaf has no critical key usage");
    }
    if (!usage[0] || usage[5] || usage[6]) {
      throw x509Rejected("the leaf key usage is not digitalSignature without keyCertSign, cRLSign");
    }
    List<String> uris = new ArrayList<>();
    try {
      Collection<List<?>> names = leaf.getSubjectAlternativeNames();
      for (List<?> name : names == null ? List.<List<?>>of() : names) {
        if (URI_SAN.equals(name.get(0))) {
          uris.add((String) name.get(1));
        }
      }
    } catch (GeneralSecurityException e) {
      throw x509Rejected("the leaf's SANs do not parse");
    }
    if (uris.size() != 1) {
      throw x509Rejected("the leaf has " + uris.size() + " URI SANs, not exactly 1");
    }
    if (!uris.get(0).equals(expectedSpiffeId)) {
      throw x509Rejected("the leaf is " + uris.get(0) + ", expected " + expectedSpiffeId);
    }
  }

  private static void verifySignature(
      String algorithm, PublicKey key, String keyId, byte[] signingInput, byte[] signature) {
    Matcher alg = ALGORITHM.matcher(algorithm);
    if (!alg.matches()) {
      throw jwtRejected("alg " + algorithm + " is not one JWT-SVID allows");
    }
    int bits = Integer.parseInt(alg.group(2));
    try {
      Signature verifier;
      if (alg.group(1).equals("ES")) {
        String crv = bits == 512 ? "P-521" : "P-" + bits;
        ECParameterSpec expected = SpiffeBundle.curve(crv);
        if (!(key instanceof ECPublicKey ec) || !sameCurve(ec.getParams(), expected)) {
          throw jwtRejected("alg " + algorithm + " needs a " + crv + " key, not kid " + keyId);
        }
        int half = (expected.getCurve().getField().getFieldSize() + 7) / 8;
        signature = derSignature(signature, half, algorithm);
        verifier = Signature.getInstance("SHA" + bits + "withECDSA");
        verifier.initVerify(key);
      } else {
        // RFC 7518 §3.3 and §3.5: RSA keys of 2048 bits or more
        if (!(key instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() < 2048) {
          throw jwtRejected("alg " + algorithm + " needs a 2048+ bit RSA key, not kid " + keyId);
        }
        boolean pss = alg.group(1).equals("PS");
        verifier = Signature.getInstance(pss ? "RSASSA-PSS" : "SHA" + bits + "withRSA");
        verifier.initVerify(key);
        if (pss) {
          // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash
          String hash = "SHA-" + bits;
          verifier.setParameter(
              new PSSParameterSpec(
                  hash, "MGF1", new MGF1ParameterSpec(hash), bits / 8, TRAILER_FIELD_BC));
        }
      }
      verifier.update(signingInput);
      if (!verifier.verify(signature)) {
        throw jwtRejected("the signature does not verify with kid " + keyId);
      }
    } catch (SignatureException e) {
      throw jwtRejected("the signature does not verify with kid " + keyId + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot verify " + algorithm, e);
    }
  }

  private static boolean sameCurve(ECParameterSpec actual, ECParameterSpec expected) {
    return actual.getCurve().equals(expected.getCurve())
        && actual.getOrder().equals(expected.getOrder())
        && actual.getGenerator().equals(expected.getGenerator());
  }

  /** Converts a JWS ECDSA signature, R then S at {@code half} bytes each, to ASN.1 DER. */
  static byte[] derSignature(byte[] raw, int half, String algorithm) {
    // RFC 7518 §3.4: the JWS signature is R and S as fixed-width unsigned big-endian integers
    if (raw.length != 2 * half) {
      throw jwtRejected(algorithm + " signature is " + raw.length + " bytes, not " + 2 * half);
    }
    byte[] r = derInteger(raw, 0, half);
    byte[] s = derInteger(raw, half, half);
    ByteArrayOutputStream der = new ByteArrayOutputStream();
    der.write(0x30);
    derLength(der, r.length + s.length);
    der.writeBytes(r);
    der.writeBytes(s);
    return der.toByteArray();
  }

  private static byte[] derInteger(byte[] raw, int offset, int length) {
    int start = offset;
    int end = offset + length;
    // X.690 §8.3.2: minimal two's complement: no leading zero octets, a 0x00 before a high bit
    while (start < end - 1 && raw[start] == 0) {
      start++;
    }
    boolean pad = (raw[start] & 0x80) != 0;
    ByteArrayOutputStream der = new ByteArrayOutputStream();
    der.write(0x02);
    derLength(der, end - start + (pad ? 1 : 0));
    if (pad) {
      der.write(0);
    }
    der.write(raw, start, end - start);
    return der.toByteArray();
  }

  private static void derLength(ByteArrayOutputStream der, int length) {
    // X.690 §8.1.3: short form below 128, else 0x81 and one length octet (enough for P-521)
    if (length >= 0x80) {
      der.write(0x81);
    }
    der.write(length);
  }

  private static List<String> audience(JsonElement aud) {
    // RFC 7519 §4.1.3 and JWT-SVID §3.2: aud is one string or an array of them, and is required
    List<String> audience = new ArrayList<>();
    if (aud != null && aud.isJsonArray()) {
      for (JsonElement value : aud.getAsJsonArray()) {
        if (!isString(value, null)) {
          throw jwtRejected("aud has a value that is not a string");
        }
        audience.add(value.getAsString());
      }
    } else if (isString(aud, null)) {
      audience.add(aud.getAsString());
    }
    if (audience.isEmpty()) {
      throw jwtRejected("it has no aud");
    }
    return audience;
  }

  private static Instant numericDate(JsonObject claims, String name) {
    JsonElement value = claims.get(name);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw jwtRejected("it has no numeric " + name);
    }
    try {
      BigDecimal seconds = value.getAsBigDecimal();
      BigDecimal fraction = seconds.remainder(BigDecimal.ONE).movePointRight(9);
      return Instant.ofEpochSecond(seconds.toBigInteger().longValueExact(), fraction.intValue());
    } catch (ArithmeticException | DateTimeException e) {
      throw jwtRejected(name + " is out of range");
    }
  }

  private static JsonObject json(String part, String what) {
    try {
      return SpiffeBundle.parseObject(new String(decode(part, what), UTF_8), what);
    } catch (IllegalArgumentException e) {
      throw jwtRejected(e.getMessage());
    }
  }

  private static byte[] decode(String part, String what) {
    try {
      return SpiffeBundle.base64Url(part, what);
    } catch (IllegalArgumentException e) {
      throw jwtRejected(e.getMessage());
    }
  }

  private static String string(JsonObject object, String name, String what) {
    JsonElement value = object.get(name);
    if (!isString(value, null)) {
      throw jwtRejected(what + " has no " + name + " string");
    }
    return value.getAsString();
  }

  private static boolean isString(JsonElement value, String expected) {
    return value != null
        && value.isJsonPrimitive()
        && value.getAsJsonPrimitive().isString()
        && (expected == null || expected.equals(value.getAsString()));
  }

  private static AssertionError jwtRejected(String reason) {
    return new AssertionError("jwt-svid rejected: " + reason);
  }

  private static AssertionError x509Rejected(String reason) {
    return new AssertionError("x509-svid rejected: " + reason);
  }
}
