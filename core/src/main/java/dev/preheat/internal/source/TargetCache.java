package dev.preheat.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A per-worker map from raw request-target bytes to the canonical URL (or the reason the
 * canonicalizer rejected it), so canonicalization and the {@code String} allocation run once per
 * distinct target rather than once per line. Open addressing with linear probing keyed by the byte
 * slice; the table is cleared when it holds too many entries or key bytes, which keeps memory
 * bounded on any input (hot targets are back after a few lines).
 */
final class TargetCache {

  /** The value stored for a target the canonicalizer rejected. */
  static final class Rejected {
    final String reason;

    Rejected(String reason) {
      this.reason = reason;
    }
  }

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final int maxEntries;
  private final long maxKeyBytes;
  private final int mask;
  private final int[] hashes;
  private final byte[][] keys;
  private final Object[] values;
  private int size;
  private long keyBytes;
  private long clears;

  TargetCache(int maxEntries, long maxKeyBytes) {
    this.maxEntries = maxEntries;
    this.maxKeyBytes = maxKeyBytes;
    int capacity = Integer.highestOneBit(Math.max(16, maxEntries) * 2 - 1) * 2;
    this.mask = capacity - 1;
    this.hashes = new int[capacity];
    this.keys = new byte[capacity][];
    this.values = new Object[capacity];
  }

  /** Hashes eight bytes per step: this runs once per line over the whole request target. */
  static int hash(byte[] b, int off, int len) {
    long h = len * GOLDEN;
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      h = (h ^ Bytes.word(b, i)) * GOLDEN;
      h ^= h >>> 29;
    }
    long tail = 0;
    for (; i < end; i++) {
      tail = (tail << 8) | (b[i] & 0xff);
    }
    h = (h ^ tail) * GOLDEN;
    return (int) (h ^ (h >>> 32));
  }

  /** The cached canonical URL or {@link Rejected}, or null when the target is not cached. */
  @Nullable Object get(byte[] b, int off, int len, int hash) {
    int i = hash & mask;
    while (true) {
      byte[] k = keys[i];
      if (k == null) {
        return null;
      }
      if (hashes[i] == hash && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
  }

  void put(byte[] b, int off, int len, int hash, Object value) {
    if (size >= maxEntries || keyBytes + len > maxKeyBytes) {
      Arrays.fill(keys, null);
      Arrays.fill(values, null);
      size = 0;
      keyBytes = 0;
      clears++;
    }
    int i = hash & mask;
    while (keys[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = Arrays.copyOfRange(b, off, off + len);
    hashes[i] = hash;
    values[i] = value;
    size++;
    keyBytes += len;
  }

  long clears() {
    return clears;
  }

  static String decode(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }
}
