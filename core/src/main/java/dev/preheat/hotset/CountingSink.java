package dev.preheat.hotset;

import dev.preheat.internal.count.DistinctCounter;
import dev.preheat.internal.source.AggregateSink;
import dev.preheat.source.TrafficRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * One worker's counts: filters records, assigns them to windows and counts them, exactly in a
 * {@link CountTable} until its share of the memory budget runs out, then in one
 * {@link HeavyHitters} sketch per window. Used by one thread; no locks on the hot path.
 *
 * <p>As an {@link AggregateSink} it lets the log reader count lines per raw request target and
 * hand over the sums: {@link #admit} applies the per-record filters and statistics for every
 * line, {@link #add} counts a URL's sum in one step. Exact counts are the same either way.
 */
final class CountingSink implements AggregateSink {

  /** Counters per window in exact mode: {@code [requests, bytes]}. */
  static final int SLOTS = 2;

  private final HotsetSelector config;
  private final MemoryPool pool;
  private final int windows;
  private final long windowEnd;
  private final long windowLength;
  private final boolean windowed;
  private final Matcher[] excludes;
  private final long perEntryOverhead;

  long recordsSeen;
  long requestsSeen;
  long demandRecords;
  long untimedRecords;
  final long[] filtered = new long[FilterReason.values().length];

  /** Exact counts, or null once bounded. */
  @Nullable CountTable exact;

  /** The last method admitted and its verdict: lines repeat a handful of interned methods. */
  private @Nullable String lastMethod;
  private boolean lastMethodAllowed;

  /**
   * Whether this sink has joined the pool: on its first reservation, so sinks that only filter
   * (the log reader hands all its per-target sums to one sink) do not shrink the others' share.
   */
  private boolean registered;

  private long usedBytes;
  private long reservedBytes;
  /** Whether no other sink of the tally counted any URL this one counted (see {@link #disjoint}). */
  boolean disjoint;

  /** Distinct URLs when the sink switched to bounded mode, 0 while exact. */
  long switchedAtDistinct;

  /** Per-window sketches once bounded, else null. */
  HeavyHitters @Nullable [] sketches;
  @Nullable DistinctCounter distinct;

  CountingSink(HotsetSelector config, MemoryPool pool) {
    this.config = config;
    this.pool = pool;
    this.windows = config.windowCount;
    this.windowed = config.windowLength != null;
    this.windowEnd = windowed ? config.windowEnd.toEpochMilli() : 0;
    this.windowLength = windowed ? config.windowLength.toMillis() : 0;
    this.excludes = new Matcher[config.excludes.size()];
    for (int i = 0; i < excludes.length; i++) {
      excludes[i] = config.excludes.get(i).matcher("");
    }
    this.perEntryOverhead = HotsetSelector.ESTIMATED_ENTRY_OVERHEAD_BYTES + 16L * SLOTS * windows;
    this.exact = new CountTable(SLOTS * windows);
  }

  /**
   * Kept small so that the JIT inlines it into the log reader's loop, where the record then never
   * needs to be allocated; the counting itself is in {@link #count}.
   */
  @Override
  public void accept(TrafficRecord record) {
    recordsSeen++;
    long count = record.count();
    requestsSeen += count;
    if (!methodAllowed(record.method())) {
      filtered[FilterReason.METHOD.ordinal()]++;
      return;
    }
    if (!statusAllowed(record.status())) {
      filtered[FilterReason.STATUS.ordinal()]++;
      return;
    }
    String url = record.url();
    if (excluded(url)) {
      filtered[FilterReason.EXCLUDED_PATH.ordinal()]++;
      return;
    }
    int window = window(record.epochMillis());
    if (window >= 0) {
      demandRecords++;
      add(url, window, count, record.bytes());
    }
  }

  @Override
  public int windows() {
    return windows <= AggregateSink.MAX_WINDOWS ? windows : 0;
  }

  @Override
  public int admit(String method, int status, long epochMillis, boolean excluded) {
    recordsSeen++;
    requestsSeen++;
    if (!methodAllowed(method)) {
      filtered[FilterReason.METHOD.ordinal()]++;
      return -1;
    }
    if (!statusAllowed(status)) {
      filtered[FilterReason.STATUS.ordinal()]++;
      return -1;
    }
    if (excluded) {
      filtered[FilterReason.EXCLUDED_PATH.ordinal()]++;
      return -1;
    }
    int window = window(epochMillis);
    if (window >= 0) {
      demandRecords++;
    }
    return window;
  }

  private boolean methodAllowed(String method) {
    if (method != lastMethod) {
      lastMethodAllowed = config.methods.contains(method);
      lastMethod = method;
    }
    return lastMethodAllowed;
  }

  private boolean statusAllowed(int status) {
    return status == TrafficRecord.UNKNOWN_STATUS
        || (status >= 0 && status < config.statusAllowed.length && config.statusAllowed[status]);
  }

  /** The window of a record at {@code ts}, or -1 (counted as filtered) if outside them all. */
  private int window(long ts) {
    if (!windowed) {
      return 0;
    }
    if (ts == TrafficRecord.NO_TIMESTAMP) {
      untimedRecords++;
      return 0;
    }
    if (ts > windowEnd) {
      filtered[FilterReason.AFTER_WINDOW.ordinal()]++;
      return -1;
    }
    long w = (windowEnd - ts) / windowLength;
    if (w >= windows) {
      filtered[FilterReason.BEFORE_WINDOW.ordinal()]++;
      return -1;
    }
    return (int) w;
  }

  @Override
  public void add(String url, int window, long count, long bytes) {
    CountTable table = exact;
    if (table != null) {
      int h = url.hashCode();
      int e = table.find(url, h);
      if (e < 0) {
        e = addExact(table, url, h, window, count, bytes);
        if (e < 0) {
          return;
        }
      }
      long[] c = table.counts;
      int at = e * table.stride + SLOTS * window;
      c[at] += count;
      c[at + 1] += bytes;
    } else {
      countBounded(url, window, count, bytes);
    }
  }

  /**
   * Counts the sums in order, as {@link #add} one by one, after first loading, for all of them,
   * the index slots of their lookups, then the URLs those slots point to, then those URLs'
   * contents: the processor then waits for the loads of up to {@code n} lookups at once instead
   * of one after the other (the hand-over of a scan's sums is a long run of lookups in a table
   * larger than the processor's caches).
   */
  @Override
  public void addAll(String[] urls, int[] windows, long[] requests, long[] bytes, int n) {
    CountTable table = exact;
    if (table != null) {
      if (peekSlots.length < n) {
        peekSlots = new long[n];
        peekKeys = new String[n];
      }
      long[] slots = peekSlots;
      for (int i = 0; i < n; i++) {
        slots[i] = table.peekSlot(urls[i].hashCode());
      }
      String[] keys = peekKeys;
      for (int i = 0; i < n; i++) {
        keys[i] = table.peekKey(slots[i], urls[i].hashCode());
      }
      int sum = 0;
      for (int i = 0; i < n; i++) {
        String k = keys[i];
        if (k != null) {
          sum += k.length();
          keys[i] = null;
        }
      }
      peeked += sum;
    }
    for (int i = 0; i < n; i++) {
      add(urls[i], windows[i], requests[i], bytes[i]);
    }
  }

  /** Scratch for {@link #addAll}: the slots and keys its lookups will read. */
  private long[] peekSlots = new long[0];
  private String[] peekKeys = new String[0];
  /** Sums what {@link #addAll} loads ahead, so that the loads are not optimized away. */
  int peeked;

  /**
   * Adds a new URL to the exact table within the memory budget and returns its entry; once the
   * budget is spent, switches to bounded counting, counts the record there and returns -1.
   */
  private int addExact(CountTable table, String url, int h, int window, long count, long bytes) {
    long cost = 2L * url.length() + perEntryOverhead;
    if (usedBytes + cost > reservedBytes) {
      register();
      long grant = pool.reserve(usedBytes + cost - reservedBytes, reservedBytes);
      if (grant == 0) {
        switchToBounded();
        countBounded(url, window, count, bytes);
        return -1;
      }
      reservedBytes += grant;
    }
    usedBytes += cost;
    return table.add(url, h);
  }

  @Override
  public void expect(int urls, int sinks) {
    CountTable table = exact;
    if (table != null && urls > 0) {
      // No more than this sink's share of the memory budget could count (URLs of 16 characters
      // or more), whatever the caller expects.
      long affordable = pool.budget() / Math.max(1, sinks) / (perEntryOverhead + 2L * 16);
      table.ensureCapacity((int) Math.min(table.size + (long) urls, Math.min(affordable, 1 << 26)));
    }
  }

  @Override
  public void disjoint() {
    disjoint = true;
  }

  @Override
  public boolean excluded(String url) {
    if (excludes.length == 0) {
      return false;
    }
    int q = url.indexOf('?');
    int end = q < 0 ? url.length() : q;
    for (Matcher m : excludes) {
      m.reset(url);
      m.region(0, end);
      if (m.find()) {
        return true;
      }
    }
    return false;
  }

  private void countBounded(String url, int window, long count, long bytes) {
    if (config.weight == Weight.REQUESTS) {
      sketches[window].add(url, count, bytes);
    } else {
      sketches[window].add(url, bytes, count);
    }
    if (window == 0) {
      distinct.add(url);
    }
  }

  private void register() {
    if (!registered) {
      registered = true;
      pool.register();
    }
  }

  private void switchToBounded() {
    register();
    CountTable counts = exact;
    switchedAtDistinct = counts.size;
    // a sink holding more than today's fair share (others registered later) shrinks to it
    long share = pool.fairShare();
    // a sink that saw few URLs (created late, budget already held by others) estimates its
    // entry size from a typical 64-character URL
    long avgEntry = counts.size >= 64
        ? Math.max(1, usedBytes / counts.size) : perEntryOverhead + 2 * 64;
    long entries = share / avgEntry;
    // More counters than the selection can use only cost time and memory: a sketch holding
    // COUNTERS_PER_SELECTED_ENTRY counters per selectable entry already finds the top entries
    // with recall >= 0.99 on Zipf traffic (measured, see HeavyHitters).
    long useful = (long) HotsetSelector.COUNTERS_PER_SELECTED_ENTRY * config.selectable();
    int capacity = (int) Math.max(HotsetSelector.MIN_SKETCH_CAPACITY,
        Math.min(Math.min(HeavyHitters.MAX_CAPACITY, useful), entries / windows));
    if (reservedBytes > share) {
      pool.release(reservedBytes - share);
      reservedBytes = share;
    }
    exact = null;
    sketches = toSketches(counts, config.weight, windows, capacity);
    distinct = new DistinctCounter();
    for (int e = 0; e < counts.size; e++) {
      if (counts.counts[e * counts.stride] > 0) {
        distinct.add(counts.keys[e]);
      }
    }
  }

  /** One exact-start sketch per window holding the heaviest {@code capacity} URLs of the table. */
  static HeavyHitters[] toSketches(CountTable counts, Weight weight, int windows, int capacity) {
    HeavyHitters[] result = new HeavyHitters[windows];
    long[] c = counts.counts;
    for (int w = 0; w < windows; w++) {
      List<HeavyHitters.Estimate> list = new ArrayList<>();
      long total = 0;
      for (int e = 0; e < counts.size; e++) {
        int at = e * counts.stride + SLOTS * w;
        long requests = c[at];
        if (requests > 0) {
          long bytes = c[at + 1];
          long wt = weight == Weight.REQUESTS ? requests : bytes;
          long companion = weight == Weight.REQUESTS ? bytes : requests;
          list.add(new HeavyHitters.Estimate(counts.keys[e], wt, 0, companion));
          total += wt;
        }
      }
      result[w] = HeavyHitters.truncated(capacity, list, total, 0);
    }
    return result;
  }

  /**
   * Exact counters by URL: open addressing with linear probing over a {@code long[]} index whose
   * slots pack the URL's hash with its entry number, and entries (URL, hash, counters) stored in
   * insertion order in parallel arrays. The URLs seen first (the popular ones, under any skewed
   * traffic) thus sit together in a few cache lines, a probe rejects other URLs by their hash
   * without touching them, and a lookup of the very {@code String} instance the log reader's URL
   * cache hands out again and again is decided by identity before {@code equals}. No object is
   * allocated per URL beyond the URL itself. Not thread-safe.
   */
  static final class CountTable {
    private static final int INITIAL_ENTRIES = 1 << 12;

    /** Counters per entry: {@link #SLOTS} per window. */
    final int stride;
    /** URLs in insertion order; {@code [0, size)} are set. */
    String[] keys;
    /** The counters of entry {@code e} at {@code [e * stride, (e + 1) * stride)}. */
    long[] counts;
    /** Distinct URLs counted. */
    int size;
    private int[] hashes;
    private long[] index;
    private int mask;
    private int shift;

    CountTable(int stride) {
      this.stride = stride;
      this.keys = new String[INITIAL_ENTRIES];
      this.hashes = new int[INITIAL_ENTRIES];
      this.counts = new long[INITIAL_ENTRIES * stride];
      resizeIndex(INITIAL_ENTRIES * 2);
    }

    /** The entry of {@code url} (whose hash code is {@code hash}), or -1 if not counted yet. */
    int find(String url, int hash) {
      long[] ix = index;
      int m = mask;
      int i = slot(hash);
      while (true) {
        long slot = ix[i];
        if (slot == 0) {
          return -1;
        }
        if ((int) (slot >>> 32) == hash) {
          int e = (int) slot - 1;
          String k = keys[e];
          if (k == url || k.equals(url)) {
            return e;
          }
        }
        i = (i + 1) & m;
      }
    }

    /**
     * Loads the index slot where a lookup of {@code hash} starts and returns it; a hint for
     * {@link #peekKey}, valid until the table changes.
     */
    long peekSlot(int hash) {
      return index[slot(hash)];
    }

    /**
     * The URL of the entry a slot from {@link #peekSlot} points to when its hash is {@code hash},
     * else null: loads what {@link #find} will compare first. A hint only.
     */
    @Nullable String peekKey(long slot, int hash) {
      if (slot == 0 || (int) (slot >>> 32) != hash) {
        return null;
      }
      return keys[(int) slot - 1];
    }

    /** Adds {@code url}, which must not be counted yet, with zero counters; returns its entry. */
    int add(String url, int hash) {
      int e = size;
      if (e == keys.length) {
        grow();
      }
      keys[e] = url;
      hashes[e] = hash;
      size = e + 1;
      insert(e, hash);
      return e;
    }

    /** The counters of window {@code window} of entry {@code e}: requests then bytes. */
    long requests(int e, int window) {
      return counts[e * stride + SLOTS * window];
    }

    long bytes(int e, int window) {
      return counts[e * stride + SLOTS * window + 1];
    }

    /** Adds every counter of {@code other} into this table. */
    void addAll(CountTable other) {
      addAll(other, false);
    }

    /**
     * Adds every counter of {@code other} into this table; when {@code disjoint} (no URL of
     * {@code other} is in this table), without looking the URLs up.
     */
    void addAll(CountTable other, boolean disjoint) {
      long[] oc = other.counts;
      for (int o = 0; o < other.size; o++) {
        String url = other.keys[o];
        int h = other.hashes[o];
        int e = disjoint ? -1 : find(url, h);
        if (e < 0) {
          e = add(url, h);
        }
        long[] c = counts;
        int at = e * stride;
        int from = o * stride;
        for (int k = 0; k < stride; k++) {
          c[at + k] += oc[from + k];
        }
      }
    }

    private void insert(int e, int hash) {
      long[] ix = index;
      int i = slot(hash);
      while (ix[i] != 0) {
        i = (i + 1) & mask;
      }
      ix[i] = ((long) hash << 32) | (e + 1L);
    }

    /** Grows the table, if needed, so that it holds {@code entries} without growing again. */
    void ensureCapacity(int entries) {
      if (entries > keys.length) {
        grow(Integer.highestOneBit(entries - 1) << 1);
      }
    }

    private void grow() {
      grow(keys.length * 2);
    }

    private void grow(int n) {
      keys = Arrays.copyOf(keys, n);
      hashes = Arrays.copyOf(hashes, n);
      counts = Arrays.copyOf(counts, n * stride);
      resizeIndex(n * 2);
      for (int e = 0; e < size; e++) {
        insert(e, hashes[e]);
      }
    }

    private void resizeIndex(int slots) {
      index = new long[slots];
      mask = slots - 1;
      shift = Integer.numberOfLeadingZeros(slots) + 1;
    }

    /**
     * The home slot: the top bits of a Fibonacci hash, since similar URLs have
     * {@code String} hash codes that differ mostly in their low bits.
     */
    private int slot(int hash) {
      return (hash * 0x9E3779B1) >>> shift;
    }
  }
}
