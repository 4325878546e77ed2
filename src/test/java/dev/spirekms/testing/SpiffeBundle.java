package dev.spirekms.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SPIFFE bundle: the X.509 and JWT authorities that {@code spire-server bundle show -format
 * spiffe} prints as a JWK Set. Parsing throws {@link IllegalArgumentException} naming what is
 * malformed, never echoing key material.
 */
public final class SpiffeBundle {
  private static final Map<String, ECParameterSpec> CURVES =
      Map.of(
          "P-256", namedCurve("secp256r1"),
          "P-384", namedCurve("secp384r1"),
          "P-521", namedCurve("secp521r1"));

  private static final Pattern PEM_CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----");

  private final List<X509Certificate> x509Authorities;
  private final Map<String, PublicKey> jwtAuthorities;
  private final long sequence;

  private SpiffeBundle(
      List<X509Certificate> x509Authorities, Map<String, PublicKey> jwtAuthorities, long sequence) {
    this.x509Authorities = List.copyOf(x509Authorities);
    this.jwtAuthorities = Collections.unmodifiableMap(new LinkedHashMap<>(jwtAuthorities));
    this.sequence = sequence;
  }

  /** Parses a SPIFFE bundle in its JWK Set form. */
  public static SpiffeBundle parseJwks(String json) {
    JsonObject bundle = parseObject(json, "bundle");
    JsonElement keys = bundle.get("keys");
    if (keys == null || !keys.isJsonArray()) {
      throw new IllegalArgumentException("bundle has no keys array");
    }
    List<X509Certificate> x509 = new ArrayList<>();
    Map<String, PublicKey> jwt = new LinkedHashMap<>();
    JsonArray entries = keys.getAsJsonArray();
    for (int i = 0; i < entries.size(); i++) {
      String where = "keys[" + i + "]";
      if (!entries.get(i).isJsonObject()) {
        throw new IllegalArgumentException(where + " is not a JSON object");
      }
      JsonObject jwk = entries.get(i).getAsJsonObject();
      String use = requiredString(jwk, "use", where);
      String kty = requiredString(jwk, "kty", where);
      // SPIFFE Trust Domain and Bundle §4.2.1, §4.2.2: a JWK of unknown kty or use is ignored
      if (!kty.equals("EC") && !kty.equals("RSA")) {
        continue;
      }
      if (use.equals("x509-svid")) {
        x509Authority(jwk, where).ifPresent(x509::add);
      } else if (use.equals("jwt-svid")) {
        String kid = requiredString(jwk, "kid", where);
        if (kid.isEmpty() || jwt.containsKey(kid)) {
          throw new IllegalArgumentException(where + " has an empty or duplicate kid");
        }
        jwt.put(kid, publicKey(jwk, kty, where));
      }
    }
    return new SpiffeBundle(x509, jwt, sequence(bundle));
  }

  /** Parses the CERTIFICATE blocks of a PEM text, in order; other text between them is ignored. */
  public static List<X509Certificate> parsePem(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher block = PEM_CERTIFICATE.matcher(pem);
    while (block.find()) {
      String where = "PEM block " + certificates.size();
      byte[] der;
      try {
        der = Base64.getDecoder().decode(block.group(1).replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + " is not base64", e);
      }
      certificates.add(certificate(der, where));
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no PEM CERTIFICATE block found");
    }
    return List.copyOf(certificates);
  }

  /** CA certificates of the x509-svid entries, in bundle order. */
  public List<X509Certificate> x509Authorities() {
    return x509Authorities;
  }

  /** Public keys of the jwt-svid entries by kid, in bundle order. */
  public Map<String, PublicKey> jwtAuthorities() {
    return jwtAuthorities;
  }

  /** The bundle's {@code spiffe_sequence}, or 0 if it has none. */
  public long sequence() {
    return sequence;
  }

  private static Optional<X509Certificate> x509Authority(JsonObject jwk, String where) {
    JsonElement x5c = jwk.get("x5c");
    // X509-SVID §6.2: an entry without x5c values is ignored, and values after the first are too
    if (x5c == null || (x5c.isJsonArray() && x5c.getAsJsonArray().isEmpty())) {
      return Optional.empty();
    }
    if (!x5c.isJsonArray() || !isString(x5c.getAsJsonArray().get(0))) {
      throw new IllegalArgumentException(where + ": x5c is not an array of strings");
    }
    byte[] der;
    try {
      // RFC 7517 §4.7: x5c values are base64 (not base64url) DER
      der = Base64.getDecoder().decode(x5c.getAsJsonArray().get(0).getAsString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": x5c[0] is not base64", e);
    }
    return Optional.of(certificate(der, where + ": x5c[0]"));
  }

