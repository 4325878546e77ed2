package dev.spirekms.goplugin;

/** The environment a plugin process was started with does not allow it to serve. */
public final class PluginEnvironmentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PluginEnvironmentException(String message) {
    super(message);
  }
}
