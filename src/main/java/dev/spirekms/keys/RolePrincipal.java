package dev.spirekms.keys;

import java.util.Optional;

/**
 * The IAM role behind an assumed-role caller ARN, as key policy principals.
 *
 * <p>An STS assumed-role ARN ({@code arn:<partition>:sts::<account>:assumed-role/<role>/<session>})
 * carries the partition but not the role's IAM path; a principal without its path names no role, so
 * the path is taken from a known role ARN when its account and name match.
 */
record RolePrincipal(String partition, String account, String roleName, String path) {

  static RolePrincipal fromCallerArn(String callerArn, Optional<String> knownRoleArn) {
    String[] parts = callerArn.split(":", 6);
    if (parts.length != 6 || !parts[0].equals("arn")) {
      throw new IllegalArgumentException(String.format(KeyMessages.NOT_AN_ARN, callerArn));
    }
    String[] resource = parts[5].split("/");
    if (resource.length < 2) {
      throw new IllegalArgumentException(String.format(KeyMessages.INCOMPLETE_RESOURCE, parts[5]));
    }
    if (!resource[0].equals("assumed-role")) {
      throw new IllegalArgumentException(String.format(KeyMessages.NOT_AN_ASSUMED_ROLE, callerArn));
    }
    String partition = parts[1];
    String account = parts[4];
    String roleName = resource[1];
    String path = knownRoleArn.flatMap(arn -> pathOf(arn, account, roleName)).orElse("/");
    return new RolePrincipal(partition, account, roleName, path);
  }

  /** The path of {@code arn:<p>:iam::<account>:role/<path/><name>} when account and name match. */
  private static Optional<String> pathOf(String roleArn, String account, String roleName) {
    String[] parts = roleArn.split(":", 6);
    if (parts.length != 6 || !parts[2].equals("iam") || !parts[4].equals(account)) {
      return Optional.empty();
    }
    String resource = parts[5];
    if (!resource.startsWith("role/") || !resource.endsWith("/" + roleName)) {
      return Optional.empty();
    }
    return Optional.of(resource.substring("role".length(), resource.length() - roleName.length()));
  }

  String roleArn() {
    return "arn:" + partition + ":iam::" + account + ":role" + path + roleName;
  }

  String rootArn() {
    return "arn:" + partition + ":iam::" + account + ":root";
  }
}
