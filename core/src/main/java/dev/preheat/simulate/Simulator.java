package dev.preheat.simulate;

import dev.preheat.hotset.HotsetSelector;
import dev.preheat.hotset.Weight;
import dev.preheat.internal.simulate.LogMerge;
import dev.preheat.internal.simulate.Replay;
import dev.preheat.internal.simulate.WindowedReplay;
import dev.preheat.source.LogReader;
import dev.preheat.source.ReadStats;
import dev.preheat.source.TrafficRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 *       with the same timestamp keep their order in the log (files in the order given). The log
 *       is read as a stream: a request read after one that is {@link
 *       SimulationSettings#reorder()} or more past the end of its window comes after its window
 *       was replayed; it is counted as late ({@link SimulationResult#lateRequests()}), never
 *       replayed. So a request at most that much older than every request before it is exact.
 *   <li><b>Windows</b> of {@link SimulationSettings#window()}, aligned to multiples of it since
 *       the epoch. The first window is never evaluated: it only provides the first hotset.
 *   <li><b>Cache.</b> LRU, limited by entries and/or bytes (a copy weighs the largest body logged
 *       for its URL in the window it is stored in and the one before), each URL fresh for its
 *       max-age after it was stored ({@link SimulationSettings#maxAgeOf}). A request for a fresh
 *       copy is a hit and makes it most recently used; any other request is a miss that stores
 *       the URL. With {@link SimulationSettings#purgeEachWindow()} (default) the cache is empty
 *       at each window start.
 *   <li><b>Warming.</b> At the start of window k the top N URLs of window k−1 (by {@link
 *       HotsetSelector} ranking: weight descending, then URL) are requested in rank order at the
 *       window's start time: a fresh copy is a hit (and becomes most recently used), anything else
 *       is fetched and stored. Every one is a warm request; its bytes are the largest body logged
 *       for the URL in windows k−1 and k.
 *   <li><b>Oracle.</b> The same, warming window k's own top N: the best any hotset of N URLs
 *       could do.
 *   <li><b>Figures</b> are summed over the evaluated windows; the gain of a size is its extra
 *       avoided misses per extra warm request over the previous size, and the recommended size is
 *       the last one before the gain first falls below {@link SimulationSettings#minGain()}.
 * </ol>
 *
 * <p>Memory is bounded by the window, not by the length of the log: the log is read as a stream
 * (several files merged by time) and every replay (no warming, each size, each oracle) advances
 * together one window at a time. Held at once, at most:
 *
 * <ul>
 *   <li>the requests of the window being replayed plus those of the next window read so far (at
 *       most {@link SimulationSettings#reorder()} of it): under 120 bytes each while the window
 *       is sorted, with the growable arrays' slack;
 *   <li>the URLs in use: those of this window and the previous one, and those the caches hold
 *       (with {@link SimulationSettings#purgeEachWindow()} false, up to the cache capacity; with
 *       no capacity either, every URL stored so far). Each costs its string, about 110 bytes of
 *       tables, and 24 bytes per replay (1 + 2 × sizes replays);
 *   <li>per file, up to four batches of records in flight (16,384 records shared by the files,
 *       at least 64 per file);
 *   <li>the first 50,000 distinct URLs, to count them exactly (then a 16 KiB estimate);
 *   <li>in the result, five figures per window and replay.
 * </ul>
 *
 * <p>A simulator is immutable and thread-safe.
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
   * Reads {@code files} with {@code reader} and simulates. The files are read at once, one thread
   * each, and merged by time (ties: the file given first); within a file, requests of the same
   * time keep their order.
   *
   * @throws IOException if a file cannot be read; the message names it
   * @throws IllegalArgumentException if no request can be replayed, or the log does not span at
   *     least two windows (the message says what to change)
   */
  public SimulationResult simulate(LogReader reader, List<Path> files) throws IOException {
    Objects.requireNonNull(reader, "reader");
    List<Path> copy = List.copyOf(files);
    try (Run run = new Run()) {
      ReadStats stats = LogMerge.read(reader, copy, run.replay::accept);
      return run.result(stats);
    }
  }

  /**
   * Simulates over records given directly (in log order).
   *
   * @throws NullPointerException if {@code records} or a record is null
   * @throws IllegalArgumentException if no request can be replayed, or the records do not span
   *     at least two windows
   */
  public SimulationResult simulate(Iterable<TrafficRecord> records) {
    try (Run run = new Run()) {
      for (TrafficRecord r : records) {
        run.replay.accept(Objects.requireNonNull(r, "record"), 0);
      }
      return run.result(ReadStats.empty());
    }
  }

  /** One simulation: the replays of the sweep and the stream feeding them. */
  private final class Run implements AutoCloseable {
    final List<Integer> sizes = settings.sizes();
    final Replay baseline;
    final List<Replay> warmed = new ArrayList<>();
    final List<Replay> oracles = new ArrayList<>();
    final WindowedReplay replay;

    Run() {
      long maxEntries = settings.maxEntries() == 0 ? Long.MAX_VALUE : settings.maxEntries();
      long maxBytes = settings.maxBytes() == 0 ? Long.MAX_VALUE : settings.maxBytes();
      boolean purge = settings.purgeEachWindow();
      List<Replay> all = new ArrayList<>();
      baseline = new Replay(maxEntries, maxBytes, purge, Replay.Warming.NONE, 0);
      all.add(baseline);
      for (int s : sizes) {
        Replay w = new Replay(maxEntries, maxBytes, purge, Replay.Warming.PREVIOUS, s);
        Replay o = new Replay(maxEntries, maxBytes, purge, Replay.Warming.ORACLE, s);
        warmed.add(w);
        oracles.add(o);
        all.add(w);
        all.add(o);
      }
      int largest = sizes.get(sizes.size() - 1);
      replay = new WindowedReplay(HotsetSelector.DEFAULT_METHODS,
          HotsetSelector.DEFAULT_STATUSES, settings.window().toMillis(),
          settings.reorder().toMillis(), SimulationSettings.MAX_WINDOWS,
          url -> {
            Duration age = settings.maxAgeOf(url);
            return age == null ? Long.MAX_VALUE : millis(age);
          },
          (urls, requests, bytes, n) -> rank(urls, requests, bytes, n, largest), all,
          settings.workers());
    }

    SimulationResult result(ReadStats stats) {
      replay.finish();
      List<WindowedReplay.WindowTotals> totals = replay.windows();
      int windows = totals.size();
      int maxDistinct = 0;
      long windowMs = settings.window().toMillis();
      List<SimulatedWindow> windowList = new ArrayList<>();
      long[] requestsPerWindow = new long[windows];
      long[] bytesPerWindow = new long[windows];
      for (int k = 0; k < windows; k++) {
        WindowedReplay.WindowTotals t = totals.get(k);
        requestsPerWindow[k] = t.requests();
        bytesPerWindow[k] = t.bytes();
        maxDistinct = Math.max(maxDistinct, t.distinctUrls());
        windowList.add(new SimulatedWindow(k, Instant.ofEpochMilli(t.startMs()),
            Instant.ofEpochMilli(t.startMs() + windowMs), t.requests(), t.bytes(),
            t.distinctUrls(), k > 0));
      }
      CostModel costs = settings.costs();
      CacheFigures base = figures(baseline.rows(), requestsPerWindow, bytesPerWindow);
      List<SweepPoint> points = new ArrayList<>();
      List<Integer> dropped = new ArrayList<>();
      long prevHits = base.hits();
      long prevWarm = 0;
      int recommended = 0;
      boolean chain = true;
      for (int i = 0; i < sizes.size(); i++) {
        boolean beyond = !points.isEmpty()
            && points.get(points.size() - 1).size() >= maxDistinct;
        if (!settings.sizesGiven() && beyond) {
          // Every window warmed all its URLs at the previous size already: the same point.
          dropped.add(sizes.get(i));
          continue;
        }
        CacheFigures w = figures(warmed.get(i).rows(), requestsPerWindow, bytesPerWindow);
        CacheFigures o = figures(oracles.get(i).rows(), requestsPerWindow, bytesPerWindow);
        long extraWarm = w.warmRequests() - prevWarm;
        double gain = extraWarm == 0 ? Double.NaN : (double) (w.hits() - prevHits) / extraWarm;
        if (chain && !Double.isNaN(gain)) {
          if (gain >= settings.minGain()) {
            recommended = sizes.get(i);
          } else {
            chain = false;
          }
        }
        points.add(new SweepPoint(sizes.get(i), w, o, gain, Roi.of(costs, base, w),
            Roi.of(costs, base, o)));
        prevHits = w.hits();
        prevWarm = w.warmRequests();
      }
      long distinct = replay.distinctUrls();
      return new SimulationResult(settings, stats, replay.recordsSeen(), replay.requests(),
          replay.untimed(), replay.otherMethod(), replay.otherStatus(),
          (int) Math.min(Integer.MAX_VALUE, distinct), replay.distinctUrlsExact(), replay.late(),
          windowList, base, points, dropped, recommended, replay.peakBufferedRequests(),
          replay.peakUrlIds());
    }

    @Override
    public void close() {
      replay.close();
    }
  }

  private static long millis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Ranks one window's URLs as a {@link HotsetSelector} counting exactly does (weight descending,
   * then URL), without its per-entry bookkeeping, and keeps the top {@code largest} positions.
   */
  private int[] rank(String[] urls, long[] requests, long[] bytes, int n, int largest) {
    long[] weight = settings.weight() == Weight.BYTES ? bytes : requests;
    Integer[] order = new Integer[n];
    for (int j = 0; j < n; j++) {
      order[j] = j;
    }
    Arrays.sort(order, (a, b) -> {
      int byWeight = Long.compare(weight[b], weight[a]);
      return byWeight != 0 ? byWeight : urls[a].compareTo(urls[b]);
    });
    int[] ranked = new int[Math.min(largest, n)];
    for (int r = 0; r < ranked.length; r++) {
      ranked[r] = order[r];
    }
    return ranked;
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
