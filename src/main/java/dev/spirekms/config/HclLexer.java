package dev.spirekms.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits HCL1 text into tokens, following HashiCorp's HCL1 scanner: {@code #}, {@code //} and
 * {@code /* *\/} comments; identifiers of letters, digits, {@code _}, {@code -} and {@code .};
 * double-quoted strings with backslash escapes; heredocs ({@code <<EOF} and the indented {@code
 * <<-EOF}); decimal and hexadecimal integers, floats with exponents, negative numbers; {@code true}
 * and {@code false}.
 *
 * <p>Positions count lines and Unicode code points from 1. Error messages never quote the text of a
 * literal, so a secret in a malformed literal does not reach a note.
 */
final class HclLexer {

  private final int[] src;
  private int pos;
  private int line = 1;
  private int column = 1;

  private HclLexer(String text) {
    this.src = text.codePoints().toArray();
  }

  static List<HclToken> tokenize(String text) throws ConfigSyntaxException {
    HclLexer lexer = new HclLexer(text);
    List<HclToken> tokens = new ArrayList<>();
    HclToken token;
    do {
      token = lexer.next();
      tokens.add(token);
    } while (token.type() != HclToken.Type.EOF);
    return tokens;
  }

  private HclToken next() throws ConfigSyntaxException {
    skipWhitespaceAndComments();
    int startLine = line;
    int startColumn = column;
    if (pos >= src.length) {
      return new HclToken(HclToken.Type.EOF, null, startLine, startColumn);
    }
    int c = src[pos];
    HclToken.Type punctuation =
        switch (c) {
          case '{' -> HclToken.Type.LBRACE;
          case '}' -> HclToken.Type.RBRACE;
          case '[' -> HclToken.Type.LBRACK;
          case ']' -> HclToken.Type.RBRACK;
          case ',' -> HclToken.Type.COMMA;
          case '=' -> HclToken.Type.ASSIGN;
          default -> null;
        };
    if (punctuation != null) {
      advance();
      return new HclToken(punctuation, null, startLine, startColumn);
    }
    if (c == '"') {
      return new HclToken(HclToken.Type.STRING, scanString(), startLine, startColumn);
    }
    if (c == '<' && peek(1) == '<') {
      return new HclToken(HclToken.Type.HEREDOC, scanHeredoc(), startLine, startColumn);
    }
    if (isDigit(c) || (c == '-' && isDigit(peek(1)))) {
      return new HclToken(HclToken.Type.NUMBER, scanNumber(), startLine, startColumn);
    }
    if (isIdentStart(c)) {
      String name = scanIdent();
      if (name.equals("true") || name.equals("false")) {
        return new HclToken(HclToken.Type.BOOL, Boolean.valueOf(name), startLine, startColumn);
      }
      return new HclToken(HclToken.Type.IDENT, name, startLine, startColumn);
    }
    throw error(startLine, startColumn, "illegal char " + describeChar(c));
  }

  private void skipWhitespaceAndComments() throws ConfigSyntaxException {
    while (pos < src.length) {
      int c = src[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF') {
        advance();
      } else if (c == '#' || (c == '/' && peek(1) == '/')) {
        while (pos < src.length && src[pos] != '\n') {
          advance();
        }
      } else if (c == '/' && peek(1) == '*') {
        int startLine = line;
        int startColumn = column;
        advance();
        advance();
        while (!(peek(0) == '*' && peek(1) == '/')) {
          if (pos >= src.length) {
            throw error(startLine, startColumn, "comment not terminated");
          }
          advance();
        }
        advance();
        advance();
      } else if (c == '/') {
        throw error(line, column, "expected '/' or '*' after '/' to start a comment");
      } else {
        return;
      }
    }
  }

  private String scanString() throws ConfigSyntaxException {
    int startLine = line;
    int startColumn = column;
    advance(); // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= src.length || src[pos] == '\n') {
        throw error(startLine, startColumn, "literal not terminated");
      }
      int c = src[pos];
      if (c == '"') {
        advance();
        return out.toString();
      }
      if (c == '\\') {
        scanEscape(out);
      } else {
        out.appendCodePoint(c);
        advance();
      }
    }
  }

  private void scanEscape(StringBuilder out) throws ConfigSyntaxException {
    int escLine = line;
    int escColumn = column;
    advance(); // backslash
    int c = peek(0);
    switch (c) {
      case '"' -> out.append('"');
      case '\\' -> out.append('\\');
      case '/' -> out.append('/');
      case 'n' -> out.append('\n');
      case 't' -> out.append('\t');
      case 'r' -> out.append('\r');
      case 'a' -> out.append('\u0007');
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'v' -> out.append('\u000B');
      case 'u', 'U' -> {
        advance();
        int digits = c == 'u' ? 4 : 8;
        int cp = 0;
        for (int i = 0; i < digits; i++) {
          int d = Character.digit(peek(0), 16);
          if (d < 0) {
            throw error(escLine, escColumn, "escape sequence needs " + digits + " hex digits");
          }
          cp = cp * 16 + d;
          advance();
        }
        if (!Character.isValidCodePoint(cp) || (cp >= 0xD800 && cp <= 0xDFFF)) {
          throw error(escLine, escColumn, "escape sequence is not a valid Unicode code point");
        }
        out.appendCodePoint(cp);
        return;
      }
      default -> throw error(escLine, escColumn, "unknown escape sequence");
    }
    advance();
  }

  /**
   * HCL1 heredoc: the anchor runs to the end of its line; the text ends at a line holding only the
   * anchor (leading whitespace allowed). The value keeps every line's newline. With {@code <<-},
   * the closing line's indentation is removed from every line when all lines carry it, as HCL1
   * does.
   */
  private String scanHeredoc() throws ConfigSyntaxException {
    int startLine = line;
    int startColumn = column;
    advance();
    advance();
    boolean indented = false;
    if (peek(0) == '-') {
      indented = true;
      advance();
    }
    StringBuilder anchor = new StringBuilder();
    while (pos < src.length && (isLetter(src[pos]) || isDigit(src[pos]))) {
      anchor.appendCodePoint(src[pos]);
      advance();
    }
    if (peek(0) == '\r') {
      advance();
    }
    if (pos >= src.length) {
      throw error(startLine, startColumn, "heredoc not terminated");
    }
    if (src[pos] != '\n') {
      throw error(line, column, "invalid characters in heredoc anchor");
    }
    if (anchor.length() == 0) {
      throw error(startLine, startColumn, "zero-length heredoc anchor");
    }
    advance(); // newline after the anchor
    List<String> lines = new ArrayList<>();
    String marker = anchor.toString();
    while (true) {
      if (pos >= src.length) {
        throw error(startLine, startColumn, "heredoc not terminated");
      }
      StringBuilder current = new StringBuilder();
      while (pos < src.length && src[pos] != '\n') {
        current.appendCodePoint(src[pos]);
        advance();
      }
      boolean endOfText = pos >= src.length;
      if (!endOfText) {
        advance(); // the newline
      }
      String text = stripTrailingCarriageReturns(current.toString());
      if (text.strip().equals(marker) && text.endsWith(marker)) {
        String closingIndent = text.substring(0, text.length() - marker.length());
        return indented ? unindent(lines, closingIndent) : joinLines(lines);
      }
      if (endOfText) {
        throw error(startLine, startColumn, "heredoc not terminated");
      }
      lines.add(text);
    }
  }

  private static String unindent(List<String> lines, String indent) {
    for (String l : lines) {
      if (!l.startsWith(indent)) {
        return joinLines(lines);
      }
    }
    List<String> trimmed = new ArrayList<>(lines.size());
    for (String l : lines) {
      trimmed.add(l.substring(indent.length()));
    }
    return joinLines(trimmed);
  }

  private static String joinLines(List<String> lines) {
    StringBuilder out = new StringBuilder();
    for (String l : lines) {
      out.append(l).append('\n');
    }
    return out.toString();
  }

  private static String stripTrailingCarriageReturns(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\r') {
      end--;
    }
    return s.substring(0, end);
  }

  private Object scanNumber() throws ConfigSyntaxException {
    int startLine = line;
    int startColumn = column;
    StringBuilder text = new StringBuilder();
    if (peek(0) == '-') {
      text.append('-');
      advance();
    }
    if (peek(0) == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      advance();
      advance();
      StringBuilder hex = new StringBuilder();
      while (Character.digit(peek(0), 16) >= 0) {
        hex.appendCodePoint(src[pos]);
        advance();
      }
      requireNumberEnd(startLine, startColumn, hex.length() > 0);
      try {
        return Long.parseLong(text + hex.toString(), 16);
      } catch (NumberFormatException e) {
        throw error(startLine, startColumn, "number out of range");
      }
    }
    boolean isFloat = false;
    appendDigits(text);
    if (peek(0) == '.' && isDigit(peek(1))) {
      isFloat = true;
      text.append('.');
      advance();
      appendDigits(text);
    }
    if (peek(0) == 'e' || peek(0) == 'E') {
      int sign = peek(1) == '+' || peek(1) == '-' ? 1 : 0;
      if (isDigit(peek(1 + sign))) {
        isFloat = true;
        text.append('e');
        advance();
        if (sign == 1) {
          text.appendCodePoint(src[pos]);
          advance();
        }
        appendDigits(text);
      }
    }
    requireNumberEnd(startLine, startColumn, true);
    if (isFloat) {
      double d = Double.parseDouble(text.toString());
      if (Double.isInfinite(d)) {
        throw error(startLine, startColumn, "number out of range");
      }
      return d;
    }
    try {
      return Long.parseLong(text.toString());
    } catch (NumberFormatException e) {
      throw error(startLine, startColumn, "number out of range");
    }
  }

  private void requireNumberEnd(int startLine, int startColumn, boolean hasDigits)
      throws ConfigSyntaxException {
    int c = peek(0);
    if (!hasDigits || isLetter(c) || isDigit(c) || c == '.' || c == '-') {
      throw error(startLine, startColumn, "malformed number");
    }
  }

  private void appendDigits(StringBuilder text) {
    while (isDigit(peek(0))) {
      text.appendCodePoint(src[pos]);
      advance();
    }
  }

  private String scanIdent() {
    StringBuilder name = new StringBuilder();
    while (pos < src.length) {
      int c = src[pos];
      if (!(isLetter(c) || isDigit(c) || c == '-' || c == '.')) {
        break;
      }
      name.appendCodePoint(c);
      advance();
    }
    return name.toString();
  }

  private int peek(int ahead) {
    int i = pos + ahead;
    return i < src.length ? src[i] : -1;
  }

  private void advance() {
    if (src[pos] == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    pos++;
  }

  private static boolean isIdentStart(int c) {
    return isLetter(c);
  }

  private static boolean isLetter(int c) {
    return c == '_' || Character.isLetter(c);
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static String describeChar(int c) {
    if (c >= 0x21 && c < 0x7F) {
      return "'" + (char) c + "'";
    }
    return String.format("U+%04X", c);
  }

  private static ConfigSyntaxException error(int line, int column, String problem) {
    return new ConfigSyntaxException(line, column, problem);
  }
}
