package dev.spirekms.config;

import java.util.Objects;

/**
 * An access key pair given in configuration ({@code access_key_id}, {@code secret_access_key}).
 * Neither value ever appears in {@link #toString()}.
 */
public final class StaticCredentials {

  private final String accessKeyId;
  private final String secretAccessKey;

  StaticCredentials(String accessKeyId, String secretAccessKey) {
    this.accessKeyId = Objects.requireNonNull(accessKeyId);
    this.secretAccessKey = Objects.requireNonNull(secretAccessKey);
  }

  public String accessKeyId() {
    return accessKeyId;
  }

  public String secretAccessKey() {
    return secretAccessKey;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StaticCredentials other
        && accessKeyId.equals(other.accessKeyId)
        && secretAccessKey.equals(other.secretAccessKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accessKeyId, secretAccessKey);
  }

  @Override
  public String toString() {
    return "StaticCredentials[redacted]";
  }
}
