package dev.preheat.internal.simulate;

import java.util.Arrays;

/**
 * One cache replayed window by window ({@link Window}), optionally warming a ranked list of URL ids
 * at the start of every window but the first, counting per window what happened. The cache is the
 * only state kept between windows.
 */
public final class Replay {

  /** Row of {@link #rows()}: user requests answered by the cache. */
  public static final int HITS = 0;
  /** Row: logged bytes of those hits. */
  public static final int HIT_BYTES = 1;
  /** Row: warm requests sent. */
  public static final int WARM_REQUESTS = 2;
  /** Row: bytes of the warm requests. */
  public static final int WARM_BYTES = 3;
  /** Row: warm requests the cache did not already hold fresh. */
  public static final int WARM_FILLS = 4;

  /** What a replay warms at each window start. */
  public enum Warming {
    /** Nothing. */
    NONE,
    /** The previous window's top URLs. */
    PREVIOUS,
    /** The window's own top URLs: the upper bound. */
    ORACLE
  }

  private final LruCache cache;
  private final boolean purge;
  private final Warming warming;
  private final int size;
  private long[][] rows = new long[5][16];
  private int windows;

  /**
   * @param maxEntries entry capacity, {@code Long.MAX_VALUE} for unlimited
   * @param maxBytes byte capacity, {@code Long.MAX_VALUE} for unlimited
   * @param purge whether the cache is emptied at each window start
   * @param warming what to warm
   * @param size how many of the ranked URLs to warm, in rank order
   */
  public Replay(long maxEntries, long maxBytes, boolean purge, Warming warming, int size) {
    this.cache = new LruCache(maxEntries, maxBytes);
    this.purge = purge;
    this.warming = warming;
    this.size = size;
  }

  /**
   * Replays window {@code w}: purges (if configured), warms (windows 1 and later), then replays
   * its requests. Window 0 is replayed (unless purged away) but not counted.
   */
  public void replay(Window w) {
    int k = w.index();
    if (k >= rows[0].length) {
      for (int r = 0; r < rows.length; r++) {
        rows[r] = Arrays.copyOf(rows[r], Math.max(k + 1, rows[r].length * 2));
      }
    }
    windows = k + 1;
    cache.ensureCapacity(w.idCapacity());
    if (purge) {
      cache.clear();
      if (k == 0) {
        return;
      }
    }
    long[] weight = w.weights();
    long[] maxAge = w.maxAges();
    int[] hot = warming == Warming.PREVIOUS ? w.previousTop()
        : warming == Warming.ORACLE ? w.top() : null;
    if (k > 0 && hot != null && size > 0) {
      long start = w.startMs();
      int count = Math.min(size, hot.length);
      long warmBytes = 0;
      long fills = 0;
      for (int j = 0; j < count; j++) {
        int id = hot[j];
        warmBytes += weight[id];
        if (!cache.get(id, start, maxAge[id])) {
          fills++;
          cache.put(id, start, weight[id], maxAge[id]);
        }
      }
      rows[WARM_REQUESTS][k] = count;
      rows[WARM_BYTES][k] = warmBytes;
      rows[WARM_FILLS][k] = fills;
    }
    long[] time = w.times();
    int[] url = w.urls();
    long[] bytes = w.bytes();
    long hits = 0;
    long hitBytes = 0;
    for (int i = 0, end = w.requests(); i < end; i++) {
      int id = url[i];
      long t = time[i];
      if (cache.get(id, t, maxAge[id])) {
        hits++;
        hitBytes += bytes[i];
      } else {
        cache.put(id, t, weight[id], maxAge[id]);
      }
    }
    if (k > 0) {
      rows[HITS][k] = hits;
      rows[HIT_BYTES][k] = hitBytes;
    }
  }

  /** Sets {@code live[id]} for every id the cache holds. */
  void markStored(boolean[] live) {
    cache.markStored(live);
  }

  /** Empties the cache if it is purged at the next window start anyway. */
  void dropIfPurged() {
    if (purge) {
      cache.clear();
    }
  }

  /** {@code [row][window]} with the rows {@link #HITS} ... {@link #WARM_FILLS}. */
  public long[][] rows() {
    long[][] out = new long[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = Arrays.copyOf(rows[r], windows);
    }
    return out;
  }
}
