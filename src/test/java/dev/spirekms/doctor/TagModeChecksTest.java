package dev.spirekms.doctor;

import static dev.spirekms.doctor.DoctorBed.OTHER_ID;
import static dev.spirekms.doctor.DoctorBed.SERVER_ID;
import static dev.spirekms.doctor.DoctorBed.config;
import static dev.spirekms.doctor.DoctorBed.run;
import static dev.spirekms.doctor.DoctorBed.spireTags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.PluginConfig;
import dev.spirekms.keys.KeyMessages;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/** The permissions and keys checks with enable_tag_based_key_discovery, against the local KMS. */
class TagModeChecksTest {
  private static final Set<String> READS =
      Set.of("ListAliases", "ListKeys", "DescribeKey", "GetPublicKey", "Sign", "GetResources");

  private final DoctorBed bed = new DoctorBed().populate();
  private final PluginConfig tagMode = config("enable_tag_based_key_discovery = true\n");

  private static List<Finding> of(List<Finding> findings, Outcome outcome) {
    return findings.stream().filter(f -> f.outcome() == outcome).toList();
  }

  private static String text(List<Finding> findings) {
    return String.join("\n", findings.stream().map(Finding::message).toList());
  }

  private DoctorContext context() {
    return bed.taggedContext(tagMode, Optional.of(SERVER_ID));
  }

  @Test
  void getResourcesIsTriedWithThisServersFilters() {
    Instant now = bed.clock.instant();
    bed.taggedKey(spireTags(SERVER_ID, "x509-CA-T", now));
    bed.taggedKey(spireTags(SERVER_ID, "JWT-Signer-T", now));
    bed.taggedKey(spireTags(OTHER_ID, "x509-CA-T", now));
    bed.model.clearCalls();

    List<Finding> findings = run(new PermissionsCheck(), context());

    assertEquals(List.of(), of(findings, Outcome.FAIL), text(findings));
    assertTrue(
        text(findings).contains("tag:GetResources allowed (2 keys tagged active for this server)"),
        text(findings));
    List<GetResourcesRequest> asked = bed.model.requests("GetResources", GetResourcesRequest.class);
    assertEquals(1, asked.size());
    assertEquals(
        List.of(
            TagFilter.builder().key("spire-server-td").values("example.org").build(),
            TagFilter.builder().key("spire-server-id").values(SERVER_ID).build(),
            TagFilter.builder().key("spire-active").values("true").build()),
        asked.get(0).tagFilters());
  }

  @Test
  void deniedGetResourcesIsAFailWithUpstreamsMessageAndWhereTheGrantGoes() {
    bed.model.faults().failAlways("GetResources", Fault.accessDenied());
    DoctorContext context = context();

    List<Finding> findings = new ArrayList<>();
    Doctor.run(List.of(new PermissionsCheck(), new ServerKeysCheck()), context, findings);

    List<Finding> fails = of(findings, Outcome.FAIL);
    assertEquals(1, fails.size(), text(findings));
    assertEquals("permissions", fails.get(0).check());
    assertTrue(
        fails.get(0).message().startsWith(KeyMessages.TAG_DISCOVERY_DENIED + ": "),
        fails.get(0).message());
    assertTrue(fails.get(0).message().contains("tag:GetResources"), fails.get(0).message());
    assertEquals(DoctorMessages.FIX_TAGGING_DENIED, fails.get(0).fix().orElseThrow());
    // the KMS permissions are still tried, and the keys check still lists the aliased keys
    assertTrue(text(findings).contains("kms:Sign (DryRun) allowed on 2"), text(findings));
    assertTrue(text(findings).contains("JWT-Signer-A: ECC_NIST_P256, Enabled"), text(findings));
    assertEquals(1, bed.model.callCount("GetResources"));
  }

  @Test
  void throttledGetResourcesIsAFailWithTheThrottlingFix() {
    bed.model.faults().failAlways("GetResources", Fault.throttling());

    List<Finding> fails = of(run(new PermissionsCheck(), context()), Outcome.FAIL);

    assertEquals(1, fails.size(), text(fails));
    assertTrue(fails.get(0).message().contains("tag:GetResources"), fails.get(0).message());
    assertEquals(DoctorMessages.FIX_THROTTLED, fails.get(0).fix().orElseThrow());
  }

