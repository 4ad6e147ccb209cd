package dev.preheat.internal.source;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** Byte-level helpers shared by the parsers: searching, number parsing and interning. */
final class Bytes {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

  /** Longest method token accepted; real methods are short, a long one is garbage. */
  static final int MAX_METHOD_LENGTH = 24;

  /** Longest cache status accepted; longer values are kept out of records. */
  static final int MAX_CACHE_STATUS_LENGTH = 32;

  private static final String[] METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "PURGE"
  };
  private static final byte[][] METHOD_BYTES = ascii(METHODS);

  private static final String[] CACHE_STATUSES = {
    "HIT", "MISS", "EXPIRED", "STALE", "UPDATING", "REVALIDATED", "BYPASS", "DYNAMIC",
    "Hit", "Miss", "RefreshHit", "Error", "Redirect", "LimitExceeded", "CapacityExceeded",
    "OriginShieldHit"
  };
  private static final byte[][] CACHE_STATUS_BYTES = ascii(CACHE_STATUSES);

  private Bytes() {}

  private static byte[][] ascii(String[] values) {
    byte[][] out = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i].getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }

  /**
   * Index of the first {@code '\n'} in {@code b[from, to)}, or -1. Tests eight bytes per step: the
   * scanner runs this over every byte of the input.
   */
  static int indexOfNewline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i) ^ NEWLINES;
      long t = (x - ONES) & ~x & HIGHS;
      if (t != 0) {
        return i + firstHigh(t);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index (0 to 7) of the lowest byte of {@code t} whose high bit is set; {@code t} is
   * nonzero and has only high bits set. The same as {@code Long.numberOfTrailingZeros(t) >>> 3}
   * in a few arithmetic steps: C1, the launcher's only compiler, makes that a call (two, through
   * {@code Integer.numberOfTrailingZeros}) and these searches run several times per line. The
   * lowest set bit, less one, shifted to the byte's low bit, has one bit in each lower byte; the
   * multiplication sums them into the top byte.
   */
  static int firstHigh(long t) {
    return (int) (((((t & -t) >>> 7) - 1) & ONES) * ONES >>> 56);
  }

  /** Index of the first {@code c} in {@code b[from, to)}, or -1; eight bytes per step. */
  static int indexOf(byte[] b, int from, int to, byte c) {
    long pattern = ONES * (c & 0xff);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i) ^ pattern;
      long t = (x - ONES) & ~x & HIGHS;
      if (t != 0) {
        return i + firstHigh(t);
      }
    }
    for (; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the first {@code c1} or {@code c2} in {@code b[from, to)}, or -1. */
  static int indexOfEither(byte[] b, int from, int to, byte c1, byte c2) {
    long p1 = ONES * (c1 & 0xff);
    long p2 = ONES * (c2 & 0xff);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONGS.get(b, i);
      long x = w ^ p1;
      long y = w ^ p2;
      long t = ((x - ONES) & ~x & HIGHS) | ((y - ONES) & ~y & HIGHS);
      if (t != 0) {
        return i + firstHigh(t);
      }
    }
    for (; i < to; i++) {
      if (b[i] == c1 || b[i] == c2) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the first {@code c} or newline in {@code b[from, to)}, or -1; eight bytes per step. */
  static int indexOfOrNewline(byte[] b, int from, int to, byte c) {
    return indexOfEither(b, from, to, c, (byte) '\n');
  }

  /** Index of the first {@code c1}, {@code c2} or newline in {@code b[from, to)}, or -1. */
  static int indexOfEitherOrNewline(byte[] b, int from, int to, byte c1, byte c2) {
    long p1 = ONES * (c1 & 0xff);
    long p2 = ONES * (c2 & 0xff);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONGS.get(b, i);
      long x = w ^ p1;
      long y = w ^ p2;
      long z = w ^ NEWLINES;
      long t = ((x - ONES) & ~x) | ((y - ONES) & ~y) | ((z - ONES) & ~z);
      if ((t & HIGHS) != 0) {
        return i + firstHigh(t & HIGHS);
      }
    }
    for (; i < to; i++) {
      if (b[i] == c1 || b[i] == c2 || b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Index of the first byte in {@code b[from, to)} that cannot be inside a request target as the
   * shortcut reads it: a space or control character (below 0x21), DEL, {@code "} or a backslash;
   * -1 if there is none. Eight bytes per step.
   */
  static int indexOfTargetEnd(byte[] b, int from, int to) {
    long quote = ONES * '"';
    long backslash = ONES * '\\';
    long del = ONES * 0x7f;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONGS.get(b, i);
      // A byte below 0x21 borrows in (w - 0x21..); bytes >= 0x80 are excluded by ~w.
      long low = (w - ONES * 0x21) & ~w;
      long x = w ^ quote;
      long y = w ^ backslash;
      long z = w ^ del;
      long t = (low | ((x - ONES) & ~x) | ((y - ONES) & ~y) | ((z - ONES) & ~z)) & HIGHS;
      if (t != 0) {
        return i + firstHigh(t);
      }
    }
    for (; i < to; i++) {
      int c = b[i] & 0xff;
      if (c <= 0x20 || c == '"' || c == '\\' || c == 0x7f) {
        return i;
      }
    }
    return -1;
  }

  /** Reads eight bytes little-endian; {@code off + 8} must be within the array. */
  static long word(byte[] b, int off) {
    return (long) LONGS.get(b, off);
  }

  /** Whether {@code b[off, end)} equals the single byte {@code c}. */
  static boolean isSingle(byte[] b, int off, int end, char c) {
    return end - off == 1 && b[off] == c;
  }

  /** Index of the first control character (below 0x20, or DEL) in the range, or -1. */
  static int indexOfControl(byte[] b, int off, int end) {
    int i = off;
    for (; i + 8 <= end; i += 8) {
      long w = (long) LONGS.get(b, i);
      // A byte below 0x20 borrows in (w - 0x20..); bytes >= 0x80 are excluded by ~w.
      long low = (w - ONES * 0x20) & ~w & HIGHS;
      long x = w ^ (ONES * 0x7f);
      long del = (x - ONES) & ~x & HIGHS;
      if ((low | del) != 0) {
        break;
      }
    }
    for (; i < end; i++) {
      int c = b[i] & 0xff;
      if (c < 0x20 || c == 0x7f) {
        return i;
      }
    }
    return -1;
  }

  /** Parses a three-digit status; -1 if the range is not exactly three digits. */
  static int parseStatus(byte[] b, int off, int end) {
    if (end - off != 3) {
      return -1;
    }
    int d0 = b[off] - '0';
    int d1 = b[off + 1] - '0';
    int d2 = b[off + 2] - '0';
    if ((d0 | d1 | d2) < 0 || d0 > 9 || d1 > 9 || d2 > 9) {
      return -1;
    }
    return d0 * 100 + d1 * 10 + d2;
  }

  /** Parses a non-negative decimal of at most 18 digits; {@code -} means 0; -1 if invalid. */
  static long parseSize(byte[] b, int off, int end) {
    if (isSingle(b, off, end, '-')) {
      return 0;
    }
    return parseDigits(b, off, end);
  }

  /** Parses a non-negative decimal of 1 to 18 digits; -1 if invalid. */
  static long parseDigits(byte[] b, int off, int end) {
    int len = end - off;
    if (len <= 0 || len > 18) {
      return -1;
    }
    long v = 0;
    for (int i = off; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** The method for {@code b[off, end)}, interned for the common ones; null if not a token. */
  static @Nullable String method(byte[] b, int off, int end) {
    int len = end - off;
    if (len == 3 && b[off] == 'G' && b[off + 1] == 'E' && b[off + 2] == 'T') {
      return "GET";
    }
    for (int i = 0; i < METHOD_BYTES.length; i++) {
      byte[] m = METHOD_BYTES[i];
      if (m.length == len && Arrays.equals(m, 0, len, b, off, end)) {
        return METHODS[i];
      }
    }
    if (len == 0 || len > MAX_METHOD_LENGTH) {
      return null;
    }
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (!((c >= 'A' && c <= 'Z') || c == '-' || c == '_')) {
        return null;
      }
    }
    return new String(b, off, len, StandardCharsets.US_ASCII);
  }

  /** The cache status for the range, interned for known values; null for {@code -} or empty. */
  static @Nullable String cacheStatus(byte[] b, int off, int end) {
    int len = end - off;
    if (len == 0 || isSingle(b, off, end, '-')) {
      return null;
    }
    for (int i = 0; i < CACHE_STATUS_BYTES.length; i++) {
      byte[] s = CACHE_STATUS_BYTES[i];
      if (s.length == len && Arrays.equals(s, 0, len, b, off, end)) {
        return CACHE_STATUSES[i];
      }
    }
    if (len > MAX_CACHE_STATUS_LENGTH || indexOfControl(b, off, end) >= 0) {
      return null;
    }
    return new String(b, off, len, StandardCharsets.UTF_8);
  }

  /** Interns a cache status given as a string (JSON sources). */
  static @Nullable String cacheStatus(@Nullable String s) {
    if (s == null || s.isEmpty() || s.equals("-") || s.length() > MAX_CACHE_STATUS_LENGTH) {
      return null;
    }
    for (String known : CACHE_STATUSES) {
      if (known.equals(s)) {
        return known;
      }
    }
    return s;
  }

  /**
   * A short, printable excerpt of a line for error reports: at most {@code max} bytes, with
   * control and non-ASCII bytes shown as {@code \xHH} so hostile input cannot reach a terminal.
   */
  static String excerpt(byte[] b, int off, int end, int max) {
    StringBuilder sb = new StringBuilder(Math.min(end - off, max) + 8);
    int stop = Math.min(end, off + max);
    for (int i = off; i < stop; i++) {
      int c = b[i] & 0xff;
      if (c < 0x20 || c >= 0x7f) {
        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
      } else {
        sb.append((char) c);
      }
    }
    if (stop < end) {
      sb.append("...");
    }
    return sb.toString();
  }

  /** Lower-case ASCII mapping for every byte value; other bytes map to themselves. */
  static final byte[] LOWER = new byte[256];

  static {
    for (int i = 0; i < 256; i++) {
      LOWER[i] = (byte) (i >= 'A' && i <= 'Z' ? i + 32 : i);
    }
  }
}
