package dev.preheat.http.internal;

/**
 * Checks header names and values before they reach the wire, so a value with CR or LF can never
 * smuggle a second header or request (header injection).
 */
public final class HeaderChecks {

  private HeaderChecks() {}

  /**
   * Checks one header.
   *
   * @param where what the header belongs to, for the message (e.g. {@code "GET https://a/b"})
   * @throws IllegalArgumentException if the name is not an HTTP token or the value contains a
   *     control character other than horizontal tab (CR, LF, NUL, ...)
   */
  public static void check(String name, String value, String where) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty header name in " + where);
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        throw new IllegalArgumentException(
            "header name '" + printable(name) + "' in " + where + " has an illegal character at"
                + " index " + i + "; header names must be HTTP tokens");
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        String what = c == '\r' ? "CR" : c == '\n' ? "LF" : String.format("0x%02x", (int) c);
        throw new IllegalArgumentException(
            "header '" + name + "' in " + where + " has a " + what + " at index " + i
                + " of its value; line breaks and control characters are rejected (header"
                + " injection), remove them from the value");
      }
    }
  }

  /** Whether {@code s} is a non-empty HTTP token (e.g. a method or header name). */
  public static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
