package dev.spirekms.config;

/**
 * One lexical token of HCL1 text.
 *
 * @param type what the token is
 * @param value the decoded value: the name of an identifier, the text of a string or heredoc, a
 *     {@link Long}, {@link Double} or {@link Boolean} literal; {@code null} for punctuation
 * @param line 1-based line of the token's first character
 * @param column 1-based column (in characters) of the token's first character
 */
record HclToken(Type type, Object value, int line, int column) {

  enum Type {
    IDENT("an identifier"),
    STRING("a string"),
    HEREDOC("a heredoc"),
    NUMBER("a number"),
    BOOL("a boolean"),
    LBRACE("'{'"),
    RBRACE("'}'"),
    LBRACK("'['"),
    RBRACK("']'"),
    COMMA("','"),
    ASSIGN("'='"),
    EOF("end of input");

    private final String description;

    Type(String description) {
      this.description = description;
    }

    /** How a message names this kind of token, e.g. {@code "'='"} or {@code "a string"}. */
    String description() {
      return description;
    }
  }
}
