package dev.spirekms.doctor;

import static dev.spirekms.doctor.DoctorBed.ownAlias;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.PluginConfig;
import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;

/** The replicas check: would a standby server in each replica region find every current key? */
class ReplicasCheckTest {
  private static final String WEST = "us-west-2";

  private final DoctorBed bed = new DoctorBed();
  private final KmsModel west = bed.model.inRegion(WEST);
  private final PluginConfig config = DoctorBed.config("replica_regions = [\"" + WEST + "\"]\n");

  /** This server's key for {@code spireKeyId}, multi-Region or not, with its home alias. */
  private String key(String spireKeyId, boolean multiRegion) {
    String arn =
        bed.model
            .createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .description("SPIRE_SERVER_KEY/" + DoctorBed.TD + "/" + spireKeyId)
                    .multiRegion(multiRegion)
                    .build())
            .keyMetadata()
            .arn();
    alias(bed.model, ownAlias(spireKeyId), arn);
    return arn;
  }

  private String replicate(String arn) {
    return bed.model
        .replicateKey(ReplicateKeyRequest.builder().keyId(arn).replicaRegion(WEST).build())
        .replicaKeyMetadata()
        .arn();
  }

  private static void alias(KmsModel region, String aliasName, String arn) {
    region.createAlias(CreateAliasRequest.builder().aliasName(aliasName).targetKeyId(arn).build());
  }

  private static List<Finding> run(DoctorContext context) {
    List<Finding> findings = new ArrayList<>();
    new ReplicasCheck().run(context, findings);
    return findings;
  }

  private static String text(List<Finding> findings) {
    return findings.stream()
        .map(f -> f.outcome() + " " + f.message() + f.fix().map(x -> " -- fix: " + x).orElse(""))
        .collect(Collectors.joining("\n"));
  }

  @Test
  void eachKeyIsReadyOrSaysWhatAStandbyWouldMiss() {
    String ready = replicate(key("x509-CA-A", true));
    alias(west, ownAlias("x509-CA-A"), ready);
    String unreplicated = key("x509-CA-B", true);
    String noAlias = replicate(key("JWT-Signer-A", true));
    String single = key("JWT-Signer-B", false);
    String disabled = replicate(key("x509-CA-C", true));
    alias(west, ownAlias("x509-CA-C"), disabled);
    west.disableKey(DisableKeyRequest.builder().keyId(disabled).build());
    String moved = replicate(key("x509-CA-D", true));
    String other =
        west.createKey(
                CreateKeyRequest.builder()
                    .keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsageType.SIGN_VERIFY)
                    .build())
            .keyMetadata()
            .arn();
    alias(west, ownAlias("x509-CA-D"), other);

    List<Finding> findings = run(bed.replicaContext(config));
    String all = text(findings);

    assertEquals(6, findings.size(), all);
    assertTrue(all.contains("OK x509-CA-A: ready in us-west-2 (" + ready + ")"), all);
    assertTrue(
        all.contains("FAIL x509-CA-B has no replica in us-west-2 (" + unreplicated + ")"), all);
    assertTrue(
        all.contains(
            "WARN JWT-Signer-A: no alias "
                + ownAlias("JWT-Signer-A")
                + " in us-west-2 for its replica "
                + noAlias),
        all);
    assertTrue(
        all.contains("--target-key-id " + noAlias), "the fix names the replica to alias: " + all);
    assertTrue(
        all.contains(
            "WARN JWT-Signer-B is a single-Region key (" + single + "): a standby in us-west-2"),
        all);
    assertTrue(
        all.contains("FAIL x509-CA-C: its replica " + disabled + " in us-west-2 is Disabled"), all);
    assertTrue(all.contains("points at " + other + ", not at its replica " + moved), all);
  }

  @Test
  void aReplicaRegionThatRefusesIsAFailWithTheFixForTheCall() {
    String replica = replicate(key("x509-CA-A", true));
    alias(west, ownAlias("x509-CA-A"), replica);
    west.faults().failAlways("DescribeKey", Fault.accessDenied());

    List<Finding> findings = run(bed.replicaContext(config));

    assertEquals(1, findings.size(), text(findings));
    assertEquals(Outcome.FAIL, findings.get(0).outcome());
    assertTrue(findings.get(0).message().startsWith("us-west-2: "), text(findings));
    assertTrue(findings.get(0).fix().orElseThrow().contains("kms:DescribeKey"), text(findings));
  }

  @Test
  void withoutReplicaRegionsItSaysNothing() {
    replicate(key("x509-CA-A", true));
    assertEquals(List.of(), run(bed.replicaContext(DoctorBed.config(""))));
  }

  @Test
  void beforeTheFirstKeyItSaysSo() {
    List<Finding> findings = run(bed.replicaContext(config));
    assertEquals("no key yet to replicate into us-west-2", findings.get(0).message());
  }
}
