package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.spirekms.testing.SpiffeBundle;
import dev.spirekms.testing.SvidVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * SPIRE's own {@code spire-server} with our distribution as its KeyManager, against a local KMS:
 * the bundle's authorities are the KMS keys, a real {@code spire-agent} gets SVIDs that verify,
 * SPIRE's rotation commands make new KMS keys and retire old ones, a restart makes none, and our
 * log lines reach SPIRE's log as structured entries.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SpireServerEndToEndTest {
  private static final String WORKLOAD = SpireServer.TRUST_DOMAIN_ID + "/workload";
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern TOKEN = Pattern.compile("Token: (\\S+)");

  @TempDir Path temp;
  private SpireTestBed bed;
  private SpireServer server;
  private SpireAgent agent;
  private String agentParent;

  @BeforeEach
  void start() throws Exception {
    bed = new SpireTestBed(temp);
    server = bed.server(bed.ourKeyManager());
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    server.close();
    bed.close();
  }

  @Test
  void servesAuthoritiesFromKmsKeysAndAnAgentsSvidsVerify() throws Exception {
    SpiffeBundle bundle = bundle();
    X509Certificate ca = onlyOne(bundle.x509Authorities());
    assertSameKey(bed.publicKey(activeSlot("x509-CA")), ca.getPublicKey(), "X.509 CA");
    PublicKey jwtKey = onlyOne(List.copyOf(bundle.jwtAuthorities().values()));
    assertSameKey(bed.publicKey(activeSlot("JWT-Signer")), jwtKey, "JWT authority");

    startAgentWithEntry(WORKLOAD, "unix:uid:" + uid());
    X509Certificate leaf = fetchX509Svid(WORKLOAD);
    assertEquals(ca.getSubjectX500Principal(), leaf.getIssuerX500Principal());

    SvidVerifier.JwtClaims claims = fetchJwtSvid("spire-e2e", bundle());
    assertEquals(WORKLOAD, claims.subject());
  }

  @Test
  void ourLogLinesReachSpiresLogAsStructuredEntries() throws Exception {
    List<JsonObject> ours = pluginEntries();
    assertTrue(ours.size() > 3, "too few entries of our plugin in SPIRE's log: " + ours.size());
    for (JsonObject entry : ours) {
      // go-plugin adds a "timestamp" field to each stderr line it parsed as hclog JSON; a line it
      // could not parse is logged as raw text at debug without one.
      assertTrue(entry.has("timestamp"), "logged as unparsed text: " + entry);
      assertTrue(entry.has("level") && entry.has("msg"), entry.toString());
    }
    JsonObject created =
        ours.stream()
            .filter(e -> msg(e).equals("Key created"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no 'Key created' entry: " + ours));
    assertEquals("info", created.get("level").getAsString());
    assertTrue(created.has("key_arn") && created.has("spire_key_id"), created.toString());
    assertEquals("true", created.get("external").getAsString());
    JsonObject serverId =
        ours.stream()
            .filter(e -> msg(e).equals("Loaded server id"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no 'Loaded server id' entry: " + ours));
    assertEquals("debug", serverId.get("level").getAsString());
    assertEquals(bed.serverId(), serverId.get("server_id").getAsString());
  }

  @Test
  void spireRotationCommandsMakeNewKmsKeysAndRetireReplacedOnes() throws Exception {
    String firstCa = activeSlot("x509-CA");
    String nextCa = otherSlot(firstCa);
    String firstCaArn = bed.keyArn(firstCa);
    int created = bed.model().callCount("CreateKey");

    String prepared = server.prepareAuthority("x509");
    assertTrue(bed.hasAlias(nextCa), "no alias for " + nextCa + " after prepare");
    assertEquals(created + 1, bed.model().callCount("CreateKey"));
    server.activateAuthority("x509", prepared);
    assertTrue(
        bundle().x509Authorities().stream()
            .anyMatch(c -> sameKey(c.getPublicKey(), publicKeyOf(nextCa))),
        "the bundle lacks the prepared CA");

    startAgentWithEntry(WORKLOAD, "unix:uid:" + uid());
    X509Certificate leaf = fetchX509Svid(WORKLOAD);
    X509Certificate nextCaCert =
        bundle().x509Authorities().stream()
            .filter(c -> sameKey(c.getPublicKey(), publicKeyOf(nextCa)))
            .findFirst()
            .orElseThrow();
    leaf.verify(nextCaCert.getPublicKey());

    // Preparing again regenerates the retired slot: its key is replaced, and our lifecycle
    // schedules the replaced key's deletion.
    server.prepareAuthority("x509");
    assertNotEquals(firstCaArn, bed.keyArn(firstCa));
    bed.awaitKeyState(firstCaArn, KeyState.PENDING_DELETION);

    String firstJwt = activeSlot("JWT-Signer");
    String nextJwt = otherSlot(firstJwt);
    String jwtPrepared = server.prepareAuthority("jwt");
    server.activateAuthority("jwt", jwtPrepared);
    SpiffeBundle rotated = bundle();
    assertTrue(rotated.jwtAuthorities().containsKey(jwtPrepared), "no key " + jwtPrepared);
    assertSameKey(publicKeyOf(nextJwt), rotated.jwtAuthorities().get(jwtPrepared), "new JWT key");
    SvidVerifier.JwtClaims claims = fetchJwtSvid("after-rotation", rotated);
    assertEquals(jwtPrepared, claims.keyId());
  }

  @Test
  void aRestartFindsTheSameKeysAndTheAgentKeepsGettingSvids() throws Exception {
    startAgentWithEntry(WORKLOAD, "unix:uid:" + uid());
    fetchX509Svid(WORKLOAD);
    String pemBefore = server.cli("bundle show", "-format", "pem").requireSuccess().stdout();
    int created = bed.model().callCount("CreateKey");
    List<String> keysBefore = kmsKeyArns();

    server.stop();
    // SPIRE unloads the plugin with Deinit and Shutdown; go-plugin logs a clean exit at info, and
    // would warn "plugin failed to exit gracefully" had it needed to kill the process.
    List<JsonObject> exits =
        catalogEntries().stream().filter(e -> msg(e).equals("plugin process exited")).toList();
    assertEquals(1, exits.size(), "exits logged: " + exits);
    assertEquals("info", exits.get(0).get("level").getAsString(), exits.get(0).toString());
    assertTrue(
        catalogEntries().stream().noneMatch(e -> msg(e).contains("failed to exit gracefully")));
    server.start();

    assertEquals(created, bed.model().callCount("CreateKey"), "a restart created KMS keys");
    assertEquals(keysBefore, kmsKeyArns());
    assertEquals(pemBefore, server.cli("bundle show", "-format", "pem").requireSuccess().stdout());
    String second = SpireServer.TRUST_DOMAIN_ID + "/after-restart";
    createEntry(second, "unix:uid:" + uid());
    fetchX509Svid(second);
  }

  @Test
  void aBrokenPluginDataStopsTheServerWithOurMessage() throws Exception {
    server.stop();
    server.configure(bed.ourKeyManager("key_identifier_file = \"" + bed.serverIdFile + "\""));
    server.launch();
    assertNotEquals(0, server.awaitExit(Duration.ofSeconds(90)));
    String output = server.output();
    String fatal =
        server.logEntries().stream()
            .filter(e -> msg(e).equals("Fatal run error"))
            .map(e -> e.get("error").getAsString())
            .reduce((first, last) -> last)
            .orElseThrow(() -> new AssertionError("no fatal error logged:\n" + output));
    assertEquals(
        "failed to configure plugin \"aws_kms_java\": rpc error: code = InvalidArgument"
            + " desc = configuration is missing a region",
        fatal);
  }

  // -----------------------------------------------------------------------------------------

  private SpiffeBundle bundle() throws IOException, InterruptedException {
    return SpiffeBundle.parseJwks(
        server.cli("bundle show", "-format", "spiffe").requireSuccess().stdout());
  }

  /** Which slot ({@code <prefix>-A} or {@code -B}) holds the key the bundle publishes first. */
  private String activeSlot(String prefix) throws IOException {
    boolean a = bed.hasAlias(prefix + "-A");
    boolean b = bed.hasAlias(prefix + "-B");
    if (a == b) {
      fail("expected exactly one of " + prefix + "-A and -B in KMS, found A=" + a + " B=" + b);
    }
    return prefix + (a ? "-A" : "-B");
  }

  private static String otherSlot(String slot) {
    return slot.substring(0, slot.length() - 1) + (slot.endsWith("A") ? "B" : "A");
  }

  private PublicKey publicKeyOf(String spireKeyId) {
    try {
      return bed.publicKey(spireKeyId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> kmsKeyArns() {
    return bed.model().keys().stream().map(k -> k.arn()).sorted().toList();
  }

  private void startAgentWithEntry(String spiffeId, String selector) throws Exception {
    String generated = server.cli("token generate").requireSuccess().stdout();
    Matcher match = TOKEN.matcher(generated);
    assertTrue(match.find(), "no token in: " + generated);
    String token = match.group(1);
    agentParent = SpireServer.TRUST_DOMAIN_ID + "/spire/agent/join_token/" + token;
    createEntry(spiffeId, selector);
    String bootstrap = server.cli("bundle show", "-format", "pem").requireSuccess().stdout();
    agent = new SpireAgent(bed.spire, temp.resolve("agent"));
    agent.start(server, token, bootstrap);
  }

  private void createEntry(String spiffeId, String selector) throws Exception {
    server
        .cli("entry create", "-parentID", agentParent, "-spiffeID", spiffeId, "-selector", selector)
        .requireSuccess();
  }

  /** Fetches X509-SVIDs until one for {@code spiffeId} arrives, and verifies its chain. */
  private X509Certificate fetchX509Svid(String spiffeId) throws Exception {
    long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
    SpireCli.Result last = null;
    while (System.nanoTime() < deadline) {
      Path out = Files.createTempDirectory(temp, "svid");
      last = agent.cli("api fetch x509", "-write", out.toString());
      if (last.exitCode() == 0) {
        Optional<X509Certificate> leaf = findSvid(out, spiffeId);
        if (leaf.isPresent()) {
          return leaf.get();
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no X509-SVID for " + spiffeId + "; last fetch: " + last);
  }

  private Optional<X509Certificate> findSvid(Path dir, String spiffeId) throws Exception {
    List<X509Certificate> roots = bundle().x509Authorities();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().matches("svid\\.\\d+\\.pem")).toList()) {
        List<X509Certificate> chain = SpiffeBundle.parsePem(Files.readString(file));
        String uri = uriSan(chain.get(0));
        if (spiffeId.equals(uri)) {
          return Optional.of(SvidVerifier.verifyX509Svid(chain, roots, spiffeId));
        }
      }
    }
    return Optional.empty();
  }

  private SvidVerifier.JwtClaims fetchJwtSvid(String audience, SpiffeBundle bundle)
      throws Exception {
    SpireCli.Result fetched = agent.cli("api fetch jwt", "-audience", audience).requireSuccess();
    String token = SvidVerifier.parseFetchJwtToken(fetched.stdout());
    return SvidVerifier.verifyJwtSvid(token, bundle.jwtAuthorities(), audience, Instant.now());
  }

  private List<JsonObject> pluginEntries() throws IOException {
    List<JsonObject> ours = new ArrayList<>();
    for (JsonObject entry : server.logEntries()) {
      JsonElement name = entry.get("plugin_name");
      JsonElement subsystem = entry.get("subsystem_name");
      if (name != null
          && name.getAsString().equals(SpireTestBed.PLUGIN_NAME)
          && subsystem != null
          && subsystem.getAsString().endsWith("." + LocalKmsPlugin.NAME)) {
        ours.add(entry);
      }
    }
    return ours;
  }

  /** Entries go-plugin itself logged about our plugin's process. */
  private List<JsonObject> catalogEntries() throws IOException {
    return server.logEntries().stream()
        .filter(e -> e.has("plugin_name"))
        .filter(e -> e.get("plugin_name").getAsString().equals(SpireTestBed.PLUGIN_NAME))
        .filter(e -> e.has("subsystem_name"))
        .filter(e -> e.get("subsystem_name").getAsString().equals("catalog"))
        .toList();
  }

  private static String msg(JsonObject entry) {
    return entry.has("msg") ? entry.get("msg").getAsString() : "";
  }

  private static String uriSan(X509Certificate cert) throws Exception {
    if (cert.getSubjectAlternativeNames() == null) {
      return null;
    }
    for (List<?> name : cert.getSubjectAlternativeNames()) {
      if (Integer.valueOf(6).equals(name.get(0))) {
        return (String) name.get(1);
      }
    }
    return null;
  }

  private static int uid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  private static <T> T onlyOne(List<T> items) {
    assertEquals(1, items.size(), "expected one, got " + items);
    return items.get(0);
  }

  private static boolean sameKey(PublicKey a, PublicKey b) {
    return Arrays.equals(a.getEncoded(), b.getEncoded());
  }

  private static void assertSameKey(PublicKey expected, PublicKey actual, String what) {
    assertArrayEquals(expected.getEncoded(), actual.getEncoded(), what + " is not the KMS key");
  }
}
