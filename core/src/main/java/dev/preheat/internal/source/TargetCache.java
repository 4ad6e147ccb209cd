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
 * hash, the key length and the entry number. Keys live back to back in byte pages and values in
 * pages of entries, both in insertion order, so the popular targets (seen first) sit together in
 * a few cache lines instead of being scattered over the heap as separate arrays. Keys, records and
 * values are stored in fixed-size pages, so a growing cache allocates only what it fills: no
 * array is copied into one twice its size (on a log with 200k distinct targets per worker that
 * copying was ~20 MiB of garbage per worker, enough to cause a young collection); only the slot
 * table is rebuilt when it grows. The cache is cleared when it holds too many entries or key
 * bytes, which bounds memory on any input; hot targets are back after a few lines.
 *
 * <p>With {@code counters > 0} each entry also carries that many counters and two flags (rejected,
 * excluded), so the log scanner can count a line with this one lookup and hand the sums to its
 * sink once per distinct target; the cache then passes its counts to its {@link Drain} before it
 * clears itself. An entry's key offset, key length, flags and counters sit side by side in one
 * record of a {@code long[]} page, so a line touches three cache lines (slot, record, key bytes),
 * not one per array.
 */
final class TargetCache {

  /** Receives the counts of every entry before the cache clears them. */
  interface Drain {
    /** Called once per entry with its value and counters {@code counts[at, at + counters)}. */
    void entry(Object value, long[] counts, int at);

    /** Called after the last {@link #entry} of a drain (entries may be buffered until then). */
    default void end() {
    }
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
  /** Entries per record and value page, at most. */
  private static final int ENTRY_PAGE_SHIFT = 12;
  /** Key bytes per page, at most; at least {@link #MAX_KEY_LENGTH} + 1 unless keys are capped lower. */
  private static final int SLAB_PAGE_SHIFT = 18;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long ENTRY_MASK = 0xFFFFFFL;
  private static final long OFFSET_MASK = 0xFFFFFFFFL;
  /** Where a record's first long keeps the key length. */
  private static final int LENGTH_SHIFT = 40;

  private final int maxEntries;
  private final int maxKeyBytes;
  /** Longs per entry record: the key offset with the flags and length, then the counters. */
  private final int stride;
  private final int counters;
  private final @Nullable Drain drain;
  private final int entryShift;
  private final int entryMask;
  private final int slabShift;
  private final int slabMask;
  private long[] table;
  private int mask;
  /** Entries the table takes before it is rebuilt twice as large (half its slots). */
  private int capacity;
  /** Key pages; a key never spans two. Offsets are {@code page << slabShift | position}. */
  private byte[][] slab = new byte[1][];
  /** The offset where the next key goes (bytes skipped at the ends of pages included). */
  private int slabUsed;
  /** Entry e's record at {@code recordAt(e)} of page {@code e >>> entryShift}. */
  private long[][] records = new long[1][];
  private @Nullable Object[][] values = new Object[1][];
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
    this.maxEntries = Math.max(1, Math.min(maxEntries, MAX_ENTRIES_LIMIT));
    this.maxKeyBytes = (int) Math.min(maxKeyBytes, Integer.MAX_VALUE - 16);
    this.counters = counters;
    this.stride = 1 + counters;
    this.drain = drain;
    this.entryShift = Math.min(ENTRY_PAGE_SHIFT, ceilLog2(this.maxEntries));
    this.entryMask = (1 << entryShift) - 1;
    this.slabShift = Math.min(SLAB_PAGE_SHIFT, ceilLog2(Math.max(1, this.maxKeyBytes)));
    this.slabMask = (1 << slabShift) - 1;
    int entries = Math.min(INITIAL_ENTRIES, this.maxEntries);
    this.table = new long[tableSize(entries)];
    this.mask = table.length - 1;
    this.capacity = table.length / 2;
  }

