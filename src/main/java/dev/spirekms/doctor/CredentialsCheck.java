package dev.spirekms.doctor;

import dev.spirekms.aws.AssumedRoleHop;
import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.AwsClients;
import dev.spirekms.aws.KmsCallException;
import java.util.List;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Where the credentials come from, each role hop assumed in order (as Configure assumes them), and
 * who STS says the plugin then is ({@code sts:GetCallerIdentity}). Only names and expiry times are
 * shown, never a key, token or external id.
 */
final class CredentialsCheck implements Check {
  static final String NAME = "credentials";
  static final String SOURCE = "source: %s";
  static final String HOP_OK = "%s assumed; the session expires at %s";
  static final String CALLER = "sts:GetCallerIdentity: the plugin calls KMS as %s (account %s)";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(DoctorContext context, List<Finding> findings) {
    AwsClients clients = context.clients().orElseThrow();
    var source = clients.sourceName();
    if (source.isEmpty()) {
      findings.add(
          Finding.fail(NAME, DoctorMessages.NO_CREDENTIALS, DoctorMessages.FIX_NO_CREDENTIALS));
      return;
    }
    findings.add(Finding.ok(NAME, String.format(SOURCE, source.get())));
    boolean failed = false;
    for (AssumedRoleHop hop : clients.credentials().hops()) {
      if (failed) {
        findings.add(
            Finding.fail(
                NAME,
                String.format(DoctorMessages.HOP_SKIPPED, hop.describe()),
                DoctorMessages.FIX_HOP));
        continue;
      }
      try {
        hop.assume();
        findings.add(
            Finding.ok(
                NAME,
                String.format(
                    HOP_OK,
                    hop.describe(),
                    hop.expiration().map(Object::toString).orElse("unknown"))));
      } catch (KmsCallException e) {
        findings.add(Finding.fail(NAME, e.getMessage(), DoctorMessages.FIX_HOP));
        failed = true;
      }
    }
    if (failed) {
      return;
    }
    try {
      GetCallerIdentityResponse caller =
          AwsCalls.call("sts:GetCallerIdentity", () -> clients.sts().getCallerIdentity());
      findings.add(Finding.ok(NAME, String.format(CALLER, caller.arn(), caller.account())));
    } catch (KmsCallException e) {
      findings.add(Finding.fail(NAME, e.getMessage(), DoctorMessages.FIX_CALLER));
    }
  }
}
