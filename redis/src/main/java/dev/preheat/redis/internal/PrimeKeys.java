package dev.preheat.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The keys of a priming run, checked and de-duplicated (first occurrence kept, order kept), with
 * the run's plan hash over them, in one pass. The de-duplication is a table of positions (open
 * addressing), not a set of entries: a million keys cost one {@code int[]} instead of a million
 * objects for the collector to copy; the hash is fed the keys' bytes without a copy per key
 * when they are ASCII.
 *
 * <p>The plan hash is SHA-256 over {@code header}, then each distinct key's UTF-8 bytes followed
 * by a newline, as 64 lower-case hex digits.
 */
public final class PrimeKeys {

  private final List<String> keys;
  private final String planHash;

  private PrimeKeys(List<String> keys, String planHash) {
    this.keys = keys;
    this.planHash = planHash;
  }

  /**
   * Checks, de-duplicates and hashes {@code keys}.
   *
   * @throws NullPointerException if a key is null (the message names its position)
   * @throws IllegalArgumentException if a key is empty (the message names its position)
   */
  public static PrimeKeys of(List<String> keys, String header) {
    int n = keys.size();
    Hasher hasher = new Hasher(header);
    int[] table = new int[tableSize(n)];
    int mask = table.length - 1;
    List<String> unique = null;
    for (int i = 0; i < n; i++) {
      String k = keys.get(i);
      if (k == null) {
        throw new NullPointerException("key " + i);
      }
      if (k.isEmpty()) {
        throw new IllegalArgumentException("key " + i + " is empty; Redis keys to prime must be"
            + " non-empty");
      }
      int h = k.hashCode();
      int slot = (h ^ (h >>> 16)) & mask;
      boolean seen = false;
      for (int e; (e = table[slot]) != 0; slot = (slot + 1) & mask) {
        if (keys.get(e - 1).equals(k)) {
          seen = true;
          break;
        }
      }
      if (seen) {
        if (unique == null) {
          unique = new ArrayList<>(keys.subList(0, i));
        }
        continue;
      }
      table[slot] = i + 1;
      if (unique != null) {
        unique.add(k);
      }
      hasher.add(k);
    }
    return new PrimeKeys(unique != null ? unique : new ArrayList<>(keys), hasher.hex());
  }

  /** A power of two at least twice {@code n} (at most half full), at least 16. */
  private static int tableSize(int n) {
    int size = 16;
    while (size < n * 2L && size < (1 << 30)) {
      size <<= 1;
    }
    return size;
  }

  /** The distinct keys, first occurrence kept, in order; a new mutable list. */
  public List<String> keys() {
    return keys;
  }

  /** The plan hash over {@link #keys()}. */
  public String planHash() {
    return planHash;
  }

  /** The plan hash of {@code keys} (taken as they are: not checked, not de-duplicated). */
  public static String planHash(String header, List<String> keys) {
    Hasher h = new Hasher(header);
    for (String k : keys) {
      h.add(k);
    }
    return h.hex();
  }

  /**
   * SHA-256 over a header and keys each followed by a newline, fed in large chunks (a digest call
   * per key cost more than the digest itself on a million keys).
   */
  private static final class Hasher {
    private final MessageDigest digest;
    private final byte[] buf = new byte[1 << 16];
    private int n;

    Hasher(String header) {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError("SHA-256 is always available", e);
      }
      digest.update(header.getBytes(StandardCharsets.UTF_8));
    }

    void add(String k) {
      int len = k.length();
      if (len < buf.length) {
        if (n + len + 1 > buf.length) {
          flush();
        }
        int j = n;
        for (int c = 0; c < len; c++) {
          char ch = k.charAt(c);
          if (ch >= 0x80) {
            addUtf8(k);
            return;
          }
          buf[j++] = (byte) ch;
        }
        buf[j++] = '\n';
        n = j;
        return;
      }
      addUtf8(k);
    }

    private void addUtf8(String k) {
      byte[] b = k.getBytes(StandardCharsets.UTF_8);
      if (n + b.length + 1 > buf.length) {
        flush();
      }
      if (b.length + 1 > buf.length) {
        digest.update(b);
        digest.update((byte) '\n');
        return;
      }
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
      buf[n++] = '\n';
    }

    private void flush() {
      digest.update(buf, 0, n);
      n = 0;
    }

    String hex() {
      flush();
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
