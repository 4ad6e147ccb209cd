package dev.preheat.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
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
 *
 * <p>With {@code counters > 0} each entry also carries that many counters and two flags (rejected,
 * excluded), so the log scanner can count a line with this one lookup and hand the sums to its
 * sink once per distinct target; the cache then passes its counts to its {@link Drain} before it
 * clears itself. An entry's key offset, flags and counters sit side by side in one {@code long[]}
 * record, so a line touches three cache lines (slot, record, key bytes), not one per array.
 */
final class TargetCache {

  /** Receives the counts of every entry before the cache clears them. */
  interface Drain {
    /** Called once per entry with its value and counters {@code counts[at, at + counters)}. */
    void entry(Object value, long[] counts, int at);
  }

  /** The value stored for a target the canonicalizer rejected. */
  static final class Rejected {
    final String reason;

    Rejected(String reason) {
      this.reason = reason;
    }
  }

  /** Flag of an entry whose value is {@link Rejected}. */
  static final long REJECTED = 1L << 32;

  /** Flag given to {@link #add} by the caller (the sink excludes the URL). */
  static final long FLAGGED = 1L << 33;

  /** Longer targets are not cached (the length must fit the slot's 16 bits). */
  static final int MAX_KEY_LENGTH = 0xFFFF;

  private static final int MAX_ENTRIES_LIMIT = 1 << 24; // the entry number has 24 bits
  private static final int INITIAL_ENTRIES = 1 << 10;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long ENTRY_MASK = 0xFFFFFFL;
  private static final long OFFSET_MASK = 0xFFFFFFFFL;

  private final int maxEntries;
  private final int maxKeyBytes;
  /** Longs per entry record: the key offset with the flags, then the counters. */
  private final int stride;
  private final int counters;
  private final @Nullable Drain drain;
  private long[] table;
  private int mask;
  private byte[] slab;
  private int slabUsed;
  /** Entry e's record at {@code [e * stride, (e + 1) * stride)}. */
  long[] records;
  private int[] hashes;
  private @Nullable Object[] values;
  private int size;
  private long clears;
  /** Each entry's shard, -1 for none, once {@link #assignShards} ran. */
  private byte @Nullable [] shardOfEntry;

  TargetCache(int maxEntries, long maxKeyBytes) {
    this(maxEntries, maxKeyBytes, 0, null);
  }

  /**
   * A cache whose entries carry {@code counters} counters each, handed to {@code drain} before
   * the cache is cleared and by {@link #drainAll()}.
   */
  TargetCache(int maxEntries, long maxKeyBytes, int counters, @Nullable Drain drain) {
    this.maxEntries = Math.min(maxEntries, MAX_ENTRIES_LIMIT);
    this.maxKeyBytes = (int) Math.min(maxKeyBytes, Integer.MAX_VALUE - 16);
    this.counters = counters;
    this.stride = 1 + counters;
    this.drain = drain;
    int entries = Math.min(INITIAL_ENTRIES, this.maxEntries);
    this.table = new long[tableSize(entries)];
    this.mask = table.length - 1;
    this.slab = new byte[Math.min(this.maxKeyBytes, entries * 64)];
    this.records = new long[entries * stride];
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
    if (!cacheable(len)) {
      return null;
    }
    int e = find(b, off, len, hash);
    return e < 0 ? null : values[e];
  }

  /** Caches {@code value} for the target; the target must not be cached yet. */
  void put(byte[] b, int off, int len, int hash, Object value) {
    add(b, off, len, hash, value, false);
  }

  /** Whether a target of {@code len} bytes can be cached at all. */
  boolean cacheable(int len) {
    return len <= MAX_KEY_LENGTH && len > 0 && len <= maxKeyBytes;
  }

