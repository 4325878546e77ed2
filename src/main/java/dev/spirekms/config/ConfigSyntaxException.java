package dev.spirekms.config;

/**
 * The configuration text is not valid HCL or JSON. The message is {@code <line>:<column>: <what>},
 * with 1-based positions, and never quotes a literal value from the text.
 */
final class ConfigSyntaxException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final String problem;

  ConfigSyntaxException(int line, int column, String problem) {
    super(line + ":" + column + ": " + problem);
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  int line() {
    return line;
  }

  int column() {
    return column;
  }

  String problem() {
    return problem;
  }
}
