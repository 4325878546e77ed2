package dev.spirekms.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.spirekms.testing.SvidVerifier.JwtClaims;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SvidVerifierTest {
  private static final String ID = "spiffe://example.org/workload";
  private static final String AUDIENCE = "spire-kms";
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static final Instant EXPIRY = NOW.plusSeconds(300);
  private static final String SUB = "\"sub\":\"" + ID + "\"";
  private static final String AUD = "\"aud\":\"" + AUDIENCE + "\"";
  private static final String EXP = "\"exp\":" + EXPIRY.getEpochSecond();
  private static final String CLAIMS = json(SUB, AUD, EXP, "\"iat\":" + NOW.getEpochSecond());

  private static final KeyPair P256 = generate("EC", "secp256r1");
  private static final KeyPair P384 = generate("EC", "secp384r1");
  private static final KeyPair P521 = generate("EC", "secp521r1");
  private static final KeyPair RSA = generate("RSA", "2048");
  private static final Map<String, PublicKey> AUTHORITIES =
      new TreeMap<>(
          Map.of(
              "p256", P256.getPublic(),
              "p384", P384.getPublic(),
              "p521", P521.getPublic(),
              "rsa", RSA.getPublic(),
              "rsa1024", generate("RSA", "1024").getPublic()));

  @TempDir static Path dir;
  private static X509Certificate root;
  private static X509Certificate impostor;
  private static X509Certificate intermediate;

  @BeforeAll
  static void makeCertificates() throws Exception {
    String ca = "-ext bc:c -ext ku:c=keyCertSign,cRLSign";
    keytool(
        "-genkeypair -alias root -dname CN=root " + ca,
        "-genkeypair -alias impostor -dname CN=root " + ca,
        "-genkeypair -alias intermediate -dname CN=intermediate",
        "-genkeypair -alias leaf -dname CN=workload");
    keytool("-certreq -alias intermediate -file i.csr", "-certreq -alias leaf -file leaf.csr");
    String leaf = "-infile leaf.csr -ext ku:c=digitalSignature -ext san=uri:" + ID;
    keytool(
        "-gencert -alias root -infile i.csr -outfile intermediate.pem " + ca,
        "-gencert -alias root -outfile leaf.pem " + leaf,
        "-gencert -alias intermediate -outfile leaf2.pem " + leaf,
        "-gencert -alias root -outfile two.pem " + leaf + ",uri:" + ID + "2");
    root = stored("root");
    impostor = stored("impostor");
    intermediate = pem("intermediate.pem").get(0);
  }

  static Stream<String> algorithms() {
    return Stream.of(
        "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
  }

  @ParameterizedTest
  @MethodSource("algorithms")
  void acceptsEveryJwtSvidAlgorithm(String alg) {
    JwtClaims claims = verify(token(alg, kid(alg), key(alg), CLAIMS), NOW);

    assertEquals(new JwtClaims(ID, List.of(AUDIENCE), EXPIRY, kid(alg), alg), claims);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ES256", "ES384", "ES512"})
  void acceptsManyEcdsaSignaturesAndThoseOfTheJdkRawSigner(String alg) throws Exception {
    for (int i = 0; i < 50; i++) {
      assertEquals(ID, verify(token(alg, kid(alg), key(alg), CLAIMS), NOW).subject());
    }
    String input = encode(json("\"alg\":\"" + alg + "\"", "\"kid\":\"" + kid(alg) + "\""));
    input += "." + encode(CLAIMS);
    Signature signer = Signature.getInstance("SHA" + alg.substring(2) + "withECDSAinP1363Format");
    signer.initSign(key(alg));
    signer.update(input.getBytes(UTF_8));
    verify(
        input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign()), NOW);
  }

  @Test
  void derConversionMatchesTheJdkIncludingLeadingZerosAndHighBits() throws Exception {
    boolean[] seen = new boolean[4];
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(P256.getPrivate());
    for (int i = 0; i < 20_000 && !(seen[0] && seen[1] && seen[2] && seen[3]); i++) {
      signer.update(new byte[] {(byte) i});
      byte[] der = signer.sign();
      byte[] raw = rawSignature(der, 32);
      seen[0] |= raw[0] == 0;
      seen[1] |= raw[32] == 0;
      seen[2] |= raw[0] < 0;
      seen[3] |= raw[32] < 0;
      assertArrayEquals(der, SvidVerifier.derSignature(raw, 32, "ES256"));
    }
    assertArrayEquals(new boolean[] {true, true, true, true}, seen);
  }

  @Test
  void derConversionOfEdgeValues() {
    assertDer("3006020100020100", "00".repeat(64), 32);
    assertDer(
        "3025020101022001" + "00".repeat(31), "00".repeat(31) + "01" + "01" + "00".repeat(31));
    assertDer(
        "304502210080" + "00".repeat(31) + "02200080" + "00".repeat(30),
        "80" + "00".repeat(31) + "0080" + "00".repeat(30));
    String p521 = "01" + "ff".repeat(65);
    assertDer("308188" + "0242" + p521 + "0242" + p521, p521 + p521, 66);
    assertRejected(
        "jwt-svid rejected: ES256 signature is 63 bytes, not 64",
        () -> SvidVerifier.derSignature(new byte[63], 32, "ES256"));
  }

  @Test
  void acceptsAnAudienceArrayTheJoseTypeAndAFractionalExpiry() {
    String claims = json(SUB, "\"aud\":[\"other\",\"" + AUDIENCE + "\"]", "\"exp\":1767323045.5");
    String header = json("\"alg\":\"ES256\"", "\"kid\":\"p256\"", "\"typ\":\"JOSE\"");

    JwtClaims verified = verify(token(header, P256.getPrivate(), claims), NOW);

    assertEquals(List.of("other", AUDIENCE), verified.audience());
    assertEquals(Instant.parse("2026-01-02T03:04:05.500Z"), verified.expiresAt());
  }

  @ParameterizedTest
  @MethodSource("algorithms")
  void rejectsTamperedPayloadsAndSignatures(String alg) {
    String[] parts = token(alg, kid(alg), key(alg), CLAIMS).split("\\.");
    String tampered = parts[0] + "." + encode(CLAIMS.replace(ID, ID + "x")) + "." + parts[2];
    String flipped = parts[0] + "." + parts[1] + "." + flipFirst(parts[2]);
    String expected = "jwt-svid rejected: the signature does not verify with kid " + kid(alg);

    assertRejected(expected, () -> verify(tampered, NOW));
    assertRejected(expected, () -> verify(flipped, NOW));
  }

  static Stream<Arguments> rejectedTokens() {
    PrivateKey p256 = P256.getPrivate();
    String good = token("ES256", "p256", p256, CLAIMS);
    String[] parts = good.split("\\.");
    return Stream.of(
        Arguments.of(
            token("ES256", "p256", generate("EC", "secp256r1").getPrivate(), CLAIMS),
            "the signature does not verify with kid p256"),
        Arguments.of(
            token("ES256", "gone", p256, CLAIMS),
            "no jwt authority has kid gone, only [p256, p384, p521, rsa, rsa1024]"),
        Arguments.of(unsigned("ES256", "rsa"), "alg ES256 needs a P-256 key, not kid rsa"),
        Arguments.of(unsigned("ES384", "p256"), "alg ES384 needs a P-384 key, not kid p256"),
        Arguments.of(unsigned("ES512", "p384"), "alg ES512 needs a P-521 key, not kid p384"),
        Arguments.of(
            unsigned("RS256", "p256"), "alg RS256 needs a 2048+ bit RSA key, not kid p256"),
        Arguments.of(
            unsigned("PS256", "rsa1024"), "alg PS256 needs a 2048+ bit RSA key, not kid rsa1024"),
        Arguments.of(unsigned("none", "p256"), "alg none is not one JWT-SVID allows"),
        Arguments.of(unsigned("HS256", "p256"), "alg HS256 is not one JWT-SVID allows"),
        Arguments.of(unsigned("ES256K", "p256"), "alg ES256K is not one JWT-SVID allows"),
        Arguments.of(good + ".a.b", "it has 5 dot-separated parts, not 3 as JWS compact"),
        Arguments.of(
            parts[0] + "." + parts[1], "it has 2 dot-separated parts, not 3 as JWS compact"),
        Arguments.of(
            parts[0] + "=." + parts[1] + "." + parts[2], "header is not base64url without padding"),
        Arguments.of(
            encode("{alg:1}") + "." + parts[1] + "." + parts[2], "header is not valid JSON"),
        Arguments.of(
            parts[0] + "." + parts[1] + "." + encode("short"),
            "ES256 signature is 5 bytes, not 64"),
        Arguments.of(token(json("\"alg\":\"ES256\""), p256, CLAIMS), "header has no kid string"),
        Arguments.of(token(json("\"kid\":\"p256\""), p256, CLAIMS), "header has no alg string"),
        Arguments.of(
            token(
                json("\"alg\":\"ES256\"", "\"kid\":\"p256\"", "\"typ\":\"at+jwt\""), p256, CLAIMS),
            "header typ is neither JWT nor JOSE"),
        Arguments.of(
            token(
                json("\"alg\":\"ES256\"", "\"kid\":\"p256\"", "\"crit\":[\"exp\"]"), p256, CLAIMS),
            "header crit is not allowed in a JWT-SVID"),
        Arguments.of(claims(SUB, EXP), "it has no aud"),
        Arguments.of(claims(SUB, "\"aud\":[]", EXP), "it has no aud"),
        Arguments.of(claims(SUB, "\"aud\":[7]", EXP), "aud has a value that is not a string"),
        Arguments.of(
            claims(SUB, "\"aud\":\"other\"", EXP), "aud [other] does not contain spire-kms"),
        Arguments.of(claims(SUB, AUD), "it has no numeric exp"),
        Arguments.of(claims(SUB, AUD, "\"exp\":\"1800000000\""), "it has no numeric exp"),
        Arguments.of(claims(SUB, AUD, "\"exp\":1e30"), "exp is out of range"),
        Arguments.of(
            claims(SUB, AUD, "\"exp\":" + NOW.getEpochSecond()),
            "it expired at 2026-01-02T03:04:05Z (now 2026-01-02T03:04:05Z)"),
        Arguments.of(
            claims(SUB, AUD, EXP, "\"nbf\":" + NOW.plusSeconds(1).getEpochSecond()),
            "it is not valid before 2026-01-02T03:04:06Z (now 2026-01-02T03:04:05Z)"),
        Arguments.of(claims(AUD, EXP), "payload has no sub string"),
        Arguments.of(claims("\"sub\":\"workload\"", AUD, EXP), "sub workload is not a SPIFFE ID"),
        Arguments.of(token("ES256", "p256", p256, "[]"), "payload is not a JSON object"));
  }

  @ParameterizedTest
  @MethodSource("rejectedTokens")
  void rejectsTokens(String token, String reason) {
    assertRejected("jwt-svid rejected: " + reason, () -> verify(token, NOW));
  }

  @Test
  void rejectsAWrongAudienceAnExpiryAndAShortRsaSignature() {
    String token = token("ES256", "p256", P256.getPrivate(), CLAIMS);
    String[] rsa = token("RS256", "rsa", RSA.getPrivate(), CLAIMS).split("\\.");

    assertRejected(
        "jwt-svid rejected: aud [spire-kms] does not contain other",
        () -> SvidVerifier.verifyJwtSvid(token, AUTHORITIES, "other", NOW));
    assertEquals(ID, verify(token, EXPIRY.minusMillis(1)).subject());
    assertRejected(
        "jwt-svid rejected: it expired at 2026-01-02T03:09:05Z (now 2026-01-02T03:09:05Z)",
        () -> verify(token, EXPIRY));
    assertRejectedStartingWith(
        "jwt-svid rejected: the signature does not verify with kid rsa: ",
        () -> verify(rsa[0] + "." + rsa[1] + "." + encode("short"), NOW));
  }

  @Test
  void parsesTheTokenThatSpireAgentPrints() {
    String token = token("ES256", "p256", P256.getPrivate(), CLAIMS);
    String output = "token(" + ID + "):\n\t" + token + "\nbundle(spiffe://example.org):\n\t{}\n";

    assertEquals(token, SvidVerifier.parseFetchJwtToken(output));
    assertEquals(token, SvidVerifier.parseFetchJwtToken(output.replace("\n", "\r\n")));
    assertEquals(token, SvidVerifier.parseFetchJwtToken(output + output.replace(token, "a.b.c")));
    assertEquals(
        "no token(...): line in 2 lines of spire-agent api fetch jwt output",
        parseError("bundle(spiffe://example.org):\n\t{}\n"));
    assertEquals(
        "the line after token(" + ID + "): is not a compact JWT",
        parseError("token(" + ID + "):\n\tnot a token\n"));
    assertEquals(
        "the line after token(" + ID + "): is not a compact JWT", parseError("token(" + ID + "):"));
  }

  @Test
  void acceptsLeavesThatChainToARoot() throws Exception {
    X509Certificate leaf = pem("leaf.pem").get(0);
    String svid =
        Files.readString(dir.resolve("leaf2.pem"))
            + Files.readString(dir.resolve("intermediate.pem"));
    String x5c = Base64.getEncoder().encodeToString(root.getEncoded());
    String bundle = "{\"keys\":[{\"use\":\"x509-svid\",\"kty\":\"EC\",\"x5c\":[\"" + x5c + "\"]}]}";
    List<X509Certificate> roots = SpiffeBundle.parseJwks(bundle).x509Authorities();
    List<X509Certificate> chain = SpiffeBundle.parsePem(svid);

    assertSame(leaf, SvidVerifier.verifyX509Svid(List.of(leaf), List.of(root), ID));
    assertSame(leaf, SvidVerifier.verifyX509Svid(List.of(leaf), List.of(impostor, root), ID));
    assertSame(chain.get(0), SvidVerifier.verifyX509Svid(chain, roots, ID));
  }

  @Test
  void rejectsChainsThatDoNotLeadToTheRoot() throws Exception {
    X509Certificate leaf = pem("leaf.pem").get(0);
    X509Certificate leaf2 = pem("leaf2.pem").get(0);
    Instant later = Instant.now().plus(Duration.ofDays(3));
    String expected = "x509-svid rejected: the chain does not validate";

    assertRejectedStartingWith(expected, () -> x509(List.of(leaf), List.of(impostor), ID));
    assertRejectedStartingWith(expected, () -> x509(List.of(leaf2), List.of(root), ID));
    assertRejectedStartingWith(
        expected, () -> x509(List.of(intermediate, leaf2), List.of(root), ID));
    assertRejectedStartingWith(
        expected, () -> SvidVerifier.verifyX509Svid(List.of(leaf), List.of(root), ID, later));
  }

  @Test
  void rejectsLeavesThatAreNotTheExpectedX509Svid() throws Exception {
    List<X509Certificate> roots = List.of(root);
    List<X509Certificate> leaf = pem("leaf.pem");
    X509Certificate selfSigned = stored("leaf");
    String other = "spiffe://example.org/other";

    assertRejected(
        "x509-svid rejected: the leaf is " + ID + ", expected " + other,
        () -> x509(leaf, roots, other));
    assertRejected(
        "x509-svid rejected: the leaf is a CA", () -> x509(List.of(intermediate), roots, ID));
    assertRejected(
        "x509-svid rejected: the leaf has 2 URI SANs, not exactly 1",
        () -> x509(pem("two.pem"), roots, ID));
    assertRejected(
        "x509-svid rejected: the leaf has no critical key usage",
        () -> x509(List.of(selfSigned), List.of(selfSigned), ID));
    assertRejected("x509-svid rejected: the chain is empty", () -> x509(List.of(), roots, ID));
    assertRejected(
        "x509-svid rejected: there are no x509 authorities", () -> x509(leaf, List.of(), ID));
  }

  private static JwtClaims verify(String token, Instant now) {
    return SvidVerifier.verifyJwtSvid(token, AUTHORITIES, AUDIENCE, now);
  }

  private static X509Certificate x509(
      List<X509Certificate> chain, List<X509Certificate> roots, String id) {
    return SvidVerifier.verifyX509Svid(chain, roots, id);
  }

  private static String parseError(String output) {
    return assertThrows(
            IllegalArgumentException.class, () -> SvidVerifier.parseFetchJwtToken(output))
        .getMessage();
  }

  private static void assertDer(String der, String raw) {
    assertDer(der, raw, 32);
  }

  private static void assertDer(String der, String raw, int half) {
    HexFormat hex = HexFormat.of();
    assertEquals(der, hex.formatHex(SvidVerifier.derSignature(hex.parseHex(raw), half, "ES")));
  }

  private static void assertRejected(String message, Executable executable) {
    assertEquals(message, assertThrows(AssertionError.class, executable).getMessage());
  }

  private static void assertRejectedStartingWith(String prefix, Executable executable) {
    String message = assertThrows(AssertionError.class, executable).getMessage();
    assertTrue(message.startsWith(prefix), message);
  }

  private static String json(String... members) {
    return "{" + String.join(",", members) + "}";
  }

  private static String claims(String... members) {
    return token("ES256", "p256", P256.getPrivate(), json(members));
  }

  private static String unsigned(String alg, String kid) {
    String header = json("\"alg\":\"" + alg + "\"", "\"kid\":\"" + kid + "\"");
    return encode(header) + "." + encode(CLAIMS) + "." + encode("sig");
  }

  private static String flipFirst(String part) {
    return (part.charAt(0) == 'A' ? "B" : "A") + part.substring(1);
  }

  private static String kid(String alg) {
    return alg.startsWith("ES") ? "p" + alg.substring(2).replace("512", "521") : "rsa";
  }

  private static PrivateKey key(String alg) {
    Map<String, KeyPair> pairs = Map.of("p256", P256, "p384", P384, "p521", P521, "rsa", RSA);
    return pairs.get(kid(alg)).getPrivate();
  }

  private static String token(String alg, String kid, PrivateKey key, String claims) {
    String header = json("\"alg\":\"" + alg + "\"", "\"kid\":\"" + kid + "\"", "\"typ\":\"JWT\"");
    return token(header, key, claims);
  }

  /** Signs as a JWS producer would, with the header's alg, or ES256 when it has none. */
  private static String token(String header, PrivateKey key, String claims) {
    Matcher named = Pattern.compile("\"alg\":\"([^\"]+)\"").matcher(header);
    String alg = named.find() ? named.group(1) : "ES256";
    String input = encode(header) + "." + encode(claims);
    int bits = Integer.parseInt(alg.substring(2));
    try {
      Signature signer;
      if (alg.startsWith("PS")) {
        signer = Signature.getInstance("RSASSA-PSS");
        String hash = "SHA-" + bits;
        signer.setParameter(
            new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), bits / 8, 1));
      } else {
        signer =
            Signature.getInstance("SHA" + bits + (alg.startsWith("ES") ? "withECDSA" : "withRSA"));
      }
      signer.initSign(key);
      signer.update(input.getBytes(UTF_8));
      byte[] signature = signer.sign();
      if (alg.startsWith("ES")) {
        signature = rawSignature(signature, bits == 512 ? 66 : bits / 8);
      }
      return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The JDK's DER ECDSA signature as JWS wants it: R then S, each left-padded to {@code half}. */
  private static byte[] rawSignature(byte[] der, int half) {
    assertEquals(0x30, der[0]);
    int position = (der[1] & 0xff) == 0x81 ? 3 : 2;
    byte[] raw = new byte[2 * half];
    for (int i = 0; i < 2; i++) {
      assertEquals(0x02, der[position]);
      int start = position + 2;
      int end = start + der[position + 1];
      while (start < end - 1 && der[start] == 0) {
        start++;
      }
      System.arraycopy(der, start, raw, (i + 1) * half - (end - start), end - start);
      position = end;
    }
    return raw;
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(UTF_8));
  }

  /** Runs keytool commands at once, each on the keystore named after its alias. */
  private static void keytool(String... commands) throws Exception {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<Process> running = new ArrayList<>();
    for (String command : commands) {
      List<String> args = new ArrayList<>(List.of(keytool, "-J-XX:TieredStopAtLevel=1"));
      args.addAll(List.of(command.split(" ")));
      String alias = args.get(args.indexOf("-alias") + 1);
      args.addAll(List.of("-keystore", alias + ".p12", "-storepass", "changeit"));
      if (command.startsWith("-genkeypair")) {
        args.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
      } else if (command.startsWith("-gencert")) {
        args.addAll(List.of("-rfc", "-validity", "1"));
      }
      running.add(
          new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start());
    }
    for (int i = 0; i < commands.length; i++) {
      String output = new String(running.get(i).getInputStream().readAllBytes(), UTF_8);
      if (running.get(i).waitFor() != 0) {
        fail("keytool " + commands[i] + " failed: " + output);
      }
    }
  }

  private static X509Certificate stored(String alias) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(alias + ".p12"))) {
      store.load(in, "changeit".toCharArray());
    }
    return (X509Certificate) store.getCertificate(alias);
  }

  private static List<X509Certificate> pem(String file) throws Exception {
    return SpiffeBundle.parsePem(Files.readString(dir.resolve(file)));
  }

  private static KeyPair generate(String algorithm, String parameter) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec(parameter));
      } else {
        generator.initialize(Integer.parseInt(parameter));
      }
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
