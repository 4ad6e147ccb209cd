package dev.preheat.status;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parser for RFC 8941 structured-field lists, enough for RFC 9211 {@code Cache-Status}: items
 * (tokens, strings, integers, decimals, booleans, byte sequences) with parameters; inner lists
 * are parsed and kept as a list of items. Parameter keys are lower-cased to tolerate caches that
 * send {@code Hit}. Linear in the input; a malformed value fails with {@link
 * IllegalArgumentException} naming the offset.
 */
final class StructuredFieldList {

  /** One list member: its bare value and its parameters in order. */
  record Member(Object value, Map<String, Object> params) {

    /** Whether parameter {@code key} is present and is not boolean false. */
    boolean flag(String key) {
      Object v = params.get(key);
      return v != null && !Boolean.FALSE.equals(v);
    }
  }

  /** A token, kept apart from strings so {@code fwd=miss} and {@code fwd="miss"} can differ. */
  record Token(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  private final String input;
  private int pos;

  private StructuredFieldList(String input) {
    this.input = input;
  }

  /**
   * Parses {@code input} as a list.
   *
   * @throws IllegalArgumentException if {@code input} is not a valid list
   */
  static List<Member> parse(String input) {
    return new StructuredFieldList(input).list();
  }

  private List<Member> list() {
    List<Member> members = new ArrayList<>();
    skipSpaces();
    if (atEnd()) {
      return members;
    }
    while (true) {
      members.add(peek() == '(' ? innerList() : item());
      skipOws();
      if (atEnd()) {
        return Collections.unmodifiableList(members);
      }
      expect(',');
      skipOws();
      if (atEnd()) {
        throw error("trailing comma");
      }
    }
  }

  private Member innerList() {
    expect('(');
    List<Member> items = new ArrayList<>();
    while (true) {
      skipSpaces();
      if (atEnd()) {
        throw error("unterminated inner list");
      }
      if (peek() == ')') {
        pos++;
        return new Member(List.copyOf(items), params());
      }
      items.add(item());
      if (!atEnd() && peek() != ' ' && peek() != ')') {
        throw error("expected space or ')' in inner list");
      }
    }
  }

  private Member item() {
    return new Member(bareItem(), params());
  }

  private Map<String, Object> params() {
    Map<String, Object> params = new LinkedHashMap<>();
    while (!atEnd() && peek() == ';') {
      pos++;
      skipSpaces();
      String key = key();
      Object value = Boolean.TRUE;
      if (!atEnd() && peek() == '=') {
        pos++;
        value = bareItem();
      }
      params.put(key, value);
    }
    return Collections.unmodifiableMap(params);
  }

  private String key() {
    int start = pos;
    if (atEnd() || !(isAlpha(peek()) || peek() == '*')) {
      throw error("expected a parameter key");
    }
    while (!atEnd()) {
      char c = peek();
      if (isAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*') {
        pos++;
      } else {
        break;
      }
    }
    return input.substring(start, pos).toLowerCase(Locale.ROOT);
  }

  private Object bareItem() {
    if (atEnd()) {
      throw error("expected a value");
    }
    char c = peek();
    if (c == '"') {
      return string();
    }
    if (c == '-' || isDigit(c)) {
      return number();
    }
    if (c == '?') {
      pos++;
      if (!atEnd() && (peek() == '0' || peek() == '1')) {
        return input.charAt(pos++) == '1';
      }
      throw error("expected ?0 or ?1");
    }
    if (c == ':') {
      int end = input.indexOf(':', pos + 1);
      if (end < 0) {
        throw error("unterminated byte sequence");
      }
      String bytes = input.substring(pos + 1, end);
      pos = end + 1;
      return bytes;
    }
    if (isAlpha(c) || c == '*') {
      return token();
    }
    throw error("unexpected character '" + printable(c) + "'");
  }

  private Token token() {
    int start = pos;
    while (!atEnd() && isTokenChar(peek())) {
      pos++;
    }
    return new Token(input.substring(start, pos));
  }

  private String string() {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (!atEnd()) {
      char c = input.charAt(pos++);
      if (c == '\\') {
        if (atEnd() || (peek() != '"' && peek() != '\\')) {
          throw error("bad escape in string");
        }
        sb.append(input.charAt(pos++));
      } else if (c == '"') {
        return sb.toString();
      } else if (c < 0x20 || c >= 0x7f) {
        throw error("control or non-ASCII character in string");
      } else {
        sb.append(c);
      }
    }
    throw error("unterminated string");
  }

  private Object number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    int digitsStart = pos;
    boolean decimal = false;
    while (!atEnd() && (isDigit(peek()) || (peek() == '.' && !decimal))) {
      decimal |= peek() == '.';
      pos++;
      if (pos - digitsStart > 16) {
        throw error("number too long");
      }
    }
    String text = input.substring(start, pos);
    if (pos == digitsStart || text.endsWith(".")) {
      throw error("malformed number");
    }
    return decimal ? (Object) Double.parseDouble(text) : (Object) Long.parseLong(text);
  }

  private void expect(char c) {
    if (atEnd() || peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipSpaces() {
    while (!atEnd() && peek() == ' ') {
      pos++;
    }
  }

  private void skipOws() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
      pos++;
    }
  }

  private boolean atEnd() {
    return pos >= input.length();
  }

  private char peek() {
    return input.charAt(pos);
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(
        "invalid structured-field list at offset " + pos + ": " + what);
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isTokenChar(char c) {
    return isAlpha(c) || isDigit(c) || ":/!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static String printable(char c) {
    return c < 0x20 || c >= 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
