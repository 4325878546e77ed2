package dev.spirekms.localkms;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque pagination markers. A marker names the last item of the page it ends, so paging goes on
 * without gaps or repeats even when items are added or removed between pages.
 */
final class Markers {
  private static final String PREFIX = "localkms:";

  private Markers() {}

  static String encode(String operation, String lastPosition) {
    String plain = PREFIX + operation + ":" + lastPosition;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The position a marker names; InvalidMarkerException if it is not one of this operation's. */
  static String decode(String operation, String marker) {
    String expected = PREFIX + operation + ":";
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      plain = "";
    }
    if (!plain.startsWith(expected)) {
      // KMS: a marker not issued by a previous page of this operation (API Reference, Errors).
      throw KmsErrors.invalidMarker("Invalid marker: " + marker);
    }
    return plain.substring(expected.length());
  }
}