  private static int ceilLog2(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
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
    return e < 0 ? null : value(e);
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
   * {@link #recordAt recordAt(entry)} in {@link #recordPage recordPage(entry)}: the flags
   * ({@link #REJECTED}, {@link #FLAGGED}) in the first long, then the counters.
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
        int o = (int) records[e >>> entryShift][(e & entryMask) * stride];
        int p = o & slabMask;
        if (Arrays.equals(slab[o >>> slabShift], p, p + len, b, off, off + len)) {
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
    int e = (int) (slot & ENTRY_MASK);
    return (int) (records[e >>> entryShift][(e & entryMask) * stride] & OFFSET_MASK);
  }

  /** Loads the first byte of the key at {@code offset} from {@link #peekRecord}; a hint only. */
  int peekKey(int offset) {
    if (offset < 0) {
      return 0;
    }
    byte[][] pages = slab;
    int page = offset >>> slabShift;
    byte[] s = page < pages.length ? pages[page] : null;
    int p = offset & slabMask;
    return s != null && p < s.length ? s[p] : 0;
  }

  /** Longs per entry record. */
  int stride() {
    return stride;
  }

  /** The page holding entry {@code e}'s record. */
  long[] recordPage(int e) {
    return records[e >>> entryShift];
  }

  /** Where entry {@code e}'s record starts in its {@link #recordPage}. */
  int recordAt(int e) {
    return (e & entryMask) * stride;
  }

  /** The value of entry {@code e}. */
  Object value(int e) {
    return Objects.requireNonNull(values[e >>> entryShift][e & entryMask]);
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
    int at = slabUsed;
    if ((at & slabMask) + len > slabMask + 1) {
      at = (at | slabMask) + 1; // The key does not fit the rest of the page: start the next one.
    }
    if (size >= maxEntries || (long) at + len > maxKeyBytes) {
      drainAll();
      clear();
      at = 0;
    }
    if (size == capacity) {
      growTable();
    }
    int page = at >>> slabShift;
    if (page == slab.length) {
      slab = Arrays.copyOf(slab, page * 2);
    }
    byte[] keys = slab[page];
    if (keys == null) {
      keys = new byte[Math.min(slabMask + 1, maxKeyBytes - (page << slabShift))];
      slab[page] = keys;
    }
    System.arraycopy(b, off, keys, at & slabMask, len);
    int e = size++;
    int ep = e >>> entryShift;
    if (ep == records.length) {
      records = Arrays.copyOf(records, ep * 2);
      values = Arrays.copyOf(values, ep * 2);
    }
    long[] rec = records[ep];
    if (rec == null) {
      int n = Math.min(entryMask + 1, maxEntries - (ep << entryShift));
      rec = new long[n * stride];
      records[ep] = rec;
      values[ep] = new Object[n];
    }
    long flags = (value instanceof Rejected ? REJECTED : 0) | (flag ? FLAGGED : 0);
    rec[(e & entryMask) * stride] = at | flags | ((long) len << LENGTH_SHIFT);
    values[ep][e & entryMask] = value;
    slabUsed = at + len;
    insert(e, hash, len);
    return e;
  }

  /** Forgets every entry, keeping the pages for the entries to come. */
  private void clear() {
    Arrays.fill(table, 0);
    for (int ep = 0; ep << entryShift < size; ep++) {
      int n = Math.min(entryMask + 1, size - (ep << entryShift));
      Arrays.fill(values[ep], 0, n, null);
      Arrays.fill(records[ep], 0, n * stride, 0);
    }
    size = 0;
    slabUsed = 0;
    clears++;
  }

  /** Hands every entry with a nonzero counter to the drain and zeroes the counters. */
  void drainAll() {
    if (drain == null) {
      return;
    }
    for (int e = 0; e < size; e++) {
      long[] r = records[e >>> entryShift];
      int at = (e & entryMask) * stride + 1;
      boolean any = false;
      for (int k = at; k < at + counters; k++) {
        any |= r[k] != 0;
      }
      if (any) {
        drain.entry(value(e), r, at);
        Arrays.fill(r, at, at + counters, 0);
      }
    }
    drain.end();
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
    for (int e = 0; e < n; e++) {
      long[] r = records[e >>> entryShift];
      Object value = values[e >>> entryShift][e & entryMask];
      int at = (e & entryMask) * stride + 1;
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
    for (int e = 0; e < s.length; e++) {
      if (s[e] == shard) {
        to.entry(value(e), records[e >>> entryShift], (e & entryMask) * stride + 1);
      }
    }
    to.end();
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

  /**
   * Rebuilds the slot table for twice the entries, rehashing the keys from their pages (a
   * record holds its key's offset and length).
   */
  private void growTable() {
    int n = (int) Math.min(maxEntries, 2L * capacity);
    table = new long[tableSize(n)];
    mask = table.length - 1;
    capacity = Math.max(n, table.length / 2);
    for (int e = 0; e < size; e++) {
      long r = records[e >>> entryShift][(e & entryMask) * stride];
      int o = (int) (r & OFFSET_MASK);
      int len = (int) (r >>> LENGTH_SHIFT) & MAX_KEY_LENGTH;
      insert(e, hash(slab[o >>> slabShift], o & slabMask, len), len);
    }
  }

  long clears() {
    return clears;
  }

  static String decode(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }
}
