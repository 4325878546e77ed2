package dev.spirekms.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.testing.SpiffeBundle;
import dev.spirekms.testing.SvidVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.SignRequest;

/**
 * A fleet can move between SPIRE's built-in {@code aws_kms} and our plugin without losing keys: one
 * SPIRE server, one local KMS and one server-id file; the built-in creates the keys, ours finds
 * exactly those and signs with them, and the built-in finds them again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SpireSwitchEndToEndTest {
  private static final String SVID = SpireServer.TRUST_DOMAIN_ID + "/switched";

  @TempDir Path temp;

  @Test
  void switchesFromTheBuiltInToOursAndBackOnTheSameKeys() throws Exception {
    try (SpireTestBed bed = new SpireTestBed(temp);
        SpireServer server = bed.server(bed.builtInKeyManager())) {
      server.start();
      int created = bed.model().callCount("CreateKey");
      assertTrue(created >= 2, "the built-in created " + created + " keys");
      String pem = bundlePem(server);
      Set<String> keys = keyArns(bed);
      mintAndVerify(server, "built-in");

      server.stop();
      server.configure(bed.ourKeyManager());
      bed.model().clearCalls();
      server.start();
      assertEquals(0, bed.model().callCount("CreateKey"), "our plugin created keys");
      assertEquals(pem, bundlePem(server), "the bundle changed when our plugin took over");
      mintAndVerify(server, "ours");
      Set<String> signedWith =
          bed.model().requests("Sign", SignRequest.class).stream()
              .map(SignRequest::keyId)
              .collect(Collectors.toSet());
      assertFalse(signedWith.isEmpty(), "our plugin made no Sign call");
      assertTrue(keys.containsAll(signedWith), "signed with " + signedWith + ", not " + keys);
      assertEquals(
          0,
          bed.model().callCount("ScheduleKeyDeletion"),
          "our plugin scheduled the built-in's keys for deletion");

      server.stop();
      server.configure(bed.builtInKeyManager());
      bed.model().clearCalls();
      server.start();
      assertEquals(0, bed.model().callCount("CreateKey"), "the built-in created keys");
      assertEquals(pem, bundlePem(server));
      assertEquals(keys, keyArns(bed));
      mintAndVerify(server, "built-in again");

      // The built-in rotates on the keys it took back, through the AWS SDK for Go: a new key in
      // the other slot, then the retired slot's key replaced and scheduled for deletion.
      String retired = bed.keyArn("x509-CA-A");
      server.activateAuthority("x509", server.prepareAuthority("x509"));
      server.prepareAuthority("x509");
      assertEquals(2, bed.model().callCount("CreateKey"));
      assertTrue(bed.model().callCount("UpdateAlias") >= 1, "the built-in updated no alias");
      bed.awaitKeyState(retired, KeyState.PENDING_DELETION);
      mintAndVerify(server, "built-in rotated");
    }
  }

  private static String bundlePem(SpireServer server) throws Exception {
    return server.cli("bundle show", "-format", "pem").requireSuccess().stdout();
  }

  /** The ARNs the server's aliases target. */
  private static Set<String> keyArns(SpireTestBed bed) throws Exception {
    String prefix = "alias/SPIRE_SERVER/example_org/" + bed.serverId() + "/";
    return bed.model().aliases().stream()
        .filter(a -> a.aliasName().startsWith(prefix))
        .map(a -> bed.model().key(a.aliasName()).arn())
        .collect(Collectors.toSet());
  }

  /** Has the server sign an X509-SVID and a JWT-SVID, and verifies both against its bundle. */
  private void mintAndVerify(SpireServer server, String phase) throws Exception {
    SpiffeBundle bundle =
        SpiffeBundle.parseJwks(
            server.cli("bundle show", "-format", "spiffe").requireSuccess().stdout());
    Path out = Files.createTempDirectory(temp, "mint");
    server.cli("x509 mint", "-spiffeID", SVID, "-write", out.toString()).requireSuccess();
    List<X509Certificate> chain = SpiffeBundle.parsePem(Files.readString(out.resolve("svid.pem")));
    SvidVerifier.verifyX509Svid(chain, bundle.x509Authorities(), SVID);

    String jwt =
        server
            .cli("jwt mint", "-spiffeID", SVID, "-audience", phase.replace(' ', '-'))
            .requireSuccess()
            .stdout()
            .strip();
    SvidVerifier.JwtClaims claims =
        SvidVerifier.verifyJwtSvid(
            jwt, bundle.jwtAuthorities(), phase.replace(' ', '-'), Instant.now());
    assertEquals(SVID, claims.subject(), phase);
  }
}
