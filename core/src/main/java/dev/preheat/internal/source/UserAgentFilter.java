package dev.preheat.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;

/**
 * Case-insensitive substring search for a set of user-agent tokens, at the byte level: one pass
 * over the user agent, and a token is compared only where its first byte occurs.
 */
public final class UserAgentFilter {

  private final byte[][] tokens;
  private final boolean[] first = new boolean[256];

  /**
   * Creates a filter matching any of {@code tokens}, compared case-insensitively (ASCII).
   *
   * @throws IllegalArgumentException if a token is empty
   */
  public UserAgentFilter(Collection<String> tokens) {
    this.tokens = new byte[tokens.size()][];
    int i = 0;
    for (String t : tokens) {
      if (t.isEmpty()) {
        throw new IllegalArgumentException("user-agent token must not be empty");
      }
      byte[] lower = t.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      this.tokens[i++] = lower;
      first[lower[0] & 0xff] = true;
    }
  }

  /** Whether {@code b[off, off + len)} contains one of the tokens. */
  public boolean matches(byte[] b, int off, int len) {
    int end = off + len;
    byte[] lower = Bytes.LOWER;
    for (int i = off; i < end; i++) {
      byte c = lower[b[i] & 0xff];
      if (first[c & 0xff]) {
        for (byte[] t : tokens) {
          if (t[0] == c && regionMatches(b, i, end, t)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Whether {@code s} contains one of the tokens. */
  public boolean matches(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return matches(b, 0, b.length);
  }

  private static boolean regionMatches(byte[] b, int at, int end, byte[] token) {
    if (end - at < token.length) {
      return false;
    }
    byte[] lower = Bytes.LOWER;
    for (int k = 1; k < token.length; k++) {
      if (lower[b[at + k] & 0xff] != token[k]) {
        return false;
      }
    }
    return true;
  }
}
