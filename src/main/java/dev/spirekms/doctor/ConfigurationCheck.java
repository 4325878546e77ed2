package dev.spirekms.doctor;

import dev.spirekms.config.ConfigResult;
import dev.spirekms.config.PluginConfig;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration, read as SPIRE's Validate reads it: each error a FAIL, each warning a WARN (the
 * same notes {@code spire-server validate} shows), and the effective settings when it is valid.
 */
final class ConfigurationCheck {
  static final String NAME = "configuration";
  static final String VALID = "valid: %s";

  private ConfigurationCheck() {}

  static void run(ConfigResult result, List<Finding> findings) {
    for (String error : result.errors()) {
      findings.add(Finding.fail(NAME, error, DoctorMessages.FIX_CONFIG_ERROR));
    }
    for (String warning : result.warnings()) {
      findings.add(Finding.warn(NAME, warning, DoctorMessages.FIX_CONFIG_WARNING));
    }
    result
        .config()
        .ifPresent(c -> findings.add(Finding.ok(NAME, String.format(VALID, summary(c)))));
  }

  private static String summary(PluginConfig config) {
    return config.summary().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
