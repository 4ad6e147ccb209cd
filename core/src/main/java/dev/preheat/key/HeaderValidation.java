package dev.preheat.key;

import java.util.Objects;

/**
 * Validates HTTP header names and values before they enter a cache key or a warm request.
 *
 * <p>Header names must be RFC 9110 tokens ({@code !#$%&'*+-.^_`|~}, digits and letters). Header
 * values may contain visible ASCII, space, horizontal tab and {@code obs-text} (U+0080 to U+00FF
 * except the C1 controls); CR, LF, NUL, DEL and every other control character are rejected, which
 * closes header injection (request splitting) through values copied from logs or configuration.
 *
 * <p>Error messages name the header and the position of the offending character, and render the
 * character escaped ({@code U+000D}) so that the message itself cannot inject lines into a log.
 * All methods are static, pure and thread-safe.
 */
public final class HeaderValidation {

  /** Longest header value excerpt repeated in an error message. */
  private static final int MAX_ECHO = 64;

  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[Character.toUpperCase(c)] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private HeaderValidation() {}

  /**
   * Whether {@code name} is a valid header field name (a non-empty RFC 9110 token).
   *
   * @param name the candidate name
   * @return true if every character is a {@code tchar} and the name is not empty
   * @throws NullPointerException if {@code name} is null
   */
  public static boolean isValidName(String name) {
    Objects.requireNonNull(name, "name");
    return invalidNameIndex(name) < 0 && !name.isEmpty();
  }

  /**
   * Returns {@code name} if it is a valid header field name.
   *
   * @param name the header name to check
   * @return {@code name}, unchanged
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is empty or contains a character that is not
   *     an RFC 9110 {@code tchar} (for example a space, a colon, CR or LF)
   */
  public static String requireValidName(String name) {
    Objects.requireNonNull(name, "header name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name is empty; header names must be RFC 9110 tokens");
    }
    int bad = invalidNameIndex(name);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "header name '"
              + escape(name)
              + "' contains "
              + describe(name.charAt(bad))
              + " at index "
              + bad
              + "; header names must be RFC 9110 tokens (letters, digits and !#$%&'*+-.^_`|~)");
    }
    return name;
  }

  /**
   * Returns {@code value} if it is a valid value for header {@code name}.
   *
   * @param name the header the value belongs to, used in the error message
   * @param value the header value to check
   * @return {@code value}, unchanged
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code value} contains CR, LF, NUL or another control
   *     character other than horizontal tab, or a character above U+00FF
   */
  public static String requireValidValue(String name, String value) {
    Objects.requireNonNull(name, "header name");
    Objects.requireNonNull(value, "value of header " + name);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 0x20 && c < 0x7F) || c == '\t' || (c >= 0xA0 && c <= 0xFF);
      if (!ok) {
        throw new IllegalArgumentException(
            "value of header '"
                + escape(name)
                + "' contains "
                + describe(c)
                + " at index "
                + i
                + " ('"
                + escape(value)
                + "'); CR, LF, NUL and other control characters are not allowed in header values"
                + " (possible header injection), remove them at the source");
      }
    }
    return value;
  }

  /**
   * Checks one header of something the user configured or a request about to be sent, naming the
   * owner in the message.
   *
   * @param where what the header belongs to, for the message (e.g. {@code variant 'gzip'})
   * @param name the header name
   * @param value the header value
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #requireValidName} and {@link #requireValidValue},
   *     with the message prefixed by {@code where}
   */
  public static void requireValid(String where, String name, String value) {
    Objects.requireNonNull(where, "where");
    try {
      requireValidName(name);
      requireValidValue(name, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static int invalidNameIndex(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 128 || !TCHAR[c]) {
        return i;
      }
    }
    return -1;
  }

  static String describe(char c) {
    String code = String.format("U+%04X", (int) c);
    switch (c) {
      case '\r':
        return "a carriage return (CR, " + code + ")";
      case '\n':
        return "a line feed (LF, " + code + ")";
      case 0:
        return "a NUL character (" + code + ")";
      case ' ':
        return "a space (" + code + ")";
      default:
        return Character.isISOControl(c)
            ? "a control character (" + code + ")"
            : "the character '" + c + "' (" + code + ")";
    }
  }

  /** Renders untrusted text for an error message: controls escaped, length bounded. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_ECHO) + 8);
    for (int i = 0; i < s.length() && i < MAX_ECHO; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c > 0xFF) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > MAX_ECHO) {
      sb.append("...");
    }
    return sb.toString();
  }
}
