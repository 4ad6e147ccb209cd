package dev.preheat.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A per-worker map from raw request-target bytes to the canonical URL (or the reason the
 * canonicalizer rejected it), so canonicalization and the {@code String} allocation run once per
 * distinct target rather than once per line.
 *
 * <p>Open addressing with linear probing over one {@code long[]}: each slot packs 24 bits of the
 * hash, the key length and the entry number. Keys live back to back in one byte slab and values in
 * an array, both in insertion order, so the popular targets (seen first) sit together in a few
 * cache lines instead of being scattered over the heap as separate arrays. The cache is cleared
 * when it holds too many entries or key bytes, which bounds memory on any input; hot targets are
 * back after a few lines.
 */
final class TargetCache {

  /** The value stored for a target the canonicalizer rejected. */
  static final class Rejected {
    final String reason;

    Rejected(String reason) {
      this.reason = reason;
    }
  }

  /** Longer targets are not cached (the length must fit the slot's 16 bits). */
  static final int MAX_KEY_LENGTH = 0xFFFF;

  private static final int MAX_ENTRIES_LIMIT = 1 << 24; // the entry number has 24 bits
  private static final int INITIAL_ENTRIES = 1 << 10;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long ENTRY_MASK = 0xFFFFFFL;

  private final int maxEntries;
  private final int maxKeyBytes;
  private long[] table;
  private int mask;
  private byte[] slab;
  private int slabUsed;
  private int[] offsets;
  private int[] hashes;
  private @Nullable Object[] values;
  private int size;
  private long clears;

  TargetCache(int maxEntries, long maxKeyBytes) {
    this.maxEntries = Math.min(maxEntries, MAX_ENTRIES_LIMIT);
    this.maxKeyBytes = (int) Math.min(maxKeyBytes, Integer.MAX_VALUE - 16);
    int entries = Math.min(INITIAL_ENTRIES, this.maxEntries);
    this.table = new long[tableSize(entries)];
    this.mask = table.length - 1;
    this.slab = new byte[Math.min(this.maxKeyBytes, entries * 64)];
    this.offsets = new int[entries];
    this.hashes = new int[entries];
    this.values = new Object[entries];
  }

  private static int tableSize(int entries) {
    return Integer.highestOneBit(Math.max(8, entries) * 2 - 1) * 2;
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

  private static long tag(int hash, int len) {
    return ((long) (hash >>> 8) << 40) | ((long) len << 24);
  }

  /** The cached canonical URL or {@link Rejected}, or null when the target is not cached. */
  @Nullable Object get(byte[] b, int off, int len, int hash) {
    if (len > MAX_KEY_LENGTH || len == 0) {
      return null;
    }
    long tag = tag(hash, len);
    long[] t = table;
    int i = hash & mask;
    while (true) {
      long m = t[i];
      if (m == 0) {
        return null;
      }
      if ((m & ~ENTRY_MASK) == tag) {
        int e = (int) (m & ENTRY_MASK);
        int o = offsets[e];
        if (Arrays.equals(slab, o, o + len, b, off, off + len)) {
          return values[e];
        }
      }
      i = (i + 1) & mask;
    }
  }

  /** Caches {@code value} for the target; the target must not be cached yet. */
  void put(byte[] b, int off, int len, int hash, Object value) {
    if (len > MAX_KEY_LENGTH || len == 0 || len > maxKeyBytes) {
      return;
    }
    if (size >= maxEntries || slabUsed + len > maxKeyBytes) {
      Arrays.fill(table, 0);
      Arrays.fill(values, 0, size, null);
      size = 0;
      slabUsed = 0;
      clears++;
    }
    if (size == offsets.length) {
      growEntries();
    }
    if (slabUsed + len > slab.length) {
      slab = Arrays.copyOf(slab, (int) Math.min(maxKeyBytes, Math.max(2L * slab.length, slabUsed + len)));
    }
    System.arraycopy(b, off, slab, slabUsed, len);
    int e = size++;
    offsets[e] = slabUsed;
    hashes[e] = hash;
    values[e] = value;
    slabUsed += len;
    insert(e, hash, len);
  }

  private void insert(int e, int hash, int len) {
    int i = hash & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = tag(hash, len) | e;
  }

  private void growEntries() {
    int n = Math.min(maxEntries, offsets.length * 2);
    offsets = Arrays.copyOf(offsets, n);
    hashes = Arrays.copyOf(hashes, n);
    values = Arrays.copyOf(values, n);
    if (tableSize(n) > table.length) {
      // Entry e's key ends where entry e + 1's begins; the last one ends at slabUsed.
      table = new long[tableSize(n)];
      mask = table.length - 1;
      for (int e = 0; e < size; e++) {
        int end = e + 1 < size ? offsets[e + 1] : slabUsed;
        insert(e, hashes[e], end - offsets[e]);
      }
    }
  }

  long clears() {
    return clears;
  }

  static String decode(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }
}
