package dev.spirekms.doctor;

import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import dev.spirekms.keys.TaggedKeys;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * The KMS permissions the plugin needs, tried without changing anything: {@code kms:ListAliases},
 * and on each of this server's keys {@code kms:DescribeKey}, {@code kms:GetPublicKey} and {@code
 * kms:Sign} with {@code DryRun} (KMS answers DryRunOperationException when the call would have
 * succeeded). CreateKey, CreateAlias, UpdateAlias, DeleteAlias and ScheduleKeyDeletion have no dry
 * run and are not tried. In tag mode also {@code tag:GetResources}, with the filters the plugin
 * uses at start-up; TagResource has no dry run either.
 */
final class PermissionsCheck implements Check {
  static final String NAME = "permissions";
  static final String DRY_RUN_SUCCEEDED = "DryRunOperationException";

  static final String LIST_OK = "kms:ListAliases allowed (%d aliases in the account and region)";
  static final String ALLOWED = "%s allowed on %d of this server's %d keys";
  static final String NOT_TRIED =
      "kms:GetPublicKey and kms:Sign not tried on %d keys that are not enabled (see the keys"
          + " findings)";
  static final String NO_KEYS =
      "kms:DescribeKey, kms:GetPublicKey and kms:Sign not tried: this server has no keys yet";
  static final String TAGGING_OK =
      TaggedKeys.ACTION + " allowed (%d keys tagged active for this server)";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(DoctorContext context, List<Finding> findings) {
    runKms(context, findings);
    if (context.tagMode()) {
      runTagging(context, findings);
    }
  }

  private static void runTagging(DoctorContext context, List<Finding> findings) {
    try {
      findings.add(Finding.ok(NAME, String.format(TAGGING_OK, context.taggedKeys().size())));
    } catch (KmsCallException e) {
      if (e.kind() == KmsCallException.Kind.ACCESS_DENIED) {
        // the plugin's start fails with upstream's message: show it, with where the grant goes
        findings.add(
            Finding.fail(
                NAME,
                String.format(DoctorMessages.TAGGING_DENIED, e.getMessage()),
                DoctorMessages.FIX_TAGGING_DENIED));
      } else {
        findings.add(Finding.fail(NAME, e.getMessage(), fix(e)));
      }
    }
  }

  private static void runKms(DoctorContext context, List<Finding> findings) {
    List<AliasListEntry> aliases;
    try {
      aliases = context.aliases();
    } catch (KmsCallException e) {
      findings.add(Finding.fail(NAME, e.getMessage(), fix(e)));
      return;
    }
    findings.add(Finding.ok(NAME, String.format(LIST_OK, aliases.size())));
    List<AliasListEntry> own =
        context.ownAliases().stream().filter(a -> a.targetKeyId() != null).toList();
    if (own.isEmpty()) {
      findings.add(Finding.ok(NAME, NO_KEYS));
      return;
    }
    int described = 0;
    int publicKeys = 0;
    int signed = 0;
    int enabled = 0;
    for (AliasListEntry alias : own) {
      String keyId = alias.targetKeyId();
      KeyMetadata key;
      try {
        key = context.describe(keyId);
        described++;
      } catch (KmsCallException e) {
        findings.add(denied(e, alias));
        continue;
      }
      if (key.keyState() != KeyState.ENABLED) {
        // it cannot sign whatever the permissions: the keys check reports it
        continue;
      }
      enabled++;
      try {
        AwsCalls.call("kms:GetPublicKey", () -> context.kms().getPublicKey(b -> b.keyId(keyId)));
        publicKeys++;
      } catch (KmsCallException e) {
        findings.add(denied(e, alias));
      }
      try {
        dryRunSign(context, key);
        signed++;
      } catch (KmsCallException e) {
        if (e.errorCode().filter(DRY_RUN_SUCCEEDED::equals).isPresent()) {
          signed++;
        } else {
          findings.add(denied(e, alias));
        }
      }
    }
    addAllowed(findings, "kms:DescribeKey", described, own.size());
    addAllowed(findings, "kms:GetPublicKey", publicKeys, own.size());
    addAllowed(findings, "kms:Sign (DryRun)", signed, own.size());
    if (enabled < described) {
      findings.add(Finding.ok(NAME, String.format(NOT_TRIED, described - enabled)));
    }
  }

  private static void addAllowed(List<Finding> findings, String action, int allowed, int of) {
    if (allowed > 0) {
      findings.add(Finding.ok(NAME, String.format(ALLOWED, action, allowed, of)));
    }
  }

  /** Sign with DryRun: a digest of zeros as long as the key's first signing algorithm's hash. */
  private static void dryRunSign(DoctorContext context, KeyMetadata key) {
    List<SigningAlgorithmSpec> algorithms = key.signingAlgorithms();
    SigningAlgorithmSpec algorithm =
        algorithms.isEmpty() ? SigningAlgorithmSpec.ECDSA_SHA_256 : algorithms.get(0);
    byte[] digest = new byte[digestLength(algorithm)];
    AwsCalls.call(
        "kms:Sign",
        () ->
            context
                .kms()
                .sign(
                    b ->
                        b.keyId(key.arn())
                            .messageType(MessageType.DIGEST)
                            .message(SdkBytes.fromByteArray(digest))
                            .signingAlgorithm(algorithm)
                            .dryRun(true)));
  }

  static int digestLength(SigningAlgorithmSpec algorithm) {
    String name = algorithm.toString().toUpperCase(Locale.ROOT);
    if (name.endsWith("SHA_512")) {
      return 64;
    }
    if (name.endsWith("SHA_384")) {
      return 48;
    }
    return 32;
  }

  private static Finding denied(KmsCallException e, AliasListEntry alias) {
    String message =
        String.format(
            DoctorMessages.DENIED_ON,
            e.action(),
            alias.aliasName(),
            alias.targetKeyId(),
            e.getMessage());
    return Finding.fail(NAME, message, fix(e));
  }

  static String fix(KmsCallException e) {
    return switch (e.kind()) {
      case ACCESS_DENIED -> String.format(DoctorMessages.FIX_DENIED, e.action());
      case THROTTLED -> DoctorMessages.FIX_THROTTLED;
      case UNAVAILABLE -> DoctorMessages.FIX_UNAVAILABLE;
      case DISABLED, INVALID_STATE -> DoctorMessages.FIX_KEY_STATE;
      default -> DoctorMessages.FIX_OTHER;
    };
  }
}
