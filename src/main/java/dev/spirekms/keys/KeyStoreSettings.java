package dev.spirekms.keys;

import java.time.Clock;
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
 * @param tagBasedDiscovery upstream's tag mode: keys are found by their SPIRE tags, then by their
 *     aliases, and new keys carry the SPIRE tags
 * @param clock the time stamped in {@code spire-last-update}
 */
public record KeyStoreSettings(
    KeyNaming naming,
    KeyPolicySource policy,
    Map<String, String> tags,
    int startupConcurrency,
    boolean tagBasedDiscovery,
    Clock clock) {

  public KeyStoreSettings {
    Objects.requireNonNull(naming, "naming");
    Objects.requireNonNull(policy, "policy");
    tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    if (startupConcurrency < 1) {
      throw new IllegalArgumentException("startupConcurrency must be at least 1");
    }
    Objects.requireNonNull(clock, "clock");
  }

  /** Alias mode on the system clock. */
  public KeyStoreSettings(
      KeyNaming naming, KeyPolicySource policy, Map<String, String> tags, int startupConcurrency) {
    this(naming, policy, tags, startupConcurrency, false, Clock.systemUTC());
  }

  /** The same settings in tag mode, or in alias mode. */
  public KeyStoreSettings withTagBasedDiscovery(boolean enabled) {
    return new KeyStoreSettings(naming, policy, tags, startupConcurrency, enabled, clock);
  }

  /** The same settings on another clock. */
  public KeyStoreSettings withClock(Clock clock) {
    return new KeyStoreSettings(naming, policy, tags, startupConcurrency, tagBasedDiscovery, clock);
  }
}
