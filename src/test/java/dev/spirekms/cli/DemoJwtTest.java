package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.testing.SvidVerifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoJwtTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
  private static final String SUBJECT = "spiffe://example.org/workload";

  private static String sign(LocalKeySigner signer, KeyType type) throws GeneralSecurityException {
    return DemoJwt.sign(signer, "JWT-Signer-A", type, SUBJECT, List.of("demo"), NOW);
  }

  private static JsonObject json(String part) {
    return JsonParser.parseString(
            new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  @Test
  void aP384TokenIsAJwtSvidAWorkloadAccepts() throws GeneralSecurityException {
    LocalKeySigner signer = LocalKeySigner.ec("secp384r1");

    String token = sign(signer, KeyType.EC_P384);

    SvidVerifier.JwtClaims claims =
        SvidVerifier.verifyJwtSvid(
            token, Map.of("JWT-Signer-A", signer.keyPair.getPublic()), "demo", NOW);
    assertEquals(SUBJECT, claims.subject());
    assertEquals(List.of("demo"), claims.audience());
    assertEquals("JWT-Signer-A", claims.keyId());
    assertEquals("ES384", claims.algorithm());
    assertEquals(NOW.getEpochSecond() + 300, claims.expiresAt().getEpochSecond());
    assertEquals(
        List.of(new LocalKeySigner.Call("JWT-Signer-A", 48, HashAlgorithm.SHA384)), signer.calls);
    // JWS (RFC 7518 §3.4): R||S, 48 bytes each for P-384, not DER
    assertEquals(96, Base64.getUrlDecoder().decode(token.split("\\.")[2]).length);
  }

  @Test
  void theHeaderAndClaimsAreThoseOfAJwtSvid() throws GeneralSecurityException {
    LocalKeySigner signer = LocalKeySigner.ec("secp256r1");

    String token = sign(signer, KeyType.EC_P256);
    DemoJwt.Verified verified = DemoJwt.verify(token, signer.keyPair.getPublic(), NOW);

    String[] parts = token.split("\\.");
    JsonObject header = json(parts[0]);
    assertEquals(3, header.size(), header.toString());
    assertEquals("ES256", header.get("alg").getAsString());
    assertEquals("JWT-Signer-A", header.get("kid").getAsString());
    assertEquals("JWT", header.get("typ").getAsString());
    JsonObject claims = json(parts[1]);
    assertEquals(SUBJECT, claims.get("sub").getAsString());
    assertEquals("demo", claims.get("aud").getAsString());
    assertEquals(NOW.getEpochSecond(), claims.get("iat").getAsLong());
    assertEquals(NOW.getEpochSecond() + 300, claims.get("exp").getAsLong());
    assertEquals(header, JsonParser.parseString(verified.header()));
    assertEquals(claims, JsonParser.parseString(verified.claims()));
    assertEquals(64, Base64.getUrlDecoder().decode(parts[2]).length);
  }

  @Test
  void aTamperedSignatureDoesNotVerify() throws GeneralSecurityException {
    LocalKeySigner signer = LocalKeySigner.ec("secp384r1");
    // flipping a bit of the DER would break its encoding; flip one in the JWS signature instead
    String token = sign(signer, KeyType.EC_P384);
    String[] parts = token.split("\\.");
    byte[] signature = LocalKeySigner.flipABit(Base64.getUrlDecoder().decode(parts[2]));
    String tampered =
        parts[0]
            + "."
            + parts[1]
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);

    assertThrows(
        GeneralSecurityException.class,
        () -> DemoJwt.verify(tampered, signer.keyPair.getPublic(), NOW));
  }

  @Test
  void aTamperedSignatureFromTheSignerDoesNotVerify() throws GeneralSecurityException {
    LocalKeySigner tampering = LocalKeySigner.ec("secp384r1").tampering(LocalKeySigner::flipABit);

    GeneralSecurityException e =
        assertThrows(
            GeneralSecurityException.class,
            () -> {
              String token = sign(tampering, KeyType.EC_P384);
              DemoJwt.verify(token, tampering.keyPair.getPublic(), NOW);
            });
    assertTrue(
        e.getMessage().startsWith("the JWT-SVID") || e.getMessage().startsWith("cannot"),
        e.getMessage());
  }

  @Test
  void aChangedClaimDoesNotVerify() throws GeneralSecurityException {
    LocalKeySigner signer = LocalKeySigner.ec("secp384r1");
    String[] parts = sign(signer, KeyType.EC_P384).split("\\.");
    String otherClaims =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                json(parts[1])
                    .toString()
                    .replace("/workload", "/admin")
                    .getBytes(StandardCharsets.UTF_8));

    assertThrows(
        GeneralSecurityException.class,
        () ->
            DemoJwt.verify(
                parts[0] + "." + otherClaims + "." + parts[2], signer.keyPair.getPublic(), NOW));
  }

  @Test
  void anotherKeyDoesNotVerifyIt() throws GeneralSecurityException {
    String token = sign(LocalKeySigner.ec("secp384r1"), KeyType.EC_P384);

    assertThrows(
        GeneralSecurityException.class,
        () -> DemoJwt.verify(token, LocalKeySigner.ecKeyPair("secp384r1").getPublic(), NOW));
  }

  @Test
  void theTokenExpiresAfterFiveMinutes() throws GeneralSecurityException {
    LocalKeySigner signer = LocalKeySigner.ec("secp256r1");
    String token = sign(signer, KeyType.EC_P256);

    DemoJwt.verify(token, signer.keyPair.getPublic(), NOW.plus(Duration.ofSeconds(299)));
    assertThrows(
        GeneralSecurityException.class,
        () -> DemoJwt.verify(token, signer.keyPair.getPublic(), NOW.plus(Duration.ofMinutes(5))));
  }

  @Test
  void rsaKeysAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> sign(LocalKeySigner.ec("secp256r1"), KeyType.RSA_2048));
  }
}
