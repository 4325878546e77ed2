package dev.spirekms.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpiffeBundleTest {
  private static final KeyPair P256 = ec("secp256r1");
  private static final KeyPair P384 = ec("secp384r1");
  private static final KeyPair P521 = ec("secp521r1");
  private static final KeyPair RSA = rsa();

  @TempDir static Path dir;
  private static X509Certificate ca;

  @BeforeAll
  static void makeCertificate() throws Exception {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    String args = "-genkeypair -alias ca -keystore ca.p12 -storepass changeit -keyalg EC";
    List<String> command = new ArrayList<>(List.of(keytool, "-J-XX:TieredStopAtLevel=1"));
    command.addAll(List.of(args.split(" ")));
    command.addAll(List.of("-groupname", "secp256r1", "-dname", "CN=ca", "-ext", "bc:c"));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (process.waitFor() != 0) {
      fail("keytool failed: " + output);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("ca.p12"))) {
      store.load(in, "changeit".toCharArray());
    }
    ca = (X509Certificate) store.getCertificate("ca");
  }

  @Test
  void parsesWhatSpireServerPrints() throws Exception {
    JsonObject x509 = jwk("x509-svid", null, ca.getPublicKey());
    x509.add("x5c", strings(base64(ca)));
    String json =
        bundle(
            7,
            x509,
            jwk("jwt-svid", "p256", P256.getPublic()),
            jwk("jwt-svid", "p384", P384.getPublic()),
            jwk("jwt-svid", "p521", P521.getPublic()),
            jwk("jwt-svid", "rsa", RSA.getPublic()));

    SpiffeBundle bundle = SpiffeBundle.parseJwks(json);

    assertEquals(List.of(ca), bundle.x509Authorities());
    assertEquals(
        List.of("p256", "p384", "p521", "rsa"), List.copyOf(bundle.jwtAuthorities().keySet()));
    Map<String, KeyPair> pairs = Map.of("p256", P256, "p384", P384, "p521", P521, "rsa", RSA);
    for (Map.Entry<String, KeyPair> pair : pairs.entrySet()) {
      PublicKey parsed = bundle.jwtAuthorities().get(pair.getKey());
      assertArrayEquals(pair.getValue().getPublic().getEncoded(), parsed.getEncoded());
      String algorithm = pair.getKey().equals("rsa") ? "SHA256withRSA" : "SHA256withECDSA";
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(pair.getValue().getPrivate());
      signer.update(new byte[] {1, 2, 3});
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(parsed);
      verifier.update(new byte[] {1, 2, 3});
      assertTrue(verifier.verify(signer.sign()), pair.getKey());
    }
    assertEquals(7, bundle.sequence());
  }

  @Test
  void takesTheFirstX5cAndIgnoresEntriesWithout() {
    JsonObject first = jwk("x509-svid", null, ca.getPublicKey());
    // X509-SVID §6.2: values after the first are ignored, so they are not even parsed
    first.add("x5c", strings(base64(ca), "not a certificate"));
    JsonObject empty = jwk("x509-svid", null, ca.getPublicKey());
    empty.add("x5c", new JsonArray());
    JsonObject absent = jwk("x509-svid", null, ca.getPublicKey());

    SpiffeBundle bundle = SpiffeBundle.parseJwks(bundle(1, first, empty, absent));

    assertEquals(List.of(ca), bundle.x509Authorities());
    assertTrue(bundle.jwtAuthorities().isEmpty());
  }

  @Test
  void ignoresUnknownUseAndKeyType() {
    JsonObject unknownUse = jwk("wit-svid", "w", P256.getPublic());
    JsonObject unknownType = jwk("jwt-svid", "okp", P256.getPublic());
    unknownType.addProperty("kty", "OKP");

    SpiffeBundle bundle = SpiffeBundle.parseJwks(bundle(1, unknownUse, unknownType));

    assertTrue(bundle.x509Authorities().isEmpty());
    assertTrue(bundle.jwtAuthorities().isEmpty());
  }

  @Test
  void sequenceIsZeroWhenAbsentAndCollectionsAreReadOnly() {
    SpiffeBundle bundle =
        SpiffeBundle.parseJwks("{\"keys\":[" + jwk("jwt-svid", "k", P256.getPublic()) + "]}");

    assertEquals(0, bundle.sequence());
    assertThrows(UnsupportedOperationException.class, () -> bundle.x509Authorities().add(ca));
    assertThrows(UnsupportedOperationException.class, () -> bundle.jwtAuthorities().clear());
  }

  static Stream<Arguments> malformedBundles() {
    JsonObject duplicate = jwk("jwt-svid", "k", P384.getPublic());
    return Stream.of(
        Arguments.of("{\"keys\":[}", "bundle is not valid JSON"),
        Arguments.of("{keys:[]}", "bundle is not valid JSON"),
        Arguments.of("{\"keys\":[]} {}", "bundle is not valid JSON"),
        Arguments.of("[]", "bundle is not a JSON object"),
        Arguments.of("{}", "bundle has no keys array"),
        Arguments.of("{\"keys\":{}}", "bundle has no keys array"),
        Arguments.of("{\"keys\":[1]}", "keys[0] is not a JSON object"),
        Arguments.of(
            "{\"keys\":[],\"spiffe_sequence\":\"5\"}", "bundle spiffe_sequence is not a number"),
        Arguments.of(
            "{\"keys\":[],\"spiffe_sequence\":1.5}",
            "bundle spiffe_sequence is not a 64-bit integer"),
        malformed(jwk -> jwk.remove("use"), "keys[0] has no use string"),
        malformed(jwk -> jwk.remove("kty"), "keys[0] has no kty string"),
        malformed(jwk -> jwk.remove("kid"), "keys[0] has no kid string"),
        malformed(jwk -> jwk.addProperty("kid", ""), "keys[0] has an empty or duplicate kid"),
        Arguments.of(
            bundle(1, jwk("jwt-svid", "k", P256.getPublic()), duplicate),
            "keys[1] has an empty or duplicate kid"),
        malformed(jwk -> jwk.addProperty("crv", "P-192"), "keys[0]: crv P-192 is not supported"),
        malformed(jwk -> jwk.addProperty("x", "AAAA"), "keys[0]: x is 3 bytes, expected 32"),
        malformed(
            jwk -> jwk.addProperty("y", jwk.get("y").getAsString() + "="),
            "keys[0]: y is not base64url without padding"),
        malformed(
            jwk -> jwk.addProperty("x", "+" + jwk.get("x").getAsString().substring(1)),
            "keys[0]: x is not base64url without padding"),
        malformed(
            jwk -> jwk.addProperty("y", jwk.get("x").getAsString()),
            "keys[0]: x and y are not a point on P-256"),
        malformed(jwk -> jwk.addProperty("kty", "RSA"), "keys[0] has no n string"),
        Arguments.of(
            bundle(1, with(jwk("jwt-svid", "r", RSA.getPublic()), j -> j.addProperty("n", ""))),
            "keys[0]: n is empty"),
        malformedX509(
            jwk -> jwk.addProperty("x5c", "abc"), "keys[0]: x5c is not an array of strings"),
        malformedX509(jwk -> jwk.add("x5c", strings("%%%")), "keys[0]: x5c[0] is not base64"),
        malformedX509(
            jwk -> jwk.add("x5c", strings("AAEC")),
            "keys[0]: x5c[0] is not a DER X.509 certificate"));
  }

  @ParameterizedTest
  @MethodSource("malformedBundles")
  void rejectsMalformedBundles(String json, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SpiffeBundle.parseJwks(json));

    assertEquals(message, e.getMessage());
    assertFalse(e.getMessage().matches(".*[A-Za-z0-9_+/-]{16,}.*"), "the message has key material");
  }

  @Test
  void parsesPemCertificatesInOrder() {
    String pem =
        "leading text\n"
            + pem(ca)
            + "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"
            + pem(ca);

    assertEquals(List.of(ca, ca), SpiffeBundle.parsePem(pem));
    assertEquals(List.of(ca), SpiffeBundle.parsePem(pem(ca).replace("\n", "\r\n")));
  }

  @Test
  void rejectsPemWithoutCertificates() {
    assertEquals(
        "no PEM CERTIFICATE block found",
        assertThrows(IllegalArgumentException.class, () -> SpiffeBundle.parsePem("")).getMessage());
    String notBase64 = pem(ca) + "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n";
    assertEquals(
        "PEM block 1 is not base64",
        assertThrows(IllegalArgumentException.class, () -> SpiffeBundle.parsePem(notBase64))
            .getMessage());
    String notDer = "-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n";
    assertEquals(
        "PEM block 0 is not a DER X.509 certificate",
        assertThrows(IllegalArgumentException.class, () -> SpiffeBundle.parsePem(notDer))
            .getMessage());
  }

  private static Arguments malformed(Consumer<JsonObject> change, String message) {
    return Arguments.of(bundle(1, with(jwk("jwt-svid", "k", P256.getPublic()), change)), message);
  }

  private static Arguments malformedX509(Consumer<JsonObject> change, String message) {
    return Arguments.of(bundle(1, with(jwk("x509-svid", null, P256.getPublic()), change)), message);
  }

  private static JsonObject with(JsonObject jwk, Consumer<JsonObject> change) {
    change.accept(jwk);
    return jwk;
  }

  /** A JWK as SPIRE prints it: use, kty, kid for jwt-svid, then the key's public parameters. */
  private static JsonObject jwk(String use, String kid, PublicKey key) {
    JsonObject jwk = new JsonObject();
    jwk.addProperty("use", use);
    if (key instanceof RSAPublicKey rsa) {
      jwk.addProperty("kty", "RSA");
      if (kid != null) {
        jwk.addProperty("kid", kid);
      }
      jwk.addProperty("n", base64Url(unsigned(rsa.getModulus())));
      jwk.addProperty("e", base64Url(unsigned(rsa.getPublicExponent())));
      return jwk;
    }
    ECPublicKey ec = (ECPublicKey) key;
    int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    jwk.addProperty("kty", "EC");
    if (kid != null) {
      jwk.addProperty("kid", kid);
    }
    jwk.addProperty("crv", size == 32 ? "P-256" : size == 48 ? "P-384" : "P-521");
    jwk.addProperty("x", base64Url(fixed(ec.getW().getAffineX(), size)));
    jwk.addProperty("y", base64Url(fixed(ec.getW().getAffineY(), size)));
    return jwk;
  }

  private static String bundle(long sequence, JsonObject... keys) {
    JsonObject bundle = new JsonObject();
    JsonArray array = new JsonArray();
    Arrays.stream(keys).forEach(array::add);
    bundle.add("keys", array);
    bundle.addProperty("spiffe_sequence", sequence);
    bundle.addProperty("spiffe_refresh_hint", 300);
    return new GsonBuilder().setPrettyPrinting().create().toJson(bundle);
  }

  private static JsonArray strings(String... values) {
    JsonArray array = new JsonArray();
    Arrays.stream(values).forEach(array::add);
    return array;
  }

  private static byte[] fixed(BigInteger value, int size) {
    byte[] bytes = unsigned(value);
    byte[] padded = new byte[size];
    System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
    return padded;
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String base64(X509Certificate certificate) {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String pem(X509Certificate certificate) {
    String body = base64(certificate).replaceAll("(.{64})", "$1\n");
    return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
  }

  private static KeyPair ec(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
