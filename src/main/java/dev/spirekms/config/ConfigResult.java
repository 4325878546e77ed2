package dev.spirekms.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of loading configuration: every error and warning found, and the configuration when
 * there are no errors. {@code Config.Validate} answers {@code valid = isValid()} and {@code notes =
 * notes()}; {@code Config.Configure} fails with {@link #firstError()}.
 */
public final class ConfigResult {

  private final List<String> errors;
  private final List<String> warnings;
  private final PluginConfig config;

  ConfigResult(List<String> errors, List<String> warnings, PluginConfig config) {
    if (errors.isEmpty() == (config == null)) {
      throw new IllegalArgumentException(
          "a result has a configuration exactly when it has no errors");
    }
    this.errors = List.copyOf(errors);
    this.warnings = List.copyOf(warnings);
    this.config = config;
  }

  /** A result with one error and nothing else, for problems found before the text is read. */
  public static ConfigResult failed(String error) {
    return new ConfigResult(List.of(error), List.of(), null);
  }

  public boolean isValid() {
    return errors.isEmpty();
  }

  /** Problems that make the configuration unusable, core configuration first. */
  public List<String> errors() {
    return errors;
  }

  /** Problems worth telling the operator that do not stop the plugin. */
  public List<String> warnings() {
    return warnings;
  }

  /** Errors, then warnings: the notes {@code Config.Validate} returns. */
  public List<String> notes() {
    List<String> notes = new ArrayList<>(errors.size() + warnings.size());
    notes.addAll(errors);
    notes.addAll(warnings);
    return List.copyOf(notes);
  }

  public Optional<String> firstError() {
    return errors.stream().findFirst();
  }

  /** The configuration, present exactly when {@link #isValid()}. */
  public Optional<PluginConfig> config() {
    return Optional.ofNullable(config);
  }

  /** The configuration, or {@link InvalidConfigException} carrying every error. */
  public PluginConfig configOrThrow() {
    if (config == null) {
      throw new InvalidConfigException(errors);
    }
    return config;
  }

  @Override
  public String toString() {
    return "ConfigResult{errors="
        + errors
        + ", warnings="
        + warnings
        + ", valid="
        + isValid()
        + "}";
  }
}
