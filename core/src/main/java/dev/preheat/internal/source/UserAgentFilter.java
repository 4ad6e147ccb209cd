package dev.preheat.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

  /** A per-worker memo of recent verdicts; not thread-safe. */
  public Memo newMemo() {
    return new Memo();
  }

  /**
   * Remembers the verdict for recently seen user agents in a small direct-mapped table: logs
   * repeat a modest set of user agents, and comparing a remembered one is a vectorized memory
   * comparison instead of a byte-by-byte token search. Bounded: {@link #SLOTS} entries of at most
   * {@link #MAX_LENGTH} bytes.
   */
  public final class Memo {
    static final int SLOTS = 4096;
    static final int MAX_LENGTH = 512;

    private final byte[][] keys = new byte[SLOTS][];
    private final boolean[] verdicts = new boolean[SLOTS];

    private Memo() {}

    /** Whether {@code b[off, off + len)} contains one of the filter's tokens. */
    public boolean matches(byte[] b, int off, int len) {
      if (len < 8 || len > MAX_LENGTH) {
        return UserAgentFilter.this.matches(b, off, len);
      }
      long h = len;
      h = (h ^ Bytes.word(b, off)) * 0x9E3779B97F4A7C15L;
      h = (h ^ Bytes.word(b, off + (len >>> 1) - 4)) * 0x9E3779B97F4A7C15L;
      h = (h ^ Bytes.word(b, off + len - 8)) * 0x9E3779B97F4A7C15L;
      int slot = (int) (h >>> 52) & (SLOTS - 1);
      byte[] k = keys[slot];
      if (k != null && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
        return verdicts[slot];
      }
      boolean verdict = UserAgentFilter.this.matches(b, off, len);
      keys[slot] = Arrays.copyOfRange(b, off, off + len);
      verdicts[slot] = verdict;
      return verdict;
    }
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
