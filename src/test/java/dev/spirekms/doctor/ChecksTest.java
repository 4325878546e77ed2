package dev.spirekms.doctor;

import static dev.spirekms.doctor.DoctorBed.OTHER_ID;
import static dev.spirekms.doctor.DoctorBed.SERVER_ID;
import static dev.spirekms.doctor.DoctorBed.config;
import static dev.spirekms.doctor.DoctorBed.ownAlias;
import static dev.spirekms.doctor.DoctorBed.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.ConfigLoader;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.LocalKmsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.SignRequest;

/** Each check group on its own, against the local KMS model, with faults injected into it. */
class ChecksTest {
  @TempDir Path temp;
  private final DoctorBed bed = new DoctorBed().populate();
  private final PluginConfig config = config("");

  private static List<Finding> of(List<Finding> findings, Outcome outcome) {
    return findings.stream().filter(f -> f.outcome() == outcome).toList();
  }

  private static String text(List<Finding> findings) {
    return String.join("\n", findings.stream().map(Finding::message).toList());
  }

  @Test
  void permissionsAreAllTriedAndSignOnlyWithDryRun() {
    List<Finding> findings = run(new PermissionsCheck(), bed.context(config));

    assertEquals(List.of(), of(findings, Outcome.FAIL), text(findings));
    String all = text(findings);
    assertTrue(all.contains("kms:ListAliases allowed (3 aliases"), all);
    assertTrue(all.contains("kms:DescribeKey allowed on 2 of this server's 2 keys"), all);
    assertTrue(all.contains("kms:GetPublicKey allowed on 2"), all);
    assertTrue(all.contains("kms:Sign (DryRun) allowed on 2"), all);
    List<SignRequest> signs = bed.model.requests("Sign", SignRequest.class);
    assertEquals(2, signs.size());
    assertTrue(signs.stream().allMatch(s -> Boolean.TRUE.equals(s.dryRun())));
    assertTrue(bed.model.calls("Sign").stream().noneMatch(c -> c.succeeded()));
  }

  @Test
  void deniedSignIsAFailNamingTheActionAndTheFix() {
    bed.model.faults().failAlways("Sign", Fault.accessDenied());

    List<Finding> fails = of(run(new PermissionsCheck(), bed.context(config)), Outcome.FAIL);

    assertEquals(2, fails.size(), text(fails));
    assertTrue(fails.get(0).message().contains("access denied to kms:Sign"), text(fails));
    assertTrue(fails.get(0).fix().orElseThrow().contains("allow kms:Sign"));
  }

  @Test
  void throttledListingFailsOnceAndTheChecksThatNeedItStayQuiet() {
    bed.model.faults().failAlways("ListAliases", Fault.throttling());
    DoctorContext context = bed.context(config);

    List<Finding> findings = new ArrayList<>();
    Doctor.run(
        List.of(
            new PermissionsCheck(),
            new ServerKeysCheck(),
            new OtherServersCheck(),
            new CleanupCheck()),
        context,
        findings);

    assertEquals(1, findings.size(), text(findings));
    assertEquals(Outcome.FAIL, findings.get(0).outcome());
    assertTrue(findings.get(0).message().contains("kms:ListAliases was throttled"));
    assertEquals(DoctorMessages.FIX_THROTTLED, findings.get(0).fix().orElseThrow());
  }

  @Test
  void aDisabledKeyFailsTheKeysAndTheSignCheck() {
    String arn = bed.model.alias(ownAlias("x509-CA-A")).orElseThrow().targetKeyId();
    bed.disable(arn);

    List<Finding> keys = run(new ServerKeysCheck(), bed.context(config));
    List<Finding> permissions = run(new PermissionsCheck(), bed.context(config));

    List<Finding> keyFails = of(keys, Outcome.FAIL);
    assertEquals(1, keyFails.size(), text(keys));
    assertTrue(keyFails.get(0).message().startsWith("x509-CA-A: its key "), text(keyFails));
    assertTrue(keyFails.get(0).message().endsWith("is Disabled, so it cannot sign"));
    assertTrue(keyFails.get(0).fix().orElseThrow().contains("aws kms enable-key --key-id "));
    // not a permission problem: the key is not tried
    assertEquals(List.of(), of(permissions, Outcome.FAIL), text(permissions));
    assertTrue(text(permissions).contains("kms:Sign (DryRun) allowed on 1 of this server's 2"));
    assertTrue(text(permissions).contains("not tried on 1 keys that are not enabled"));
  }

