package dev.preheat.internal.simulate;

import dev.preheat.source.TrafficRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToLongFunction;

/**
 * Streams requests into windows and advances every {@link Replay} together, one window at a
 * time, so that memory depends on the window and not on the length of the log.
 *
 * <p>Requests arrive roughly in time order. They are buffered until the newest time seen is {@code
 * reorderMs} past the end of the oldest open window; that window is then closed: its requests are
 * sorted by time (ties: source, then arrival), ranked, and replayed by every replay. A request
 * for a window already closed is <em>late</em>: counted, never replayed. So a request is placed
 * exactly as long as it is at most {@code reorderMs} older than the newest request before it.
 *
 * <p>Retained between windows: the requests of the next window buffered so far, the previous
 * window's URLs (their weights and its ranking) and the URLs the caches hold. URL ids are recycled
 * once nothing refers to them.
 *
 * <p>Feed it from one thread; call {@link #finish()} once, then {@link #close()}.
 */
public final class WindowedReplay implements AutoCloseable {

  /** Ranks one window's URLs. */
  @FunctionalInterface
  public interface Ranker {
    /**
     * Returns positions into the arrays (each of length {@code n}), best first, at most as many
     * as the largest swept size.
     */
    int[] rank(String[] urls, long[] requests, long[] bytes, int n);
  }

  /** A window's totals. */
  public record WindowTotals(long startMs, long requests, long bytes, int distinctUrls) {}

  private final Set<String> methods;
  private final boolean[] statusAllowed;
  private final long windowMs;
  private final long reorderMs;
  private final int maxWindows;
  private final ToLongFunction<String> maxAgeOf;
  private final Ranker ranker;
  private final List<Replay> replays;
  private final ExecutorService pool;

  // URL ids: interned strings, recycled.
  private final Map<String, Integer> ids = new HashMap<>();
  private String[] urlOf = new String[0];
  private int[] free = new int[0];
  private int freeCount;
  private int nextId;
  private long[] maxAge = new long[0];
  private long[] curMax = new long[0];
  private long[] prevMax = new long[0];
  private long[] count = new long[0];
  private long[] sum = new long[0];
  private boolean[] live = new boolean[0];
  private final DistinctEstimate distinct = new DistinctEstimate();

  // Requests buffered, not yet replayed.
  private long[] pTime = new long[1024];
  private int[] pId = new int[1024];
  private long[] pBytes = new long[1024];
  private int[] pSource = new int[1024];
  private int pending;

  private final Window window = new Window();
  private int[] wSource = new int[0];
  private int[] touched = new int[0];
  private int[] prevTouched = new int[0];
  private int prevTouchedCount;

  private boolean started;
  private boolean closedAny;
  private long first;
  private long next;
  private long watermark = Long.MIN_VALUE;
  private long minTime = Long.MAX_VALUE;
  private long maxTime = Long.MIN_VALUE;
  private final List<WindowTotals> totals = new ArrayList<>();

  private long recordsSeen;
  private long untimed;
  private long otherMethod;
  private long otherStatus;
  private long requests;
  private long late;
  private long latestLate = Long.MIN_VALUE;
  private int peakPending;
  private int peakIds;

