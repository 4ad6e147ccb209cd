package dev.preheat.hotset;

import dev.preheat.source.TrafficRecord;
import dev.preheat.source.TrafficSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * One worker's counts: filters records, assigns them to windows and counts them, exactly in a map
 * of mutable {@code long[]} counters until its share of the memory budget runs out, then in one
 * {@link HeavyHitters} sketch per window. Used by one thread; no locks on the hot path.
 */
final class CountingSink implements TrafficSink {

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
  @Nullable HashMap<String, long[]> exact = new HashMap<>();

  private long usedBytes;
  private long reservedBytes;
  /** Distinct URLs when the sink switched to bounded mode, 0 while exact. */
  long switchedAtDistinct;

  /** Per-window sketches once bounded, else null. */
  HeavyHitters @Nullable [] sketches;
  @Nullable DistinctCounter distinct;

  CountingSink(HotsetSelector config, MemoryPool pool) {
    this.config = config;
    this.pool = pool;
    pool.register();
    this.windows = config.windowCount;
    this.windowed = config.windowLength != null;
    this.windowEnd = windowed ? config.windowEnd.toEpochMilli() : 0;
    this.windowLength = windowed ? config.windowLength.toMillis() : 0;
    this.excludes = new Matcher[config.excludes.size()];
    for (int i = 0; i < excludes.length; i++) {
      excludes[i] = config.excludes.get(i).matcher("");
    }
    this.perEntryOverhead = HotsetSelector.ESTIMATED_ENTRY_OVERHEAD_BYTES + 16L * SLOTS * windows;
  }

  @Override
  public void accept(TrafficRecord record) {
    recordsSeen++;
    long count = record.count();
    requestsSeen += count;
    if (!config.methods.contains(record.method())) {
      filtered[FilterReason.METHOD.ordinal()]++;
      return;
    }
    int status = record.status();
    if (status != TrafficRecord.UNKNOWN_STATUS
        && (status < 0 || status >= config.statusAllowed.length || !config.statusAllowed[status])) {
      filtered[FilterReason.STATUS.ordinal()]++;
      return;
    }
    String url = record.url();
    if (excludes.length > 0 && excluded(url)) {
      filtered[FilterReason.EXCLUDED_PATH.ordinal()]++;
      return;
    }
    int window = 0;
    if (windowed) {
      long ts = record.epochMillis();
      if (ts == TrafficRecord.NO_TIMESTAMP) {
        untimedRecords++;
      } else if (ts > windowEnd) {
        filtered[FilterReason.AFTER_WINDOW.ordinal()]++;
        return;
      } else {
        long w = (windowEnd - ts) / windowLength;
        if (w >= windows) {
          filtered[FilterReason.BEFORE_WINDOW.ordinal()]++;
          return;
        }
        window = (int) w;
      }
    }
    demandRecords++;
    long bytes = record.bytes();
    if (exact != null) {
      long[] c = exact.get(url);
      if (c == null) {
        long cost = 2L * url.length() + perEntryOverhead;
        if (usedBytes + cost > reservedBytes) {
          long grant = pool.reserve(usedBytes + cost - reservedBytes, reservedBytes);
          if (grant == 0) {
            switchToBounded();
            countBounded(url, window, count, bytes);
            return;
          }
          reservedBytes += grant;
        }
        usedBytes += cost;
        c = new long[SLOTS * windows];
        exact.put(url, c);
      }
      c[SLOTS * window] += count;
      c[SLOTS * window + 1] += bytes;
    } else {
      countBounded(url, window, count, bytes);
    }
  }

  private boolean excluded(String url) {
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

  private void switchToBounded() {
    HashMap<String, long[]> counts = exact;
    switchedAtDistinct = counts.size();
    // a sink holding more than today's fair share (others registered later) shrinks to it
    long share = pool.fairShare();
    // a sink that saw few URLs (created late, budget already held by others) estimates its
    // entry size from a typical 64-character URL
    long avgEntry = counts.size() >= 64
        ? Math.max(1, usedBytes / counts.size()) : perEntryOverhead + 2 * 64;
    long entries = share / avgEntry;
    int capacity = (int) Math.max(HotsetSelector.MIN_SKETCH_CAPACITY,
        Math.min(HeavyHitters.MAX_CAPACITY, entries / windows));
    if (reservedBytes > share) {
      pool.release(reservedBytes - share);
      reservedBytes = share;
    }
    exact = null;
    sketches = toSketches(counts, config.weight, windows, capacity);
    distinct = new DistinctCounter();
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      if (e.getValue()[0] > 0) {
        distinct.add(e.getKey());
      }
    }
  }

  /** One exact-start sketch per window holding the heaviest {@code capacity} URLs of the map. */
  static HeavyHitters[] toSketches(
      Map<String, long[]> counts, Weight weight, int windows, int capacity) {
    HeavyHitters[] result = new HeavyHitters[windows];
    for (int w = 0; w < windows; w++) {
      List<HeavyHitters.Estimate> list = new ArrayList<>();
      long total = 0;
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        long requests = e.getValue()[SLOTS * w];
        if (requests > 0) {
          long bytes = e.getValue()[SLOTS * w + 1];
          long wt = weight == Weight.REQUESTS ? requests : bytes;
          long companion = weight == Weight.REQUESTS ? bytes : requests;
          list.add(new HeavyHitters.Estimate(e.getKey(), wt, 0, companion));
          total += wt;
        }
      }
      result[w] = HeavyHitters.truncated(capacity, list, total, 0);
    }
    return result;
  }
}
