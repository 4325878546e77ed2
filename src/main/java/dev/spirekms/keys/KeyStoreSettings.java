package dev.spirekms.keys;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link KmsKeyStore} needs from the plugin configuration.
 *
 * @param naming KMS names for this server's keys
 * @param policy the key policy for new keys
 * @param tags tags put on every new key, in order
 * @param startupConcurrency how many keys are loaded at once at start-up
 */
public record KeyStoreSettings(
    KeyNaming naming, KeyPolicySource policy, Map<String, String> tags, int startupConcurrency) {

  public KeyStoreSettings {
    Objects.requireNonNull(naming, "naming");
    Objects.requireNonNull(policy, "policy");
    tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    if (startupConcurrency < 1) {
      throw new IllegalArgumentException("startupConcurrency must be at least 1");
    }
  }
}
