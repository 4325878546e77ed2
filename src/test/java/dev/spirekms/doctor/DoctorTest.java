package dev.spirekms.doctor;

import static dev.spirekms.doctor.DoctorBed.SECRET;
import static dev.spirekms.doctor.DoctorBed.TRUST_DOMAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.spirekms.localkms.KmsCall;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.status.StatusDocument;
import dev.spirekms.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.SignRequest;

/**
 * Whole doctor runs over HTTP: the local KMS on 127.0.0.1 and moto_server as STS, through the
 * plugin's own client construction.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DoctorTest {
  private static final Set<String> READS =
      Set.of("ListAliases", "ListKeys", "DescribeKey", "GetPublicKey", "Sign");
  private static final Set<String> TAG_MODE_READS =
      Set.of("ListAliases", "ListKeys", "DescribeKey", "GetPublicKey", "Sign", "GetResources");
  private static final String EXTERNAL_ID = "doctor-external-id-value-42";

  @TempDir static Path motoLogs;
  private static MotoServer moto;
  @TempDir Path temp;
  private DoctorBed bed;
  private LocalKmsServer kms;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start(motoLogs);
  }

  @AfterAll
  static void stopMoto() throws Exception {
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void start() throws Exception {
    bed = new DoctorBed().populate();
    kms = LocalKmsServer.start(bed.model, 0);
    bed.model.clearCalls();
  }

  @AfterEach
  void stop() {
    kms.close();
  }

  private String endpoints() {
    return "endpoint = \"" + kms.endpoint() + "\"\nsts_endpoint = \"" + moto.endpoint() + "\"\n";
  }

  private Report examine(String hcl) {
    return new Doctor(DoctorBed.wiring(), bed.clock).examine(TRUST_DOMAIN, hcl);
  }

  private void assertOnlyReads() {
    assertOnlyReads(READS);
  }

  private void assertOnlyReads(Set<String> reads) {
    List<KmsCall> calls = bed.model.calls();
    assertFalse(calls.isEmpty());
    for (KmsCall call : calls) {
      assertTrue(reads.contains(call.operation()), "not a read: " + call.operation());
      if (call.operation().equals("Sign")) {
        assertEquals(Boolean.TRUE, call.request(SignRequest.class).dryRun());
        assertFalse(call.succeeded());
      }
    }
  }

  @Test
  void theReplicasCheckAsksEachReplicaRegionThroughItsEndpoint() {
    var west = bed.model.inRegion("us-west-2");
    String primary =
        bed.model
            .createKey(
                software.amazon.awssdk.services.kms.model.CreateKeyRequest.builder()
                    .keySpec(software.amazon.awssdk.services.kms.model.KeySpec.ECC_NIST_P256)
                    .keyUsage(software.amazon.awssdk.services.kms.model.KeyUsageType.SIGN_VERIFY)
                    .description("SPIRE_SERVER_KEY/" + DoctorBed.TD + "/x509-CA-B")
                    .multiRegion(true)
                    .build())
            .keyMetadata()
            .arn();
    bed.model.createAlias(
        software.amazon.awssdk.services.kms.model.CreateAliasRequest.builder()
            .aliasName(DoctorBed.ownAlias("x509-CA-B"))
            .targetKeyId(primary)
            .build());
    String replica =
        bed.model
            .replicateKey(
                software.amazon.awssdk.services.kms.model.ReplicateKeyRequest.builder()
                    .keyId(primary)
                    .replicaRegion("us-west-2")
                    .build())
            .replicaKeyMetadata()
            .arn();
    west.createAlias(
        software.amazon.awssdk.services.kms.model.CreateAliasRequest.builder()
            .aliasName(DoctorBed.ownAlias("x509-CA-B"))
            .targetKeyId(replica)
            .build());
    bed.model.clearCalls();

    Report report =
        examine(
            DoctorBed.hcl(
                endpoints()
                    + "replica_regions = [\"us-west-2\"]\n"
                    + "replica_endpoints = { \"us-west-2\" = \""
                    + kms.endpoint()
                    + "\" }\n"));
    String text = TextRenderer.render(report);

    assertTrue(
        text.contains("OK    replicas: x509-CA-B: ready in us-west-2 (" + replica + ")"), text);
    assertTrue(text.contains("WARN  replicas: JWT-Signer-A is a single-Region key"), text);
    assertTrue(
        bed.model.calls().stream()
            .anyMatch(c -> c.region().equals("us-west-2") && c.operation().equals("DescribeKey")),
        "DescribeKey in us-west-2");
    assertOnlyReads();
  }

  @Test
  void aHealthyServerPassesAndNothingIsChanged() {
    Report report = examine(DoctorBed.hcl(endpoints()));
    String text = TextRenderer.render(report);
    System.out.print(text);

    assertEquals(0, report.exitCode(), text);
    assertEquals(0, report.count(Outcome.FAIL));
    assertTrue(text.contains("OK    credentials: sts:GetCallerIdentity: the plugin calls KMS as"));
    assertTrue(text.contains("OK    endpoint: KMS " + kms.endpoint()), text);
    assertTrue(text.contains("OK    keys: JWT-Signer-A: ECC_NIST_P256, Enabled"), text);
    assertTrue(text.contains("OK    other servers: server " + DoctorBed.OTHER_ID), text);
    assertOnlyReads();
    assertTrue(bed.model.calls("Sign").size() == 2);
  }

  @Test
  void inTagModeGetResourcesIsAskedOnceAndStillNothingIsChanged() {
    bed.taggedKey(DoctorBed.spireTags(DoctorBed.SERVER_ID, "x509-CA-T", bed.clock.instant()));
    bed.model.clearCalls();
    String tagMode =
        "enable_tag_based_key_discovery = true\ntagging_endpoint = \"" + kms.endpoint() + "\"\n";

    Report report = examine(DoctorBed.hcl(endpoints() + tagMode));
    String text = TextRenderer.render(report);

    assertEquals(0, report.count(Outcome.FAIL), text);
    assertTrue(
        text.contains("OK    permissions: tag:GetResources allowed (1 keys tagged active"), text);
    assertTrue(
        text.contains("OK    keys: x509-CA-T: tagged active, spire-last-update 0s ago"), text);
    assertOnlyReads(TAG_MODE_READS);
    assertEquals(1, bed.model.callCount("GetResources"));
  }

  @Test
  void aMissingServerIdFileIsAWarningAndIsNeverCreated() throws Exception {
    Path idFile = temp.resolve("server_id");
    String hcl =
        DoctorBed.hcl(endpoints())
            .replace(
                "key_identifier_value = \"" + DoctorBed.SERVER_ID + "\"",
                "key_identifier_file = \"" + idFile + "\"");

    Report report = examine(hcl);

    assertEquals(0, report.exitCode(), TextRenderer.render(report));
    assertTrue(
        report.findings().stream()
            .anyMatch(
                f ->
                    f.outcome() == Outcome.WARN
                        && f.check().equals(ServerIdCheck.NAME)
                        && f.message().contains("a new server id would be made at first start")));
    assertFalse(Files.exists(idFile));
    try (var listing = Files.list(temp)) {
      assertEquals(List.of(), listing.toList());
    }
    assertOnlyReads();
  }

  @Test
  void anUnreachableKmsFailsWithExitOne() throws Exception {
    String hcl =
        DoctorBed.hcl(
            "endpoint = \""
                + DoctorBed.closedPort()
                + "\"\nsts_endpoint = \""
                + moto.endpoint()
                + "\"\n");

    Report report = examine(hcl);
    String text = TextRenderer.render(report);

    assertEquals(1, report.exitCode(), text);
    assertTrue(text.contains("FAIL  endpoint: KMS http://127.0.0.1:"), text);
    assertTrue(text.contains("FAIL  permissions: kms:ListAliases could not reach AWS"), text);
  }

  @Test
  void aRoleChainIsAssumedHopByHopAndNoSecretIsPrinted() {
    String hcl =
        DoctorBed.hcl(
            endpoints()
                + "assume_role_arn = [\"arn:aws:iam::123456789012:role/first\","
                + " \"arn:aws:iam::123456789012:role/second\"]\n"
                + "assume_role_external_id = \""
                + EXTERNAL_ID
                + "\"\n");

    Report report = examine(hcl);
    String text = TextRenderer.render(report);
    String json = JsonRenderer.render(report);

    assertEquals(0, report.exitCode(), text);
    assertTrue(
        text.contains(
            "OK    credentials: role hop 1 of 2 (arn:aws:iam::123456789012:role/first) assumed"),
        text);
    assertTrue(text.contains("role hop 2 of 2"), text);
    assertTrue(text.contains(":assumed-role/second/"), text);
    for (String out : List.of(text, json)) {
      assertFalse(out.contains(SECRET));
      assertFalse(out.contains(EXTERNAL_ID));
    }
  }

  @Test
  void anUnreachableStsFailsTheCredentials() throws Exception {
    String hcl =
        DoctorBed.hcl(
            "endpoint = \""
                + kms.endpoint()
                + "\"\nsts_endpoint = \""
                + DoctorBed.closedPort()
                + "\"\n");

    Report report = examine(hcl);
    String text = TextRenderer.render(report);

    assertEquals(1, report.exitCode(), text);
    assertTrue(text.contains("FAIL  credentials: sts:GetCallerIdentity could not reach AWS"), text);
    assertTrue(text.contains(DoctorMessages.FIX_CALLER), text);
  }

  @Test
  void anInvalidConfigurationStopsAtItsNotes() {
    Report report = examine("region = \"us-east-2\"\n");

    assertEquals(1, report.exitCode());
    assertEquals(
        List.of(Outcome.FAIL),
        report.findings().stream().map(Finding::outcome).distinct().toList());
    assertTrue(bed.model.calls().isEmpty());
  }

  @Test
  void jsonHasOneObjectPerFinding() {
    Report report = examine(DoctorBed.hcl(endpoints()));

    JsonObject o = JsonParser.parseString(JsonRenderer.render(report)).getAsJsonObject();

    assertEquals(1, o.get("schema_version").getAsInt());
    assertEquals(TRUST_DOMAIN, o.get("trust_domain").getAsString());
    assertEquals(report.outcome().name(), o.get("outcome").getAsString());
    assertEquals(report.count(Outcome.WARN), o.getAsJsonObject("counts").get("warn").getAsLong());
    var findings = o.getAsJsonArray("findings");
    assertEquals(report.findings().size(), findings.size());
    for (int i = 0; i < findings.size(); i++) {
      JsonObject f = findings.get(i).getAsJsonObject();
      Finding expected = report.findings().get(i);
      assertEquals(Set.of("check", "outcome", "message", "fix"), f.keySet());
      assertEquals(expected.check(), f.get("check").getAsString());
      assertEquals(expected.outcome().name(), f.get("outcome").getAsString());
      assertEquals(expected.fix().isEmpty(), f.get("fix").isJsonNull());
    }
  }

  @Test
  void theStatusFileIsReadForItsAgeAndLastErrors() throws Exception {
    Path status = temp.resolve("status.json");
    String hcl = DoctorBed.hcl(endpoints() + "status_file = \"" + status + "\"\n");
    Instant now = bed.clock.instant();

    String missing = TextRenderer.render(examine(hcl));
    Files.writeString(status, document(now.minus(Duration.ofHours(1)), Map.of()).toJson());
    String fresh = TextRenderer.render(examine(hcl));
    Files.writeString(status, document(now.minus(Duration.ofHours(13)), Map.of()).toJson());
    String stale = TextRenderer.render(examine(hcl));
    Files.writeString(
        status,
        document(
                now.minus(Duration.ofMinutes(5)),
                Map.of(
                    "alias_refresh",
                    new StatusDocument.LastError(
                        "access denied to kms:UpdateAlias", now.minus(Duration.ofHours(2)))))
            .toJson());
    String erred = TextRenderer.render(examine(hcl));

    assertTrue(missing.contains("WARN  status file: " + status + " does not exist"), missing);
    assertTrue(
        fresh.contains(
            "OK    status file: "
                + status
                + " written 1h0m ago by plugin 1.2.3: 1 keys, deletion queue 0"),
        fresh);
    assertTrue(stale.contains("was written 13h0m ago, more than 12h0m"), stale);
    assertTrue(
        erred.contains("alias_refresh failed 2h0m ago: access denied to kms:UpdateAlias"), erred);
  }

  private static StatusDocument document(
      Instant writtenAt, Map<String, StatusDocument.LastError> errors) {
    return new StatusDocument(
        writtenAt,
        "1.2.3",
        TRUST_DOMAIN,
        DoctorBed.SERVER_ID,
        new StatusDocument.Credentials("static", Optional.empty()),
        List.of(new StatusDocument.Key("x509-CA-A", "ECC_NIST_P256", "arn:x", "ab")),
        Map.of(),
        0,
        errors);
  }
}
