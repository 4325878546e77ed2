package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.spirekms.keys.Fingerprints;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.testing.SvidVerifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.SignRequest;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DemoTest {
  private static final List<String> PROPERTIES =
      List.of(Demo.ACCESS_KEY_PROPERTY, Demo.SECRET_KEY_PROPERTY, Demo.SESSION_TOKEN_PROPERTY);
  private static final Pattern GENERATED =
      Pattern.compile(
          "^  (\\S+) +(ec-p256|ec-p384|rsa-2048|rsa-4096) +([0-9a-f]{16})\\.\\.\\.  (.+)$");
  private static final Pattern LISTED =
      Pattern.compile("^  (\\S+) +(ec-p256|ec-p384|rsa-2048|rsa-4096) +([0-9a-f]{16})\\.\\.\\.$");
  private static final Pattern ROTATED =
      Pattern.compile(
          "^Rotate x509-CA-A: fingerprint ([0-9a-f]{16})\\.\\.\\. -> ([0-9a-f]{16})\\.\\.\\."
              + " \\(ECDSA SHA-256 verified\\)$");

  @TempDir Path temp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Map<String, String> savedProperties = new java.util.HashMap<>();

  @BeforeEach
  void saveProperties() {
    for (String name : PROPERTIES) {
      savedProperties.put(name, System.getProperty(name));
      System.clearProperty(name);
    }
  }

  @AfterEach
  void restoreProperties() {
    savedProperties.forEach(
        (name, value) -> {
          if (value == null) {
            System.clearProperty(name);
          } else {
            System.setProperty(name, value);
          }
        });
  }

  private int runDemo(Consumer<KmsModel> kmsSetup) {
    return runDemo(kmsSetup, made -> {});
  }

  private int runDemo(Consumer<KmsModel> kmsSetup, Consumer<DemoSvids.Made> svidsMade) {
    Demo demo =
        new Demo(
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            temp,
            kmsSetup,
            svidsMade);
    return demo.run(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private List<String> outLines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private List<Path> leftInTemp() throws IOException {
    try (Stream<Path> left = Files.list(temp)) {
      return left.toList();
    }
  }

  /** The lines of the report section that starts with the line starting with {@code heading}. */
  private List<String> section(String heading) {
    List<String> lines = outLines();
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(heading)) {
        start = i + 1;
        break;
      }
    }
    assertTrue(start > 0, "no section " + heading + " in\n" + out);
    int end = start;
    while (end < lines.size() && lines.get(end).startsWith("  ")) {
      end++;
    }
    return lines.subList(start, end);
  }

  @Test
  void generatesSignsRotatesListsAndFindsTheSameKeysAfterARestart() throws IOException {
    AtomicReference<KmsModel> kms = new AtomicReference<>();

    int status = runDemo(kms::set);

    assertEquals(0, status, err());
    assertEquals("", err());
    String report = out.toString(StandardCharsets.UTF_8);

    // four keys, of SPIRE's ids and types, each signature verified; RSA also with PSS
    List<Matcher> generated =
        section("GenerateKey and SignData").stream()
            .map(GENERATED::matcher)
            .filter(Matcher::matches)
            .toList();
    assertEquals(4, generated.size(), report);
    Map<String, String> types =
        generated.stream().collect(Collectors.toMap(m -> m.group(1), m -> m.group(2)));
    assertEquals(
        Map.of(
            "x509-CA-A", "ec-p256",
            "JWT-Signer-A", "ec-p384",
            "x509-CA-B", "rsa-2048",
            "JWT-Signer-B", "rsa-4096"),
        types);
    for (Matcher line : generated) {
      String checks = line.group(4);
      switch (line.group(2)) {
        case "ec-p256" -> assertEquals("ECDSA SHA-256 verified", checks);
        case "ec-p384" -> assertEquals("ECDSA SHA-384 verified", checks);
        default ->
            assertEquals(
                "RSA PKCS#1 v1.5 SHA-256 verified, RSA-PSS SHA-256 salt 32 verified", checks);
      }
    }

    // rotation: a new fingerprint, which the listing then shows
    Matcher rotated =
        outLines().stream().map(ROTATED::matcher).filter(Matcher::matches).findFirst().orElse(null);
    assertNotNull(rotated, report);
    String firstA =
        generated.stream()
            .filter(m -> m.group(1).equals("x509-CA-A"))
            .findFirst()
            .orElseThrow()
            .group(3);
    assertEquals(firstA, rotated.group(1));
    assertNotEquals(rotated.group(1), rotated.group(2));

    assertTrue(report.contains("\nGetPublicKeys: 4 keys\n"), report);
    Map<String, String> listed =
        section("GetPublicKeys").stream()
            .map(LISTED::matcher)
            .filter(Matcher::matches)
            .collect(Collectors.toMap(m -> m.group(1), m -> m.group(3)));
    assertEquals(types.keySet(), listed.keySet());
    assertEquals(rotated.group(2), listed.get("x509-CA-A"));

    // the local KMS agrees: the listed fingerprints are those of the keys behind the aliases
    KmsModel model = kms.get();
    List<String> aliases =
        model.aliases().stream()
            .filter(a -> a.aliasName().startsWith("alias/SPIRE_SERVER/example_org/"))
            .map(a -> a.targetKeyId())
            .toList();
    assertEquals(4, aliases.size());
    Set<String> kmsFingerprints =
        aliases.stream()
            .map(keyId -> Fingerprints.of(model.publicKey(keyId).getEncoded()).substring(0, 16))
            .collect(Collectors.toSet());
    assertEquals(Set.copyOf(listed.values()), kmsFingerprints);
    assertEquals(
        5,
        model.keys().size(),
        () ->
            "four keys and the one rotated away; KMS has "
                + model.keys().stream().map(k -> k.description() + " " + k.keyState()).toList()
                + " after the calls "
                + model.calls().stream()
                    .map(c -> c.operation() + (c.error() == null ? "" : " " + c.error()))
                    .toList());
    assertTrue(report.contains("KMS: 5 keys ("), report);

    // restart: the same keys, each still signing
    assertTrue(
        report.contains(
            "\nRestart: a fresh plugin, configured with the same plugin_data, found the same 4 keys"
                + " with the same fingerprints\n"),
        report);
    List<String> afterRestart = section("Restart:");
    assertEquals(4, afterRestart.size(), report);
    for (String line : afterRestart) {
      assertTrue(line.endsWith(" verified"), line);
    }

    assertEquals(
        "Demo passed: 4 keys generated, 1 rotated, 14 signatures verified, an X509-SVID and a"
            + " JWT-SVID issued, same fingerprints after restart",
        outLines().get(outLines().size() - 1));
    assertFalse(report.contains(Demo.DUMMY_SECRET_ACCESS_KEY), "no secret in the report");
    assertFalse(report.contains(Demo.DUMMY_ACCESS_KEY_ID), "no access key id in the report");
    assertEquals(List.of(), leftInTemp(), "the work directory is removed");
    for (String name : PROPERTIES) {
      assertEquals(null, System.getProperty(name), name + " is put back");
    }
  }

  @Test
  void theSvidsTheDemoIssuesThroughSignDataAreOnesAWorkloadAccepts() throws Exception {
    AtomicReference<KmsModel> kms = new AtomicReference<>();
    AtomicReference<DemoSvids.Made> made = new AtomicReference<>();

    assertEquals(0, runDemo(kms::set, made::set), err());

    KmsModel model = kms.get();
    String caAlias =
        model.aliases().stream()
            .map(a -> a.aliasName())
            .filter(n -> n.endsWith("/x509-CA-A"))
            .findFirst()
            .orElseThrow();
    java.security.PublicKey caKey = model.publicKey(caAlias);
    java.security.PublicKey jwtKey = model.publicKey(caAlias.replace("x509-CA-A", "JWT-Signer-A"));
    DemoSvids.Made svids = made.get();
    // the CA is the KMS key's (the rotated x509-CA-A), and its signatures verify with it alone
    assertArrayEquals(caKey.getEncoded(), svids.ca().getPublicKey().getEncoded());
    svids.ca().verify(caKey);
    svids.svid().verify(caKey);
    SvidVerifier.verifyX509Svid(
        List.of(svids.svid()), List.of(svids.ca()), "spiffe://example.org/workload");
    SvidVerifier.JwtClaims claims =
        SvidVerifier.verifyJwtSvid(
            svids.jwt(), Map.of("JWT-Signer-A", jwtKey), "demo", java.time.Instant.now());
    assertEquals("spiffe://example.org/workload", claims.subject());
    assertEquals("ES384", claims.algorithm());
    // 7 signatures before (4 keys, RSA twice, and the rotated key), 4 after the restart; between
    // them, one KMS Sign for each certificate with the CA key and one for the token
    List<SignRequest> signs = model.requests(KmsOperations.SIGN, SignRequest.class);
    assertEquals(14, signs.size());
    List<java.security.PublicKey> signers =
        signs.subList(7, 10).stream().map(r -> model.publicKey(r.keyId())).toList();
    assertEquals(List.of(caKey, caKey, jwtKey), signers);
    assertEquals(
        List.of("ECDSA_SHA_256", "ECDSA_SHA_256", "ECDSA_SHA_384"),
        signs.subList(7, 10).stream().map(SignRequest::signingAlgorithmAsString).toList());

    // a workload would refuse a tampered token or a certificate under another CA
    String[] parts = svids.jwt().split("\\.");
    String forged =
        parts[0]
            + "."
            + parts[1]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(LocalKeySigner.flipABit(Base64.getUrlDecoder().decode(parts[2])));
    assertThrows(
        AssertionError.class,
        () ->
            SvidVerifier.verifyJwtSvid(
                forged, Map.of("JWT-Signer-A", jwtKey), "demo", java.time.Instant.now()));
    assertThrows(
        AssertionError.class,
        () ->
            SvidVerifier.verifyX509Svid(
                List.of(svids.svid()), List.of(svids.svid()), "spiffe://example.org/workload"));

    List<String> report = section("What SPIRE server does with the keys");
    assertEquals(6, report.size(), String.join("\n", report));
    assertTrue(
        report
            .get(0)
            .matches(
                "  X\\.509 CA    x509-CA-A, self-signed: subject O=SPIFFE,C=US, URI SAN"
                    + " spiffe://example\\.org, CA, keyCertSign cRLSign, 24h"),
        report.get(0));
    assertEquals(
        "  X509-SVID   spiffe://example.org/workload: subject O=SPIRE,C=US, issuer O=SPIFFE,C=US,"
            + " local P-256 key, 1h",
        report.get(1));
    assertEquals("  chain       PKIX validated, the CA as trust anchor", report.get(2));
    assertEquals(
        "  JWT-SVID    JWT-Signer-A: ES384 verified with the key from GetPublicKeys",
        report.get(3));
    JsonObject header =
        JsonParser.parseString(report.get(4).substring("    header ".length())).getAsJsonObject();
    assertEquals("JWT-Signer-A", header.get("kid").getAsString());
    assertEquals("ES384", header.get("alg").getAsString());
    JsonObject printed =
        JsonParser.parseString(report.get(5).substring("    claims ".length())).getAsJsonObject();
    assertEquals("spiffe://example.org/workload", printed.get("sub").getAsString());
    assertEquals(claims.expiresAt().getEpochSecond(), printed.get("exp").getAsLong());
    assertEquals(printed.get("exp").getAsLong() - 300, printed.get("iat").getAsLong());
  }

  @Test
  void theReportShowsTheServerIdThePluginKeptAndTheConfigurationItSent() {
    AtomicReference<KmsModel> kms = new AtomicReference<>();

    assertEquals(0, runDemo(kms::set), err());

    String serverIdLine =
        outLines().stream().filter(l -> l.startsWith("Server id")).findFirst().orElseThrow();
    String serverId = serverIdLine.substring(serverIdLine.lastIndexOf(' ') + 1);
    assertTrue(
        serverId.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
        serverIdLine);
    assertTrue(
        kms.get().aliases().stream()
            .anyMatch(
                a ->
                    a.aliasName()
                        .equals("alias/SPIRE_SERVER/example_org/" + serverId + "/x509-CA-A")));
    List<String> pluginData = section("Configure, trust domain example.org");
    assertEquals("  region = \"us-east-2\"", pluginData.get(0));
    assertTrue(pluginData.get(1).matches("  endpoint = \"http://127\\.0\\.0\\.1:\\d+\""));
    assertTrue(
        pluginData.get(2).startsWith("  key_identifier_file = \"" + temp), pluginData.get(2));
    assertTrue(pluginData.get(3).startsWith("  key_policy_file = \"" + temp), pluginData.get(3));
  }

  @Test
  void aKmsFailureIsReportedOnStderrAndExitsWithOne() throws IOException {
    System.setProperty(Demo.ACCESS_KEY_PROPERTY, "AKIDBEFORE");
    System.setProperty(Demo.SESSION_TOKEN_PROPERTY, "token-before");

    int status =
        runDemo(model -> model.faults().failAlways(KmsOperations.SIGN, Fault.accessDenied()));

    assertEquals(1, status);
    assertTrue(
        err().startsWith("spire-aws-kms-keymanager demo: failed while signing with x509-CA-A: "),
        err());
    assertTrue(err().contains("PERMISSION_DENIED"), err());
    assertEquals(1, err().lines().count(), err());
    assertFalse(out.toString(StandardCharsets.UTF_8).contains("Demo passed"));
    assertEquals(List.of(), leftInTemp(), "the work directory is removed");
    assertEquals("AKIDBEFORE", System.getProperty(Demo.ACCESS_KEY_PROPERTY));
    assertEquals(null, System.getProperty(Demo.SECRET_KEY_PROPERTY));
    assertEquals("token-before", System.getProperty(Demo.SESSION_TOKEN_PROPERTY));
  }

  @Test
  void theFailureNamesTheStepWhenConfigureFails() {
    int status =
        runDemo(
            model -> model.faults().failAlways(KmsOperations.LIST_ALIASES, Fault.accessDenied()));

    assertEquals(1, status);
    assertTrue(
        err().startsWith("spire-aws-kms-keymanager demo: failed while configuring the plugin: "),
        err());
  }

  @Test
  void keyTypesHaveSpireNames() {
    assertEquals("ec-p256", Demo.typeName(dev.spirekms.proto.keymanager.v1.KeyType.EC_P256));
    assertEquals("rsa-4096", Demo.typeName(dev.spirekms.proto.keymanager.v1.KeyType.RSA_4096));
  }
}