  @Test
  void keysShowTheAgeOfEachTaggedKeysLastUpdate() {
    Instant now = bed.clock.instant();
    String fresh = bed.taggedKey(spireTags(SERVER_ID, "x509-CA-T", now.minus(Duration.ofHours(3))));
    String stale =
        bed.taggedKey(spireTags(SERVER_ID, "JWT-Signer-T", now.minus(Duration.ofDays(2))));
    Map<String, String> unstamped = new HashMap<>(spireTags(SERVER_ID, "unstamped", now));
    unstamped.remove("spire-last-update");
    String missing = bed.taggedKey(unstamped);
    Map<String, String> garbled = new HashMap<>(spireTags(SERVER_ID, "garbled", now));
    garbled.put("spire-last-update", "yesterday");
    String malformed = bed.taggedKey(garbled);
    Map<String, String> anonymous = new HashMap<>(spireTags(SERVER_ID, "x", now));
    anonymous.remove("spire-key-id");
    String noKeyId = bed.taggedKey(anonymous);
    String others = bed.taggedKey(spireTags(OTHER_ID, "x509-CA-T", now.minus(Duration.ofDays(30))));

    List<Finding> findings = run(new ServerKeysCheck(), context());

    String all = text(findings);
    assertTrue(
        all.contains("x509-CA-T: tagged active, spire-last-update 3h0m ago (" + fresh + ")"), all);
    List<Finding> warns = of(findings, Outcome.WARN);
    assertEquals(4, warns.size(), all);
    assertEquals(
        String.format(
            DoctorMessages.TAG_NOT_REFRESHED,
            "JWT-Signer-T",
            stale,
            "2d0h",
            "6h0m",
            now.minus(Duration.ofDays(2)).plus(DoctorBed.settings(tagMode).staleAliasThreshold())),
        warns.stream()
            .filter(w -> w.message().contains(stale))
            .findFirst()
            .orElseThrow()
            .message());
    assertTrue(all.contains(missing + " has no spire-last-update tag"), all);
    assertTrue(all.contains(malformed + " has spire-last-update \"yesterday\""), all);
    assertTrue(all.contains(String.format(DoctorMessages.TAGGED_WITHOUT_KEY_ID, noKeyId)), all);
    assertTrue(warns.stream().allMatch(w -> w.fix().isPresent()), "every WARN has its fix: " + all);
    assertEquals(List.of(), of(findings, Outcome.FAIL), all);
    // another server's key is not listed, however old
    assertTrue(findings.stream().noneMatch(f -> f.message().contains(others)), all);
  }

  @Test
  void noTaggedKeyIsSaidOnce() {
    List<Finding> findings = run(new ServerKeysCheck(), context());

    assertEquals(
        1,
        findings.stream().filter(f -> f.message().equals(ServerKeysCheck.TAGGED_NONE)).count(),
        text(findings));
  }

  @Test
  void inAliasModeTheTaggingApiIsNotAsked() {
    bed.taggedKey(spireTags(SERVER_ID, "x509-CA-T", bed.clock.instant()));
    DoctorContext context = bed.taggedContext(config(""), Optional.of(SERVER_ID));

    List<Finding> findings = new ArrayList<>();
    Doctor.run(Doctor.checks(), context, findings);

    assertEquals(0, bed.model.callCount("GetResources"));
    assertTrue(findings.stream().noneMatch(f -> f.message().contains("tag")), text(findings));
  }

  @Test
  void withoutAServerIdThePermissionIsStillTriedAndNoKeyIsListed() {
    bed.taggedKey(spireTags(SERVER_ID, "x509-CA-T", bed.clock.instant()));

    List<Finding> findings = new ArrayList<>();
    Doctor.run(
        List.of(new PermissionsCheck(), new ServerKeysCheck()),
        bed.taggedContext(tagMode, Optional.empty()),
        findings);

    assertTrue(
        text(findings).contains("tag:GetResources allowed (0 keys tagged active"), text(findings));
    assertTrue(text(findings).contains(ServerKeysCheck.NO_SERVER_ID), text(findings));
  }

  @Test
  void everyCheckInTagModeOnlyReads() {
    bed.taggedKey(spireTags(SERVER_ID, "x509-CA-T", bed.clock.instant()));
    bed.model.clearCalls();

    List<Finding> findings = new ArrayList<>();
    Doctor.run(Doctor.checks(), context(), findings);

    List<KmsCall> calls = bed.model.calls();
    assertEquals(1, bed.model.callCount("GetResources"), text(findings));
    for (KmsCall call : calls) {
      assertTrue(READS.contains(call.operation()), "not a read: " + call.operation());
      if (call.operation().equals("Sign")) {
        assertEquals(Boolean.TRUE, call.request(SignRequest.class).dryRun());
      }
    }
  }
}