  @Test
  void aSignThatKmsRefusesAsDisabledIsAFail() {
    bed.model.faults().failAlways("Sign", Fault.disabled());

    List<Finding> fails = of(run(new PermissionsCheck(), bed.context(config)), Outcome.FAIL);

    assertEquals(2, fails.size(), text(fails));
    assertEquals(DoctorMessages.FIX_KEY_STATE, fails.get(0).fix().orElseThrow());
  }

  @Test
  void keysShowSpecStateAgeAndRefresh() {
    List<Finding> findings = run(new ServerKeysCheck(), bed.context(config));

    assertEquals(2, of(findings, Outcome.OK).size(), text(findings));
    assertTrue(text(findings).contains("x509-CA-A: ECC_NIST_P256, Enabled, created 0s ago"));
  }

  @Test
  void anAliasNotRefreshedForTwoIntervalsIsAWarning() {
    bed.clock.advance(Duration.ofHours(13));

    List<Finding> warns = of(run(new ServerKeysCheck(), bed.context(config)), Outcome.WARN);

    assertEquals(2, warns.size());
    assertTrue(warns.get(0).message().contains("last refreshed 13h0m ago"), text(warns));
  }

  @Test
  void withoutAServerIdThereAreNoOwnKeysAndEveryAliasIsAnotherServers() {
    DoctorContext context = bed.context(config, Optional.empty());

    List<Finding> keys = run(new ServerKeysCheck(), context);
    List<Finding> others = run(new OtherServersCheck(), context);

    assertEquals(ServerKeysCheck.NO_SERVER_ID, keys.get(0).message());
    assertTrue(text(others).contains("server " + SERVER_ID + ": 2 aliases"), text(others));
  }

  @Test
  void otherServersShowWhenTheirAliasesBecomeDue() {
    List<Finding> findings = run(new OtherServersCheck(), bed.context(config));

    assertEquals(1, findings.size(), text(findings));
    String line = findings.get(0).message();
    // refreshed at START, stale_alias_threshold 14d, now START + 20d
    assertTrue(
        line.startsWith("server " + OTHER_ID + ": 1 aliases, last refreshed 20d0h ago"), line);
    assertTrue(line.contains("due for disposal from 2026-03-15T00:00:00Z"), line);
    assertTrue(line.endsWith("(due now: " + OtherServersCheck.DELETE + ")"), line);
  }

  @Test
  void aliasesNotYetDueShowTheirDateOnly() {
    PluginConfig longer = config("stale_alias_threshold = \"720h\"\n");

    String line = run(new OtherServersCheck(), bed.context(longer)).get(0).message();

    assertTrue(line.contains("due for disposal from 2026-03-31T00:00:00Z"), line);
    assertFalse(line.contains("due now"), line);
  }

  @Test
  void pendingDeletionAndOrphanKeysAreCountedWithTheirCost() {
    List<Finding> findings = run(new CleanupCheck(), bed.context(config));

    String all = text(findings);
    assertEquals(List.of(), of(findings, Outcome.WARN), all);
    assertTrue(all.contains("1 keys of this trust domain pending deletion, USD 1/month"), all);
    assertTrue(all.contains("1 orphan candidates (no alias, older than 2d0h), USD 1/month"), all);
    assertTrue(all.contains(CleanupCheck.PRICE_NOTE), all);
    assertTrue(all.contains(CleanupCheck.ORPHANS_DELETE), all);
  }

  @Test
  void orphansInReportModeAreAWarning() {
    PluginConfig report = config("disposal_mode = \"report\"\n");

    List<Finding> warns = of(run(new CleanupCheck(), bed.context(report)), Outcome.WARN);

    assertEquals(1, warns.size());
    assertTrue(warns.get(0).message().endsWith(DoctorMessages.ORPHANS_REPORTED));
  }

  @Test
  void aYoungKeyWithoutAliasIsNoOrphanYet() {
    bed.key("x509-CA-C", null);

    String all = text(run(new CleanupCheck(), bed.context(config)));

    assertTrue(all.contains("1 orphan candidates"), all);
  }

  @Test
  void deniedListKeysIsAFail() {
    bed.model.faults().failAlways("ListKeys", Fault.accessDenied());

    List<Finding> fails = of(run(new CleanupCheck(), bed.context(config)), Outcome.FAIL);

    assertEquals(1, fails.size());
    assertEquals(DoctorMessages.FIX_LIST_KEYS, fails.get(0).fix().orElseThrow());
  }

