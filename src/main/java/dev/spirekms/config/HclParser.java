package dev.spirekms.config;

import dev.spirekms.config.HclToken.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recursive-descent parser for HCL1 (HashiCorp Configuration Language, version 1), the dialect
 * SPIRE prints plugin configuration in.
 *
 * <pre>
 * file   = { item } EOF
 * item   = key { key } ( "=" value | "{" object )      a run of keys opens nested blocks
 * key    = IDENT | STRING
 * object = { item [ "," ] } "}"
 * value  = STRING | HEREDOC | NUMBER | BOOL | "{" object | "[" list
 * list   = [ value { "," value } [ "," ] ] "]"
 * </pre>
 *
 * <p>The result is a {@code Map<String, Object>} in text order whose values are {@link String},
 * {@link Long}, {@link Double}, {@link Boolean}, {@code List<Object>} or {@code Map<String,
 * Object>}. Unlike HCL1, which turns a repeated key into a list of values, a key set twice in the
 * same object is an error: for our settings a second value is far more likely a mistake than a
 * wish.
 */
final class HclParser {
  // deeper nesting is refused rather than read by recursion to a StackOverflowError; gson, which
  // reads the JSON form, has the same limit by default
  static final int MAX_DEPTH = 255;

  private final List<HclToken> tokens;
  private int pos;
  private int depth;

  private HclParser(List<HclToken> tokens) {
    this.tokens = tokens;
  }

  static Map<String, Object> parse(String text) throws ConfigSyntaxException {
    HclParser parser = new HclParser(HclLexer.tokenize(text));
    ObjectBuilder root = new ObjectBuilder();
    while (parser.peek().type() != Type.EOF) {
      parser.item(root);
    }
    return root.build();
  }

  private void item(ObjectBuilder into) throws ConfigSyntaxException {
    List<HclToken> keys = new ArrayList<>();
    keys.add(key());
    while (peek().type() == Type.IDENT || peek().type() == Type.STRING) {
      keys.add(key());
    }
    HclToken next = take();
    Object value;
    if (next.type() == Type.ASSIGN) {
      if (keys.size() > 1) {
        throw unexpected(next, "'{' after a run of keys");
      }
      value = value();
    } else if (next.type() == Type.LBRACE) {
      value = nested(next, true);
      for (int i = keys.size() - 1; i > 0; i--) {
        ObjectBuilder wrapper = new ObjectBuilder();
        wrapper.put(keys.get(i), value);
        value = wrapper.build();
      }
    } else {
      throw unexpected(next, "'=' or '{' after key");
    }
    into.put(keys.get(0), value);
  }

  private HclToken key() throws ConfigSyntaxException {
    HclToken token = take();
    if (token.type() != Type.IDENT && token.type() != Type.STRING) {
      throw unexpected(token, "a key");
    }
    return token;
  }

  private Object value() throws ConfigSyntaxException {
    HclToken token = take();
    return switch (token.type()) {
      case STRING, HEREDOC, NUMBER, BOOL -> token.value();
      case LBRACE -> nested(token, true);
      case LBRACK -> nested(token, false);
      case IDENT ->
          throw new ConfigSyntaxException(
              token.line(),
              token.column(),
              "expected a value but found an identifier (strings need double quotes)");
      default -> throw unexpected(token, "a value");
    };
  }

  /** An object or a list that {@code open} opened, one level deeper than its parent. */
  private Object nested(HclToken open, boolean object) throws ConfigSyntaxException {
    if (depth == MAX_DEPTH) {
      throw new ConfigSyntaxException(
          open.line(), open.column(), "nesting deeper than " + MAX_DEPTH + " levels");
    }
    depth++;
    try {
      return object ? object() : list();
    } finally {
      depth--;
    }
  }

  private Map<String, Object> object() throws ConfigSyntaxException {
    ObjectBuilder object = new ObjectBuilder();
    while (true) {
      Type type = peek().type();
      if (type == Type.RBRACE) {
        take();
        return object.build();
      }
      if (type == Type.EOF) {
        throw unexpected(peek(), "'}'");
      }
      item(object);
      if (peek().type() == Type.COMMA) {
        take();
      }
    }
  }

  private List<Object> list() throws ConfigSyntaxException {
    List<Object> values = new ArrayList<>();
    while (true) {
      if (peek().type() == Type.RBRACK) {
        take();
        return Collections.unmodifiableList(values);
      }
      values.add(value());
      HclToken next = take();
      if (next.type() == Type.RBRACK) {
        return Collections.unmodifiableList(values);
      }
      if (next.type() != Type.COMMA) {
        throw unexpected(next, "',' or ']' in list");
      }
    }
  }

  private HclToken peek() {
    return tokens.get(pos);
  }

  private HclToken take() {
    HclToken token = tokens.get(pos);
    if (token.type() != Type.EOF) {
      pos++;
    }
    return token;
  }

  private static ConfigSyntaxException unexpected(HclToken token, String expected) {
    return new ConfigSyntaxException(
        token.line(),
        token.column(),
        "expected " + expected + " but found " + token.type().description());
  }

  /** An object under construction that rejects a key set twice. */
  private static final class ObjectBuilder {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, HclToken> firstSeen = new HashMap<>();

    void put(HclToken key, Object value) throws ConfigSyntaxException {
      String name = (String) key.value();
      HclToken first = firstSeen.putIfAbsent(name, key);
      if (first != null) {
        throw new ConfigSyntaxException(
            key.line(),
            key.column(),
            "duplicate key "
                + GoQuote.quote(name)
                + " (first set at "
                + first.line()
                + ":"
                + first.column()
                + ")");
      }
      values.put(name, value);
    }

    Map<String, Object> build() {
      return Collections.unmodifiableMap(values);
    }
  }
}
