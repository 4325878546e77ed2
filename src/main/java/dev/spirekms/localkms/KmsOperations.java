package dev.spirekms.localkms;

import java.util.Set;

/**
 * Names of the operations the local KMS implements, as they appear in {@code X-Amz-Target}: KMS's,
 * and the Resource Groups Tagging API's GetResources for its keys.
 */
public final class KmsOperations {
  public static final String CANCEL_KEY_DELETION = "CancelKeyDeletion";
  public static final String CREATE_ALIAS = "CreateAlias";
  public static final String CREATE_KEY = "CreateKey";
  public static final String DELETE_ALIAS = "DeleteAlias";
  public static final String DESCRIBE_KEY = "DescribeKey";
  public static final String DISABLE_KEY = "DisableKey";
  public static final String ENABLE_KEY = "EnableKey";
  public static final String GET_PUBLIC_KEY = "GetPublicKey";

  /** Resource Groups Tagging API, {@code X-Amz-Target: ResourceGroupsTaggingAPI_20170126.*}. */
  public static final String GET_RESOURCES = "GetResources";

  public static final String LIST_ALIASES = "ListAliases";
  public static final String LIST_KEYS = "ListKeys";
  public static final String LIST_RESOURCE_TAGS = "ListResourceTags";
  public static final String REPLICATE_KEY = "ReplicateKey";
  public static final String SCHEDULE_KEY_DELETION = "ScheduleKeyDeletion";
  public static final String SIGN = "Sign";
  public static final String TAG_RESOURCE = "TagResource";
  public static final String UPDATE_ALIAS = "UpdateAlias";

  /** Every operation name above. */
  public static final Set<String> ALL =
      Set.of(
          CANCEL_KEY_DELETION,
          CREATE_ALIAS,
          CREATE_KEY,
          DELETE_ALIAS,
          DESCRIBE_KEY,
          DISABLE_KEY,
          ENABLE_KEY,
          GET_PUBLIC_KEY,
          GET_RESOURCES,
          LIST_ALIASES,
          LIST_KEYS,
          LIST_RESOURCE_TAGS,
          REPLICATE_KEY,
          SCHEDULE_KEY_DELETION,
          SIGN,
          TAG_RESOURCE,
          UPDATE_ALIAS);

  private KmsOperations() {}

  static String requireKnown(String operation) {
    if (!ALL.contains(operation)) {
      throw new IllegalArgumentException(
          "unknown KMS operation " + operation + ", expected one of " + ALL);
    }
    return operation;
  }
}