  @Test
  void aliasBudgetCountsThePrefix() {
    String line = run(new AliasBudgetCheck(), bed.context(config)).get(0).message();

    // "alias/SPIRE_SERVER/example_org/" (31) + 36 + "/"
    assertTrue(line.startsWith("the alias prefix takes 68 of 256 characters, leaving 188"), line);
  }

  @Test
  void aliasBudgetFailsWhenTooLittleIsLeft() {
    PluginConfig config = config("");
    String longId = "a".repeat(200);
    DoctorContext context = bed.context(config, Optional.of(longId));

    Finding f = run(new AliasBudgetCheck(), context).get(0);

    assertEquals(Outcome.FAIL, f.outcome());
    assertTrue(
        f.message().contains("leaving 24 for key ids, less than the 32 needed"), f.message());
  }

  @Test
  void aClosedPortIsUnreachableAndTheLocalKmsIsReachable() throws Exception {
    Finding closed =
        EndpointCheck.probe("KMS", "endpoint", DoctorBed.closedPort(), bed.clock.instant());
    Finding open;
    try (LocalKmsServer server = LocalKmsServer.start(bed.model, 0)) {
      open = EndpointCheck.probe("KMS", "endpoint", server.endpoint(), bed.clock.instant());
    }

    assertEquals(Outcome.FAIL, closed.outcome());
    assertTrue(closed.message().endsWith("is not reachable: connection refused"), closed.message());
    assertTrue(closed.fix().orElseThrow().startsWith("check the endpoint setting"));
    assertEquals(Outcome.OK, open.outcome(), open.message());
    assertTrue(open.message().contains("reachable over plain http"));
  }

  @Test
  void aHostThatDoesNotResolveIsUnreachable() {
    Finding f =
        EndpointCheck.probe(
            "STS",
            "sts_endpoint",
            java.net.URI.create("https://no-such-host.invalid"),
            bed.clock.instant());

    assertEquals(Outcome.FAIL, f.outcome());
    assertTrue(f.message().endsWith("its host name does not resolve"), f.message());
  }

  @Test
  void serverIdFromAMissingFileIsAWarningAndTheFileIsNotMade() {
    Path file = temp.resolve("server_id");
    List<Finding> findings = new ArrayList<>();

    Optional<String> id =
        ServerIdCheck.run(new dev.spirekms.config.ServerIdSource.FromFile(file), findings);

    assertEquals(Optional.empty(), id);
    assertEquals(Outcome.WARN, findings.get(0).outcome());
    assertTrue(findings.get(0).message().contains("a new server id would be made at first start"));
    assertFalse(Files.exists(file));
  }

  @Test
  void serverIdFromAFileIsReadAsThePluginReadsIt() throws Exception {
    Path file = Files.writeString(temp.resolve("server_id"), SERVER_ID.toUpperCase() + "\n");
    Path broken = Files.writeString(temp.resolve("broken"), "not a uuid");
    List<Finding> findings = new ArrayList<>();

    Optional<String> id =
        ServerIdCheck.run(new dev.spirekms.config.ServerIdSource.FromFile(file), findings);
    ServerIdCheck.run(new dev.spirekms.config.ServerIdSource.FromFile(broken), findings);

    assertEquals(Optional.of(SERVER_ID), id);
    assertEquals(Outcome.OK, findings.get(0).outcome());
    assertEquals(Outcome.FAIL, findings.get(1).outcome());
    assertTrue(findings.get(1).message().contains("does not hold a UUID"));
  }

  @Test
  void configurationNotesAreThoseOfValidate() {
    var result = ConfigLoader.load("example.org", "region = \"\"\nstartup_concurrency = 0\n");
    List<Finding> findings = new ArrayList<>();

    ConfigurationCheck.run(result, findings);

    assertEquals(result.notes(), findings.stream().map(Finding::message).toList());
    assertTrue(findings.stream().allMatch(f -> f.outcome() == Outcome.FAIL));

    List<Finding> valid = new ArrayList<>();
    ConfigurationCheck.run(ConfigLoader.load("example.org", DoctorBed.hcl("")), valid);
    assertEquals(Outcome.WARN, valid.get(0).outcome(), valid.get(0).message());
    assertTrue(valid.get(0).message().startsWith("access_key_id and secret_access_key are set"));
    Finding last = valid.get(valid.size() - 1);
    assertEquals(Outcome.OK, last.outcome());
    assertTrue(last.message().startsWith("valid: trust_domain=example.org"));
  }
}
