package dev.spirekms.keys;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.spirekms.aws.AwsCalls;
import dev.spirekms.aws.KmsCallException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sts.StsClient;

/** The key policy given to CreateKey: the operator's file, or one built for the server's role. */
public abstract class KeyPolicySource {
  private static final Logger LOG = LoggerFactory.getLogger(KeyPolicySource.class);

  /** The policy document for a new key, or empty to let KMS apply its default policy. */
  public abstract Optional<String> policy();

  /** The operator's policy document (from {@code key_policy_file}), sent verbatim. */
  public static KeyPolicySource fixed(String document) {
    return new KeyPolicySource() {
      @Override
      public Optional<String> policy() {
        return Optional.of(document);
      }
    };
  }

  /**
   * upstream aws_kms's default policy: full access for the role the server runs as, read access for
   * the account; built once from STS GetCallerIdentity.
   *
   * @param knownRoleArn the server's role ARN when it is known ({@code AWS_ROLE_ARN}, set for web
   *     identity): its IAM path is kept, which an assumed-role ARN does not carry
   */
  public static KeyPolicySource forCallerRole(StsClient sts, Optional<String> knownRoleArn) {
    return new CallerRolePolicy(
        () -> AwsCalls.call("sts:GetCallerIdentity", () -> sts.getCallerIdentity().arn()),
        knownRoleArn);
  }

  /**
   * The same default policy for a caller already known, e.g. from the role chain's identity check
   * at Configure, so no further STS call is made.
   */
  public static KeyPolicySource forKnownCaller(String callerArn, Optional<String> knownRoleArn) {
    return new CallerRolePolicy(() -> callerArn, knownRoleArn);
  }

  private static final class CallerRolePolicy extends KeyPolicySource {
    private final Supplier<String> caller;
    private final Optional<String> knownRoleArn;
    private final AtomicReference<String> built = new AtomicReference<>();

    CallerRolePolicy(Supplier<String> caller, Optional<String> knownRoleArn) {
      this.caller = caller;
      this.knownRoleArn = knownRoleArn;
    }

    @Override
    public Optional<String> policy() {
      String cached = built.get();
      if (cached != null) {
        return Optional.of(cached);
      }
      String callerArn;
      try {
        callerArn = caller.get();
      } catch (KmsCallException e) {
        throw KeyStoreException.fromCall(KeyMessages.NO_CALLER_IDENTITY, e);
      }
      Optional<String> document;
      try {
        document = Optional.of(document(RolePrincipal.fromCallerArn(callerArn, knownRoleArn)));
      } catch (IllegalArgumentException notARole) {
        LOG.atWarn()
            .addKeyValue("reason", notARole.getMessage())
            .log(KeyMessages.DEFAULT_POLICY_WITHOUT_ROLE);
        return Optional.empty();
      }
      built.compareAndSet(null, document.get());
      return document;
    }

    private static String document(RolePrincipal role) {
      JsonObject policy = new JsonObject();
      policy.addProperty("Version", "2012-10-17");
      JsonArray statements = new JsonArray();
      statements.add(
          statement(
              "Allow full access to the SPIRE Server role", role.roleArn(), actions("kms:*")));
      statements.add(
          statement(
              "Allow KMS console to display the key and policy",
              role.rootArn(),
              actions("kms:Describe*", "kms:List*", "kms:Get*")));
      policy.add("Statement", statements);
      return policy.toString();
    }

    private static JsonObject statement(String sid, String principal, JsonArray actions) {
      JsonObject statement = new JsonObject();
      statement.addProperty("Sid", sid);
      statement.addProperty("Effect", "Allow");
      JsonObject principals = new JsonObject();
      principals.addProperty("AWS", principal);
      statement.add("Principal", principals);
      statement.add("Action", actions.size() == 1 ? actions.get(0) : actions);
      statement.addProperty("Resource", "*");
      return statement;
    }

    private static JsonArray actions(String... names) {
      JsonArray array = new JsonArray();
      for (String name : names) {
        array.add(name);
      }
      return array;
    }
  }
}
