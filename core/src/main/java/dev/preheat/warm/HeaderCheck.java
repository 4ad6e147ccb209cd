package dev.preheat.warm;

/**
 * Rejects header names and values that could split or smuggle a request: CR, LF and other
 * control characters. Kept package-private and tiny on purpose; the shared header validator in
 * {@code dev.preheat.key} will replace it.
 */
final class HeaderCheck {

  private HeaderCheck() {}

  /**
   * Checks one header.
   *
   * @param where what the header belongs to, for the message (e.g. {@code variant 'gzip'})
   * @throws IllegalArgumentException naming the header and the offending character position
   */
  static void check(String where, String name, String value) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException(where + ": header name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      // RFC 9110 token characters only: no separators, spaces or controls in a field name.
      if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        throw new IllegalArgumentException(where + ": header name '" + printable(name)
            + "' has an invalid character at index " + i + "; use an RFC 9110 token");
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new IllegalArgumentException(where + ": value of header '" + name
            + "' has control character 0x" + Integer.toHexString(c) + " at index " + i
            + "; CR, LF and other control characters are not allowed in header values");
      }
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