  /**
   * The entry of the target, or -1 when it is not cached. Its record starts at
   * {@code entry * stride()}: the flags ({@link #REJECTED}, {@link #FLAGGED}) in the first long,
   * then the counters.
   */
  int find(byte[] b, int off, int len, int hash) {
    long tag = tag(hash, len);
    long[] t = table;
    int i = hash & mask;
    while (true) {
      long m = t[i];
      if (m == 0) {
        return -1;
      }
      if ((m & ~ENTRY_MASK) == tag) {
        int e = (int) (m & ENTRY_MASK);
        int o = (int) records[e * stride];
        if (Arrays.equals(slab, o, o + len, b, off, off + len)) {
          return e;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Loads the slot where a lookup of {@code hash} starts and returns it, so that a caller can
   * start the memory loads of several lookups before it needs any of them (a lookup of a target
   * not in the processor's caches waits for three loads from memory: the slot, the record and the
   * key; issued for a batch of lines together they overlap). A hint only: {@link #find} decides.
   */
  long peekSlot(int hash) {
    return table[hash & mask];
  }

  /**
   * The key offset of the entry a slot returned by {@link #peekSlot} points to when its tag
   * matches {@code hash} and {@code len}, loading the entry's record; -1 otherwise. A hint only,
   * valid until the cache changes.
   */
  int peekRecord(long slot, int hash, int len) {
    if (slot == 0 || (slot & ~ENTRY_MASK) != tag(hash, len)) {
      return -1;
    }
    return (int) (records[(int) (slot & ENTRY_MASK) * stride] & OFFSET_MASK);
  }

  /** Loads the first byte of the key at {@code offset} from {@link #peekRecord}; a hint only. */
  int peekKey(int offset) {
    byte[] s = slab;
    return offset >= 0 && offset < s.length ? s[offset] : 0;
  }

  /** Longs per entry record. */
  int stride() {
    return stride;
  }

  /** The value of entry {@code e}. */
  Object value(int e) {
    return Objects.requireNonNull(values[e]);
  }

  /**
   * Caches {@code value} (and {@code flag}) for the target, which must not be cached yet and
   * must be {@link #cacheable}, and returns its entry with zeroed counters. A full cache is
   * drained and cleared first.
   */
  int add(byte[] b, int off, int len, int hash, Object value, boolean flag) {
    if (!cacheable(len)) {
      return -1;
    }
    if (size >= maxEntries || slabUsed + len > maxKeyBytes) {
      drainAll();
      Arrays.fill(table, 0);
      Arrays.fill(values, 0, size, null);
      Arrays.fill(records, 0, size * stride, 0);
      size = 0;
      slabUsed = 0;
      clears++;
    }
    if (size == hashes.length) {
      growEntries();
    }
    if (slabUsed + len > slab.length) {
      slab = Arrays.copyOf(slab, (int) Math.min(maxKeyBytes, Math.max(2L * slab.length, slabUsed + len)));
    }
    System.arraycopy(b, off, slab, slabUsed, len);
    int e = size++;
    long flags = (value instanceof Rejected ? REJECTED : 0) | (flag ? FLAGGED : 0);
    records[e * stride] = slabUsed | flags;
    hashes[e] = hash;
    values[e] = value;
    slabUsed += len;
    insert(e, hash, len);
    return e;
  }

  /** Hands every entry with a nonzero counter to the drain and zeroes the counters. */
  void drainAll() {
    if (drain == null) {
      return;
    }
    long[] r = records;
    for (int e = 0; e < size; e++) {
      int at = e * stride + 1;
      boolean any = false;
      for (int k = at; k < at + counters; k++) {
        any |= r[k] != 0;
      }
      if (any) {
        drain.entry(Objects.requireNonNull(values[e]), r, at);
        Arrays.fill(r, at, at + counters, 0);
      }
    }
  }

  /**
   * Computes the shard (see {@link #shardOf}) of every counted entry, for {@link #drainShard}, and
   * returns how many entries each shard has: done by the thread that filled the cache, before
   * the threads that drain it by shard start.
   */
  int[] assignShards(int shards) {
    int n = size;
    byte[] s = new byte[n];
    int[] perShard = new int[shards];
    long[] r = records;
    @Nullable Object[] v = values;
    for (int e = 0; e < n; e++) {
      Object value = v[e];
      int at = e * stride + 1;
      boolean any = false;
      for (int k = at; k < at + counters; k++) {
        any |= r[k] != 0;
      }
      if (!any || !(value instanceof String)) {
        s[e] = -1; // Nothing to hand over (a rejected target is never counted).
      } else {
        int shard = shardOf((String) value, shards);
        s[e] = (byte) shard;
        perShard[shard]++;
      }
    }
    shardOfEntry = s;
    return perShard;
  }

  /**
   * Hands {@code to} every entry of shard {@code shard} (as {@link #assignShards} found) that has
   * a nonzero counter, without zeroing or clearing anything: the final, read-only pass over a
   * cache whose owner is done with it, so that several threads can each take their shard of the
   * same cache at once.
   */
  void drainShard(int shard, Drain to) {
    byte[] s = Objects.requireNonNull(shardOfEntry, "assignShards first");
    long[] r = records;
    @Nullable Object[] v = values;
    for (int e = 0; e < s.length; e++) {
      if (s[e] == shard) {
        to.entry(Objects.requireNonNull(v[e]), r, e * stride + 1);
      }
    }
  }

  /**
   * The shard of a canonical URL, from its {@code String} hash code: equal URLs share a shard
   * whichever worker's cache holds them. Mixed so that the shard does not depend on the bits a
   * count table indexes by (the top bits of the hash times the golden ratio), which would leave
   * half of each shard's table index unused.
   */
  static int shardOf(String url, int shards) {
    if (shards > Byte.MAX_VALUE) {
      throw new IllegalArgumentException("at most 127 shards but was " + shards);
    }
    int h = url.hashCode() * 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return (int) (((h & 0xFFFFFFFFL) * shards) >>> 32);
  }

  private void insert(int e, int hash, int len) {
    int i = hash & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = tag(hash, len) | e;
  }

  private void growEntries() {
    int n = Math.min(maxEntries, hashes.length * 2);
    records = Arrays.copyOf(records, n * stride);
    hashes = Arrays.copyOf(hashes, n);
    values = Arrays.copyOf(values, n);
    if (tableSize(n) > table.length) {
      // Entry e's key ends where entry e + 1's begins; the last one ends at slabUsed.
      table = new long[tableSize(n)];
      mask = table.length - 1;
      for (int e = 0; e < size; e++) {
        int end = e + 1 < size ? offset(e + 1) : slabUsed;
        insert(e, hashes[e], end - offset(e));
      }
    }
  }

  private int offset(int e) {
    return (int) (records[e * stride] & OFFSET_MASK);
  }

  long clears() {
    return clears;
  }

  static String decode(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }
}
