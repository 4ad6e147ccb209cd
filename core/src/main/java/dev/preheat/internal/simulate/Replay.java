package dev.preheat.internal.simulate;

/**
 * Replays a {@link Trace} through one {@link LruCache}, optionally warming a ranked list of URL ids
 * at the start of every window but the first, and counts per window what happened.
 */
public final class Replay {

  /** Row of {@link #run}'s result: user requests answered by the cache. */
  public static final int HITS = 0;
  /** Row: logged bytes of those hits. */
  public static final int HIT_BYTES = 1;
  /** Row: warm requests sent. */
  public static final int WARM_REQUESTS = 2;
  /** Row: bytes of the warm requests. */
  public static final int WARM_BYTES = 3;
  /** Row: warm requests the cache did not already hold fresh. */
  public static final int WARM_FILLS = 4;

  private Replay() {}

  /**
   * Runs one replay.
   *
   * @param trace the sealed trace
   * @param maxAge per URL id, milliseconds a stored copy stays fresh ({@code Long.MAX_VALUE}:
   *     forever; 0: never stored)
   * @param maxEntries entry capacity, {@code Long.MAX_VALUE} for unlimited
   * @param maxBytes byte capacity, {@code Long.MAX_VALUE} for unlimited
   * @param purge whether the cache is emptied at each window start
   * @param warm per window, the ranked URL ids to warm at its start (null entries, or a null
   *     array: nothing); only windows 1 and later are warmed
   * @param size how many of each list to warm, in rank order
   * @return {@code [row][window]} with the rows {@link #HITS} ... {@link #WARM_FILLS}; window 0 is
   *     replayed (unless purged away) but not counted
   */
  public static long[][] run(Trace trace, long[] maxAge, long maxEntries, long maxBytes,
      boolean purge, int[] @org.jspecify.annotations.Nullable [] warm, int size) {
    int windows = trace.windows();
    long[][] out = new long[5][windows];
    long[] time = trace.timeArray();
    int[] url = trace.urlArray();
    long[] bytes = trace.bytesArray();
    long[] objectSize = trace.objectSizes();
    LruCache cache = new LruCache(objectSize, maxAge, maxEntries, maxBytes);
    for (int k = purge ? 1 : 0; k < windows; k++) {
      if (purge) {
        cache.clear();
      }
      if (k > 0 && warm != null && warm[k] != null && size > 0) {
        int[] hot = warm[k];
        long start = trace.windowStartMs(k);
        int count = Math.min(size, hot.length);
        long warmBytes = 0;
        long fills = 0;
        for (int j = 0; j < count; j++) {
          int id = hot[j];
          warmBytes += objectSize[id];
          if (!cache.get(id, start)) {
            fills++;
            cache.put(id, start);
          }
        }
        out[WARM_REQUESTS][k] = count;
        out[WARM_BYTES][k] = warmBytes;
        out[WARM_FILLS][k] = fills;
      }
      long hits = 0;
      long hitBytes = 0;
      for (int i = trace.windowStart(k), end = trace.windowStart(k + 1); i < end; i++) {
        int id = url[i];
        long t = time[i];
        if (cache.get(id, t)) {
          hits++;
          hitBytes += bytes[i];
        } else {
          cache.put(id, t);
        }
      }
      if (k > 0) {
        out[HITS][k] = hits;
        out[HIT_BYTES][k] = hitBytes;
      }
    }
    return out;
  }
}
