package dev.preheat.simulate;

import dev.preheat.hotset.Hotset;
import dev.preheat.hotset.HotsetEntry;
import dev.preheat.hotset.HotsetSelector;
import dev.preheat.internal.simulate.Replay;
import dev.preheat.internal.simulate.Trace;
import dev.preheat.source.LogReader;
import dev.preheat.source.ReadStats;
import dev.preheat.source.TrafficRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Answers "how big should my hotset be, and is it worth it?" by replaying an access log through a
 * simulated cache.
 *
 * <pre>{@code
 * SimulationResult result = Simulator.of(SimulationSettings.builder()
 *         .window(Duration.ofHours(24)).sizes(100, 1_000, 10_000).maxEntries(50_000).build())
 *     .simulate(LogReader.builder().format(LogFormat.combined()).build(), List.of(log));
 * result.recommended().ifPresent(p -> System.out.println(p.size()));
 * }</pre>
 *
 * <p>The model, in order:
 *
 * <ol>
 *   <li><b>Requests.</b> GET and HEAD requests answered 200 or 304 that carry a timestamp (the
 *       same demand the {@link HotsetSelector} counts; the log reader's user-agent filter applies
 *       first). Others are counted and skipped. Requests are replayed in time order; requests
 *       with the same timestamp keep their order in the log (files in the order given).
 *   <li><b>Windows</b> of {@link SimulationSettings#window()}, aligned to multiples of it since
 *       the epoch. The first window is never evaluated: it only provides the first hotset.
 *   <li><b>Cache.</b> LRU, limited by entries and/or bytes (a URL weighs the largest body logged
 *       for it), each URL fresh for its max-age after it was stored ({@link
 *       SimulationSettings#maxAgeOf}). A request for a fresh copy is a hit and makes it most
 *       recently used; any other request is a miss that stores the URL. With {@link
 *       SimulationSettings#purgeEachWindow()} (default) the cache is empty at each window start.
 *   <li><b>Warming.</b> At the start of window k the top N URLs of window k−1 (by {@link
 *       HotsetSelector} ranking: weight descending, then URL) are requested in rank order at the
 *       window's start time: a fresh copy is a hit (and becomes most recently used), anything else
 *       is fetched and stored. Every one is a warm request; its bytes are the URL's largest logged
 *       body.
 *   <li><b>Oracle.</b> The same, warming window k's own top N: the best any hotset of N URLs
 *       could do.
 *   <li><b>Figures</b> are summed over the evaluated windows; the gain of a size is its extra
 *       avoided misses per extra warm request over the previous size, and the recommended size is
 *       the last one before the gain first falls below {@link SimulationSettings#minGain()}.
 * </ol>
 *
 * <p>Memory is about 20 bytes per request plus the distinct URLs, whatever the number of sizes:
 * the log is parsed once into compact arrays and every size replays them. A simulator is
 * immutable and thread-safe.
 */
public final class Simulator {

  private final SimulationSettings settings;

  private Simulator(SimulationSettings settings) {
    this.settings = settings;
  }

  /** A simulator with these settings. */
  public static Simulator of(SimulationSettings settings) {
    return new Simulator(Objects.requireNonNull(settings, "settings"));
  }

  /** The settings. */
  public SimulationSettings settings() {
    return settings;
  }

  /**
   * Reads {@code files} with {@code reader} and simulates. The files are read on the calling
   * thread, in order, so that requests logged in the same second keep their order.
   *
   * @throws IOException if a file cannot be read; the message names it
   * @throws IllegalArgumentException if no request can be replayed, or the log does not span at
   *     least two windows (the message says what to change)
   */
  public SimulationResult simulate(LogReader reader, List<Path> files) throws IOException {
    Objects.requireNonNull(reader, "reader");
    Trace trace = newTrace();
    ReadStats stats = reader.read(files, trace);
    return run(trace, stats);
  }

  /**
   * Simulates over records given directly (in log order).
   *
   * @throws NullPointerException if {@code records} or a record is null
   * @throws IllegalArgumentException if no request can be replayed, or the records do not span
   *     at least two windows
   */
  public SimulationResult simulate(Iterable<TrafficRecord> records) {
    Trace trace = newTrace();
    for (TrafficRecord r : records) {
      trace.accept(Objects.requireNonNull(r, "record"));
    }
    return run(trace, ReadStats.empty());
  }

  private static Trace newTrace() {
    return new Trace(HotsetSelector.DEFAULT_METHODS, HotsetSelector.DEFAULT_STATUSES);
  }

  private SimulationResult run(Trace trace, ReadStats stats) {
    long windowMs = settings.window().toMillis();
    trace.seal(windowMs, SimulationSettings.MAX_WINDOWS);
    int windows = trace.windows();
    if (windows < 2) {
      throw new IllegalArgumentException("the requests span a single window of "
          + settings.window() + " (from " + Instant.ofEpochMilli(trace.time(0)) + " to "
          + Instant.ofEpochMilli(trace.time(trace.requests() - 1))
          + "): nothing to evaluate, since warming needs a previous window; use a shorter window");
    }
    int distinct = trace.distinctUrls();
    long[] maxAge = new long[distinct];
    for (int id = 0; id < distinct; id++) {
      Duration age = settings.maxAgeOf(trace.urlOf(id));
      maxAge[id] = age == null ? Long.MAX_VALUE : millis(age);
    }

    int[] distinctPerWindow = new int[windows];
    long[] bytesPerWindow = new long[windows];
    int largest = settings.sizes().get(settings.sizes().size() - 1);
    int[][] top = rankWindows(trace, largest, distinctPerWindow, bytesPerWindow);
    int maxDistinct = 0;
    for (int d : distinctPerWindow) {
      maxDistinct = Math.max(maxDistinct, d);
    }
    List<Integer> sizes = new ArrayList<>();
    List<Integer> dropped = new ArrayList<>();
    for (int s : settings.sizes()) {
      boolean beyond = !sizes.isEmpty() && sizes.get(sizes.size() - 1) >= maxDistinct;
      if (settings.sizesGiven() || !beyond) {
        sizes.add(s);
      } else {
        dropped.add(s);
      }
    }

    int[][] previous = new int[windows][];
    for (int k = 1; k < windows; k++) {
      previous[k] = top[k - 1];
    }
    long maxEntries = settings.maxEntries() == 0 ? Long.MAX_VALUE : settings.maxEntries();
    long maxBytes = settings.maxBytes() == 0 ? Long.MAX_VALUE : settings.maxBytes();
    boolean purge = settings.purgeEachWindow();
    List<java.util.concurrent.Callable<long[][]>> tasks = new ArrayList<>();
    tasks.add(() -> Replay.run(trace, maxAge, maxEntries, maxBytes, purge, null, 0));
    for (int s : sizes) {
      tasks.add(() -> Replay.run(trace, maxAge, maxEntries, maxBytes, purge, previous, s));
      tasks.add(() -> Replay.run(trace, maxAge, maxEntries, maxBytes, purge, top, s));
    }
    List<long[][]> rows = runAll(tasks);

    List<SimulatedWindow> windowList = new ArrayList<>();
    long[] requestsPerWindow = new long[windows];
    for (int k = 0; k < windows; k++) {
      requestsPerWindow[k] = trace.windowStart(k + 1) - trace.windowStart(k);
      windowList.add(new SimulatedWindow(k, Instant.ofEpochMilli(trace.windowStartMs(k)),
          Instant.ofEpochMilli(trace.windowStartMs(k + 1)), requestsPerWindow[k],
          bytesPerWindow[k], distinctPerWindow[k], k > 0));
    }
    CostModel costs = settings.costs();
    CacheFigures baseline = figures(rows.get(0), requestsPerWindow, bytesPerWindow);
    List<SweepPoint> points = new ArrayList<>();
    long prevHits = baseline.hits();
    long prevWarm = 0;
    int recommended = 0;
    boolean chain = true;
    for (int i = 0; i < sizes.size(); i++) {
      CacheFigures warmed = figures(rows.get(1 + 2 * i), requestsPerWindow, bytesPerWindow);
      CacheFigures oracle = figures(rows.get(2 + 2 * i), requestsPerWindow, bytesPerWindow);
      long extraWarm = warmed.warmRequests() - prevWarm;
      double gain = extraWarm == 0 ? Double.NaN : (double) (warmed.hits() - prevHits) / extraWarm;
      if (chain && !Double.isNaN(gain)) {
        if (gain >= settings.minGain()) {
          recommended = sizes.get(i);
        } else {
          chain = false;
        }
      }
      points.add(new SweepPoint(sizes.get(i), warmed, oracle, gain,
          Roi.of(costs, baseline, warmed), Roi.of(costs, baseline, oracle)));
      prevHits = warmed.hits();
      prevWarm = warmed.warmRequests();
    }
    return new SimulationResult(settings, stats, trace.recordsSeen(), trace.requests(),
        trace.untimed(), trace.otherMethod(), trace.otherStatus(), distinct, windowList, baseline,
        points, dropped, recommended);
  }

  private static long millis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Ranks each window's URLs with a {@link HotsetSelector} (one aggregated record per URL, exact
   * counting) and keeps the top {@code largest} as URL ids.
   */
  private int[][] rankWindows(Trace trace, int largest, int[] distinctOut, long[] bytesOut) {
    int windows = trace.windows();
    int[][] top = new int[windows][];
    int[] count = new int[trace.distinctUrls()];
    long[] bytes = new long[trace.distinctUrls()];
    int[] touched = new int[trace.distinctUrls()];
    Map<String, Integer> ids = new HashMap<>();
    for (int k = 0; k < windows; k++) {
      int touchedCount = 0;
      long windowBytes = 0;
      for (int i = trace.windowStart(k), end = trace.windowStart(k + 1); i < end; i++) {
        int id = trace.url(i);
        if (count[id]++ == 0) {
          touched[touchedCount++] = id;
        }
        bytes[id] += trace.bytes(i);
        windowBytes += trace.bytes(i);
      }
      distinctOut[k] = touchedCount;
      bytesOut[k] = windowBytes;
      if (touchedCount == 0) {
        top[k] = new int[0];
        continue;
      }
      List<TrafficRecord> records = new ArrayList<>(touchedCount);
      long estimate = 0;
      for (int j = 0; j < touchedCount; j++) {
        int id = touched[j];
        String url = trace.urlOf(id);
        records.add(new TrafficRecord("GET", url, TrafficRecord.UNKNOWN_STATUS, bytes[id],
            TrafficRecord.NO_TIMESTAMP, null, count[id]));
        estimate += 2L * url.length() + HotsetSelector.ESTIMATED_ENTRY_OVERHEAD_BYTES + 64;
        count[id] = 0;
        bytes[id] = 0;
      }
      int n = Math.min(largest, touchedCount);
      Hotset hotset = HotsetSelector.builder()
          .top(n).max(n)
          .weight(settings.weight())
          // Exact counting: the window is already aggregated, one record per URL.
          .memoryBudget(Math.max(HotsetSelector.DEFAULT_MEMORY_BUDGET, 2 * estimate))
          .build()
          .select(records);
      int[] ranked = new int[hotset.size()];
      ids.clear();
      for (int j = 0; j < touchedCount; j++) {
        ids.put(records.get(j).url(), touched[j]);
      }
      int r = 0;
      for (HotsetEntry e : hotset.entries()) {
        ranked[r++] = ids.get(e.url());
      }
      top[k] = ranked;
    }
    return top;
  }

  private List<long[][]> runAll(List<java.util.concurrent.Callable<long[][]>> tasks) {
    int threads = Math.min(settings.workers(), tasks.size());
    if (threads <= 1) {
      List<long[][]> out = new ArrayList<>();
      for (var t : tasks) {
        try {
          out.add(t.call());
        } catch (Exception e) {
          throw new IllegalStateException("replay failed: " + e, e);
        }
      }
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "preheat-simulate");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<long[][]>> futures = pool.invokeAll(tasks);
      List<long[][]> out = new ArrayList<>();
      for (Future<long[][]> f : futures) {
        out.add(f.get());
      }
      return out;
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
    } finally {
      pool.shutdownNow();
    }
  }

  private static CacheFigures figures(long[][] rows, long[] requestsPerWindow,
      long[] bytesPerWindow) {
    long requests = 0;
    long bytes = 0;
    long[] sums = new long[5];
    List<WindowFigures> perWindow = new ArrayList<>();
    for (int k = 1; k < requestsPerWindow.length; k++) {
      requests += requestsPerWindow[k];
      bytes += bytesPerWindow[k];
      for (int r = 0; r < 5; r++) {
        sums[r] += rows[r][k];
      }
      perWindow.add(new WindowFigures(k, rows[Replay.HITS][k], rows[Replay.HIT_BYTES][k],
          rows[Replay.WARM_REQUESTS][k], rows[Replay.WARM_BYTES][k], rows[Replay.WARM_FILLS][k]));
    }
    return new CacheFigures(requests, sums[Replay.HITS], bytes, sums[Replay.HIT_BYTES],
        sums[Replay.WARM_REQUESTS], sums[Replay.WARM_BYTES], sums[Replay.WARM_FILLS], perWindow);
  }
}
