package dev.spirekms.config;

import java.util.List;

/** A configuration broke one or more rules; the message is the first problem. */
public final class InvalidConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  InvalidConfigException(List<String> errors) {
    super(errors.isEmpty() ? ConfigMessages.INVALID_CONFIGURATION : errors.get(0));
    this.errors = List.copyOf(errors);
  }

  /** Every problem found, in the order they were checked. */
  public List<String> errors() {
    return errors;
  }
}
