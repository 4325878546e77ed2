package dev.spirekms.localkms;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** KMS's paging: a Limit checked against the operation's range, and opaque markers. */
final class Paging {

  private Paging() {}

  static int limitOf(Integer limit, int defaultLimit, int max) {
    if (limit == null) {
      return defaultLimit;
    }
    if (limit < 1) {
      throw KmsErrors.validation(
          "limit", limit, "Member must have value greater than or equal to 1");
    }
    if (limit > max) {
      throw KmsErrors.validation(
          "limit", limit, "Member must have value less than or equal to " + max);
    }
    return limit;
  }

  record Page<T>(List<T> items, boolean truncated, String nextMarker) {}

  /** One page of {@code sorted} items after the marker's position. */
  static <T> Page<T> page(
      String operation, List<T> sorted, Function<T, String> position, String marker, int limit) {
    String after = marker == null ? null : Markers.decode(operation, marker);
    List<T> items = new ArrayList<>(limit);
    boolean truncated = false;
    for (T item : sorted) {
      if (after != null && position.apply(item).compareTo(after) <= 0) {
        continue;
      }
      if (items.size() == limit) {
        truncated = true;
        break;
      }
      items.add(item);
    }
    String next =
        truncated ? Markers.encode(operation, position.apply(items.get(limit - 1))) : null;
    return new Page<>(items, truncated, next);
  }
}