  /**
   * @param methods methods replayed; others are counted and skipped
   * @param statuses statuses replayed (unknown ones too); others are counted and skipped
   * @param windowMs window length
   * @param reorderMs how much older than the newest request a request may be and still be placed
   *     exactly; at most {@code windowMs}
   * @param maxWindows the most windows
   * @param maxAgeOf per URL, milliseconds a copy stays fresh
   * @param ranker ranks each window
   * @param replays the replays, advanced together
   * @param workers threads replaying a window in parallel
   */
  public WindowedReplay(Set<String> methods, Set<Integer> statuses, long windowMs, long reorderMs,
      int maxWindows, ToLongFunction<String> maxAgeOf, Ranker ranker, List<Replay> replays,
      int workers) {
    if (reorderMs < 0 || reorderMs > windowMs) {
      throw new IllegalArgumentException("reorder must be between 0 and the window");
    }
    this.methods = Set.copyOf(methods);
    this.statusAllowed = new boolean[600];
    statuses.forEach(s -> statusAllowed[s] = true);
    this.windowMs = windowMs;
    this.reorderMs = reorderMs;
    this.maxWindows = maxWindows;
    this.maxAgeOf = maxAgeOf;
    this.ranker = ranker;
    this.replays = List.copyOf(replays);
    int threads = Math.min(workers, this.replays.size());
    this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "preheat-simulate");
      t.setDaemon(true);
      return t;
    });
  }

  /** Accepts one record from source {@code source} (ties in time go to the lower source). */
  public void accept(TrafficRecord r, int source) {
    recordsSeen++;
    if (!r.hasTimestamp()) {
      untimed++;
      return;
    }
    if (!methods.contains(r.method())) {
      otherMethod++;
      return;
    }
    int status = r.status();
    if (status != TrafficRecord.UNKNOWN_STATUS
        && (status < 0 || status >= statusAllowed.length || !statusAllowed[status])) {
      otherStatus++;
      return;
    }
    long t = r.epochMillis();
    long w = Math.floorDiv(t, windowMs);
    if (closedAny && w < next) {
      late += r.count();
      latestLate = Math.max(latestLate, t);
      return;
    }
    int id = intern(r.url());
    // A record standing for several requests (never from a log line) is replayed as that many
    // requests at its time, its bytes split evenly.
    long n = r.count();
    long each = r.bytes() / n;
    long firstBytes = r.bytes() - each * (n - 1);
    for (long c = 0; c < n; c++) {
      add(t, id, c == 0 ? firstBytes : each, source);
    }
    if (!started) {
      started = true;
      next = w;
    } else if (!closedAny && w < next) {
      next = w;
    }
    if (t > watermark) {
      watermark = t;
      while (watermark - reorderMs >= (next + 1) * windowMs) {
        closeWindow();
      }
    }
  }

  private int intern(String url) {
    Integer known = ids.get(url);
    if (known != null) {
      return known;
    }
    int id;
    if (freeCount > 0) {
      id = free[--freeCount];
    } else {
      if (nextId == urlOf.length) {
        grow(Math.max(1024, nextId + (nextId >> 1)));
      }
      id = nextId++;
      peakIds = Math.max(peakIds, nextId);
    }
    ids.put(url, id);
    urlOf[id] = url;
    maxAge[id] = maxAgeOf.applyAsLong(url);
    distinct.add(url);
    return id;
  }

  private void grow(int cap) {
    urlOf = Arrays.copyOf(urlOf, cap);
    maxAge = Arrays.copyOf(maxAge, cap);
    curMax = Arrays.copyOf(curMax, cap);
    prevMax = Arrays.copyOf(prevMax, cap);
    count = Arrays.copyOf(count, cap);
    sum = Arrays.copyOf(sum, cap);
    window.weights = Arrays.copyOf(window.weights, cap);
  }

  private void add(long t, int id, long b, int source) {
    if (pending == pTime.length) {
      if (pending == Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("more than " + pending + " requests in one window;"
            + " use a shorter window");
      }
      int cap = (int) Math.min(Integer.MAX_VALUE - 8L, pending * 2L);
      pTime = Arrays.copyOf(pTime, cap);
      pId = Arrays.copyOf(pId, cap);
      pBytes = Arrays.copyOf(pBytes, cap);
      pSource = Arrays.copyOf(pSource, cap);
    }
    pTime[pending] = t;
    pId[pending] = id;
    pBytes[pending] = b;
    pSource[pending] = source;
    pending++;
    peakPending = Math.max(peakPending, pending);
    requests++;
    minTime = Math.min(minTime, t);
    maxTime = Math.max(maxTime, t);
  }

  /**
   * Closes the remaining windows.
   *
   * @throws IllegalArgumentException if no request could be replayed, or they span a single
   *     window
   */
  public void finish() {
    if (!started) {
      throw new IllegalArgumentException("no request to replay: no GET or HEAD request with"
          + " status 200 or 304 and a timestamp was read (" + recordsSeen + " records: "
          + untimed + " without timestamp, " + otherMethod + " other methods, " + otherStatus
          + " other statuses)");
    }
    long last = Math.floorDiv(watermark, windowMs);
    while (next <= last) {
      closeWindow();
    }
    if (totals.size() < 2) {
      throw new IllegalArgumentException("the requests span a single window of "
          + java.time.Duration.ofMillis(windowMs) + " (from "
          + java.time.Instant.ofEpochMilli(minTime) + " to "
          + java.time.Instant.ofEpochMilli(maxTime)
          + "): nothing to evaluate, since warming needs a previous window; use a shorter window");
    }
  }

  /** Closes window {@code next}: sorts, ranks, replays, then forgets what is no longer needed. */
  private void closeWindow() {
    long abs = next;
    if (!closedAny) {
      closedAny = true;
      first = abs;
    }
    if (abs - first >= maxWindows) {
      throw new IllegalArgumentException("the log spans more than " + maxWindows
          + " windows of " + java.time.Duration.ofMillis(windowMs) + " (the limit; from "
          + java.time.Instant.ofEpochMilli(first * windowMs) + " to at least "
          + java.time.Instant.ofEpochMilli(watermark) + "); use a longer window");
    }
    int k = (int) (abs - first);
    Window w = window;
    // Move this window's requests out of the buffer, keeping the rest in order.
    int n = 0;
    for (int i = 0; i < pending; i++) {
      if (Math.floorDiv(pTime[i], windowMs) == abs) {
        n++;
      }
    }
    if (w.times.length < n) {
      int cap = Math.max(n, w.times.length + (w.times.length >> 1));
      w.times = new long[cap];
      w.urls = new int[cap];
      w.bytes = new long[cap];
      wSource = new int[cap];
    }
    int o = 0;
    int kept = 0;
    for (int i = 0; i < pending; i++) {
      if (Math.floorDiv(pTime[i], windowMs) == abs) {
        w.times[o] = pTime[i];
        w.urls[o] = pId[i];
        w.bytes[o] = pBytes[i];
        wSource[o] = pSource[i];
        o++;
      } else {
        pTime[kept] = pTime[i];
        pId[kept] = pId[i];
        pBytes[kept] = pBytes[i];
        pSource[kept] = pSource[i];
        kept++;
      }
    }
    pending = kept;
    sortWindow(n);

    // Aggregate per URL: requests, bytes, largest body.
    if (touched.length < n) {
      touched = new int[Math.max(n, touched.length + (touched.length >> 1))];
    }
    int distinctUrls = 0;
    long windowBytes = 0;
    for (int i = 0; i < n; i++) {
      int id = w.urls[i];
      if (count[id]++ == 0) {
        touched[distinctUrls++] = id;
      }
      sum[id] += w.bytes[i];
      curMax[id] = Math.max(curMax[id], w.bytes[i]);
      windowBytes += w.bytes[i];
    }
    long[] weights = w.weights;
    for (int j = 0; j < prevTouchedCount; j++) {
      int id = prevTouched[j];
      weights[id] = prevMax[id];
    }
    for (int j = 0; j < distinctUrls; j++) {
      int id = touched[j];
      weights[id] = Math.max(prevMax[id], curMax[id]);
    }
    int[] top = new int[0];
    if (distinctUrls > 0) {
      String[] urls = new String[distinctUrls];
      long[] reqs = new long[distinctUrls];
      long[] sums = new long[distinctUrls];
      for (int j = 0; j < distinctUrls; j++) {
        int id = touched[j];
        urls[j] = urlOf[id];
        reqs[j] = count[id];
        sums[j] = sum[id];
      }
      int[] ranked = ranker.rank(urls, reqs, sums, distinctUrls);
      top = new int[ranked.length];
      for (int r = 0; r < ranked.length; r++) {
        top[r] = touched[ranked[r]];
      }
    }

    w.index = k;
    w.startMs = abs * windowMs;
    w.requests = n;
    w.maxAges = maxAge;
    w.previousTop = w.top;
    w.top = top;
    w.idCapacity = nextId;
    replayAll(w);
    totals.add(new WindowTotals(w.startMs, n, windowBytes, distinctUrls));

    // This window becomes the previous one.
    for (int j = 0; j < prevTouchedCount; j++) {
      prevMax[prevTouched[j]] = 0;
    }
    for (int j = 0; j < distinctUrls; j++) {
      int id = touched[j];
      prevMax[id] = curMax[id];
      curMax[id] = 0;
      count[id] = 0;
      sum[id] = 0;
    }
    int[] swap = prevTouched;
    prevTouched = touched;
    touched = swap;
    prevTouchedCount = distinctUrls;
    next = abs + 1;
    collect();
  }

  /** Frees the ids nothing refers to any more. */
  private void collect() {
    if (live.length < nextId) {
      live = new boolean[urlOf.length];
    } else {
      Arrays.fill(live, 0, nextId, false);
    }
    for (int j = 0; j < prevTouchedCount; j++) {
      live[prevTouched[j]] = true;
    }
    for (int i = 0; i < pending; i++) {
      live[pId[i]] = true;
    }
    for (Replay r : replays) {
      r.dropIfPurged();
      r.markStored(live);
    }
    for (int id = 0; id < nextId; id++) {
      if (!live[id] && urlOf[id] != null) {
        ids.remove(urlOf[id]);
        urlOf[id] = null;
        if (freeCount == free.length) {
          free = Arrays.copyOf(free, Math.max(1024, freeCount * 2));
        }
        free[freeCount++] = id;
      }
    }
  }

  /** Sorts the window's requests by time, then source; stable, so arrival order breaks ties. */
  private void sortWindow(int n) {
    Window w = window;
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = w.times[i - 1] < w.times[i]
          || (w.times[i - 1] == w.times[i] && wSource[i - 1] <= wSource[i]);
    }
    if (sorted) {
      return;
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int[] buffer = new int[n];
    long[] time = w.times;
    int[] src = wSource;
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int a = lo;
        int b = mid;
        int o = lo;
        while (a < mid && b < hi) {
          int x = order[a];
          int y = order[b];
          boolean takeB = time[y] < time[x] || (time[y] == time[x] && src[y] < src[x]);
          buffer[o++] = takeB ? order[b++] : order[a++];
        }
        while (a < mid) {
          buffer[o++] = order[a++];
        }
        while (b < hi) {
          buffer[o++] = order[b++];
        }
      }
      int[] swap = order;
      order = buffer;
      buffer = swap;
    }
    long[] t2 = new long[w.times.length];
    int[] u2 = new int[w.times.length];
    long[] b2 = new long[w.times.length];
    for (int i = 0; i < n; i++) {
      t2[i] = time[order[i]];
      u2[i] = w.urls[order[i]];
      b2[i] = w.bytes[order[i]];
    }
    w.times = t2;
    w.urls = u2;
    w.bytes = b2;
  }

  private void replayAll(Window w) {
    if (pool == null) {
      for (Replay r : replays) {
        r.replay(w);
      }
      return;
    }
    List<Callable<Void>> tasks = new ArrayList<>(replays.size());
    for (Replay r : replays) {
      tasks.add(() -> {
        r.replay(w);
        return null;
      });
    }
    try {
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("simulation interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("replay failed: " + cause, cause);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /** The windows closed so far, in order. */
  public List<WindowTotals> windows() {
    return List.copyOf(totals);
  }

  /** Records received. */
  public long recordsSeen() {
    return recordsSeen;
  }

  /** Records without a timestamp, skipped. */
  public long untimed() {
    return untimed;
  }

  /** Records with another method, skipped. */
  public long otherMethod() {
    return otherMethod;
  }

  /** Records with another status, skipped. */
  public long otherStatus() {
    return otherStatus;
  }

  /** Requests replayed. */
  public long requests() {
    return requests;
  }

  /** Requests skipped because they arrived after their window was replayed. */
  public long late() {
    return late;
  }

  /** The time of the latest late request, epoch milliseconds ({@code Long.MIN_VALUE}: none). */
  public long latestLate() {
    return latestLate;
  }

  /** Distinct URLs among the replayed requests, see {@link #distinctUrlsExact()}. */
  public long distinctUrls() {
    return distinct.estimate();
  }

  /** Whether {@link #distinctUrls()} is exact (up to 50,000) rather than estimated. */
  public boolean distinctUrlsExact() {
    return distinct.isExact();
  }

  /** The most requests buffered at once (the memory bound, in requests). */
  public int peakBufferedRequests() {
    return peakPending;
  }

  /** The most URL ids in use at once (the memory bound, in URLs). */
  public int peakUrlIds() {
    return peakIds;
  }
}