  private static X509Certificate certificate(byte[] der, String where) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(where + " is not a DER X.509 certificate", e);
    }
  }

  private static PublicKey publicKey(JsonObject jwk, String kty, String where) {
    try {
      if (kty.equals("RSA")) {
        BigInteger n = unsigned(jwk, "n", where);
        BigInteger e = unsigned(jwk, "e", where);
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
      }
      String crv = requiredString(jwk, "crv", where);
      ECParameterSpec params = CURVES.get(crv);
      if (params == null) {
        throw new IllegalArgumentException(where + ": crv " + crv + " is not supported");
      }
      int size = (params.getCurve().getField().getFieldSize() + 7) / 8;
      BigInteger x = coordinate(jwk, "x", size, where);
      BigInteger y = coordinate(jwk, "y", size, where);
      if (!onCurve(params.getCurve(), x, y)) {
        throw new IllegalArgumentException(where + ": x and y are not a point on " + crv);
      }
      return KeyFactory.getInstance("EC")
          .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(where + ": the JDK rejects the " + kty + " key", e);
    }
  }

  private static BigInteger coordinate(JsonObject jwk, String name, int size, String where) {
    byte[] bytes = base64Url(requiredString(jwk, name, where), where + ": " + name);
    // RFC 7518 §6.2.1.2, §6.2.1.3: x and y are the full coordinate length for the curve
    if (bytes.length != size) {
      throw new IllegalArgumentException(
          where + ": " + name + " is " + bytes.length + " bytes, expected " + size);
    }
    return new BigInteger(1, bytes);
  }

  private static BigInteger unsigned(JsonObject jwk, String name, String where) {
    byte[] bytes = base64Url(requiredString(jwk, name, where), where + ": " + name);
    if (bytes.length == 0) {
      throw new IllegalArgumentException(where + ": " + name + " is empty");
    }
    return new BigInteger(1, bytes);
  }

  private static boolean onCurve(EllipticCurve curve, BigInteger x, BigInteger y) {
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    return y.multiply(y).mod(p).equals(right);
  }

  private static long sequence(JsonObject bundle) {
    JsonElement sequence = bundle.get("spiffe_sequence");
    if (sequence == null) {
      return 0;
    }
    if (sequence.isJsonPrimitive() && sequence.getAsJsonPrimitive().isNumber()) {
      try {
        return sequence.getAsBigDecimal().longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("bundle spiffe_sequence is not a 64-bit integer", e);
      }
    }
    throw new IllegalArgumentException("bundle spiffe_sequence is not a number");
  }

  private static String requiredString(JsonObject object, String name, String where) {
    JsonElement value = object.get(name);
    if (!isString(value)) {
      throw new IllegalArgumentException(where + " has no " + name + " string");
    }
    return value.getAsString();
  }

  private static boolean isString(JsonElement value) {
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
  }

  /** The curve parameters for a JWK {@code crv} name, or null if it is not supported. */
  static ECParameterSpec curve(String crv) {
    return CURVES.get(crv);
  }

  /** Decodes base64url without padding (RFC 7515 §2), naming {@code what} if it is not. */
  static byte[] base64Url(String value, String what) {
    if (value.indexOf('=') >= 0) {
      throw new IllegalArgumentException(what + " is not base64url without padding");
    }
    try {
      return Base64.getUrlDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not base64url without padding", e);
    }
  }

  /** Parses strict JSON that must be one object, naming {@code what} if it is not. */
  static JsonObject parseObject(String json, String what) {
    JsonElement element;
    try {
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      element = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException(what + " has data after its JSON value");
      }
    } catch (JsonParseException | IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON", e);
    }
    if (!element.isJsonObject()) {
      throw new IllegalArgumentException(what + " is not a JSON object");
    }
    return element.getAsJsonObject();
  }

  private static ECParameterSpec namedCurve(String name) {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(name));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks curve " + name, e);
    }
  }
}
