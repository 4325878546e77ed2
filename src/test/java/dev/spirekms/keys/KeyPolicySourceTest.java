package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.spirekms.keys.KeyStoreException.Kind;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

class KeyPolicySourceTest {

  /** An STS client that answers GetCallerIdentity from a supplier and counts calls. */
  static final class CallerIdentitySts implements StsClient {
    final AtomicInteger calls = new AtomicInteger();
    private final Supplier<String> arn;

    CallerIdentitySts(Supplier<String> arn) {
      this.arn = arn;
    }

    @Override
    public GetCallerIdentityResponse getCallerIdentity(GetCallerIdentityRequest request) {
      calls.incrementAndGet();
      return GetCallerIdentityResponse.builder().arn(arn.get()).account("123456789012").build();
    }

    @Override
    public String serviceName() {
      return "sts";
    }

    @Override
    public void close() {}
  }

  @Test
  void fixedPolicyIsSentVerbatim() {
    assertEquals(Optional.of("{\"x\":1}"), KeyPolicySource.fixed("{\"x\":1}").policy());
  }

  @Test
  void defaultPolicyNamesTheCallersRoleAndIsBuiltOnce() {
    CallerIdentitySts sts =
        new CallerIdentitySts(() -> "arn:aws:sts::123456789012:assumed-role/spire-server/i-0abc");
    KeyPolicySource source = KeyPolicySource.forCallerRole(sts, Optional.empty());
    String policy = source.policy().orElseThrow();
    assertEquals(
        "{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Sid\":\"Allow full access to the SPIRE Server role\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/spire-server\"},"
            + "\"Action\":\"kms:*\",\"Resource\":\"*\"},"
            + "{\"Sid\":\"Allow KMS console to display the key and policy\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},"
            + "\"Action\":[\"kms:Describe*\",\"kms:List*\",\"kms:Get*\"],\"Resource\":\"*\"}]}",
        policy);
    source.policy();
    assertEquals(1, sts.calls.get());
  }

  @Test
  void partitionComesFromTheCallerAndPathFromTheKnownRole() {
    CallerIdentitySts sts =
        new CallerIdentitySts(() -> "arn:aws-us-gov:sts::111122223333:assumed-role/spire/session");
    String policy =
        KeyPolicySource.forCallerRole(
                sts, Optional.of("arn:aws-us-gov:iam::111122223333:role/platform/spire/spire"))
            .policy()
            .orElseThrow();
    var statements = JsonParser.parseString(policy).getAsJsonObject().getAsJsonArray("Statement");
    assertEquals(
        "arn:aws-us-gov:iam::111122223333:role/platform/spire/spire",
        statements.get(0).getAsJsonObject().getAsJsonObject("Principal").get("AWS").getAsString());
    assertEquals(
        "arn:aws-us-gov:iam::111122223333:root",
        statements.get(1).getAsJsonObject().getAsJsonObject("Principal").get("AWS").getAsString());
  }

  @Test
  void aKnownRoleOfAnotherNameOrAccountIsIgnored() {
    RolePrincipal otherName =
        RolePrincipal.fromCallerArn(
            "arn:aws:sts::1:assumed-role/spire/s", Optional.of("arn:aws:iam::1:role/p/other"));
    assertEquals("arn:aws:iam::1:role/spire", otherName.roleArn());
    RolePrincipal otherAccount =
        RolePrincipal.fromCallerArn(
            "arn:aws:sts::1:assumed-role/spire/s", Optional.of("arn:aws:iam::2:role/p/spire"));
    assertEquals("arn:aws:iam::1:role/spire", otherAccount.roleArn());
    RolePrincipal notIam =
        RolePrincipal.fromCallerArn(
            "arn:aws:sts::1:assumed-role/spire/s", Optional.of("arn:aws:sts::1:role/p/spire"));
    assertEquals("arn:aws:iam::1:role/spire", notIam.roleArn());
  }

  @Test
  void userCallerGetsNoPolicyAndIsAskedAgainNextTime() {
    CallerIdentitySts sts = new CallerIdentitySts(() -> "arn:aws:iam::123456789012:user/development");
    KeyPolicySource source = KeyPolicySource.forCallerRole(sts, Optional.empty());
    assertEquals(Optional.empty(), source.policy());
    assertEquals(Optional.empty(), source.policy());
    assertEquals(2, sts.calls.get());
  }

  @Test
  void malformedCallerArnsGiveNoPolicy() {
    assertEquals(
        Optional.empty(),
        KeyPolicySource.forCallerRole(new CallerIdentitySts(() -> "arn:aws:iam::1:root"), Optional.empty())
            .policy());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RolePrincipal.fromCallerArn("arn:aws:iam::1:root", Optional.empty()));
    assertEquals("incomplete resource, expected 'resource-type/resource-id' but got \"root\"", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> RolePrincipal.fromCallerArn("nonsense", Optional.empty()));
  }

  @Test
  void callerIdentityFailureFailsTheKeyCreation() {
    CallerIdentitySts sts =
        new CallerIdentitySts(
            () -> {
              throw (StsException)
                  StsException.builder()
                      .statusCode(403)
                      .awsErrorDetails(
                          AwsErrorDetails.builder()
                              .errorCode("AccessDenied")
                              .errorMessage("not allowed")
                              .build())
                      .build();
            });
    KeyStoreException e =
        assertThrows(
            KeyStoreException.class,
            () -> KeyPolicySource.forCallerRole(sts, Optional.empty()).policy());
    assertEquals(Kind.PERMISSION_DENIED, e.kind());
    assertTrue(
        e.getMessage()
            .startsWith("unable to create policy: cannot get caller identity: access denied to sts:GetCallerIdentity"),
        e.getMessage());
  }
}
