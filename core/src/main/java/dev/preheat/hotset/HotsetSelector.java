package dev.preheat.hotset;

import dev.preheat.source.TrafficRecord;
import dev.preheat.source.TrafficSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Selects the hotset, the URLs worth warming, from observed traffic and curated lists.
 *
 * <pre>{@code
 * HotsetSelector selector = HotsetSelector.builder()
 *     .coverage(0.8).max(10_000)
 *     .window(Duration.ofHours(24), LogReader.latestTimestamp(files))
 *     .sustain(2, 3).maxNewEntries(50)
 *     .build();
 * HotsetSelector.Tally tally = selector.newTally();
 * LogReader.read(files, tally::newSink);
 * Hotset hotset = tally.select(List.of(BlendList.of("sitemap", sitemapUrls)));
 * }</pre>
 *
 * <p>The pipeline, in order:
 *
 * <ol>
 *   <li><b>Demand.</b> A record counts as demand if its method is one of {@link
 *       Builder#methods(String...)} (default {@link #DEFAULT_METHODS}), its status one of {@link
 *       Builder#statuses(int...)} (default {@link #DEFAULT_STATUSES}) or {@link
 *       TrafficRecord#UNKNOWN_STATUS} (counts CSV, lists), and no exclude pattern {@linkplain
 *       java.util.regex.Matcher#find() finds} a match in its path (the URL up to {@code ?}).
 *       Every other record is counted by {@link FilterReason}.
 *   <li><b>Windows.</b> With {@link Builder#window(Duration, Instant)}, window 0 (the latest)
 *       covers {@code (end - length, end]}, window i covers {@code (end - (i+1)·length, end -
 *       i·length]}. There are n windows for {@code sustain(k, n)}, else 2 when only {@code
 *       maxNewEntries} is set (it needs the previous window), else 1. Records after {@code end} or
 *       before the oldest window are counted as outside ({@link FilterReason#AFTER_WINDOW}, {@link
 *       FilterReason#BEFORE_WINDOW}). Records without a timestamp count in the latest window and
 *       are reported ({@link Hotset#untimedRecords()}).
 *   <li><b>Counting.</b> Exact per URL until the estimated memory ({@code 2·url.length() +}
 *       {@value #ESTIMATED_ENTRY_OVERHEAD_BYTES} {@code + 32·windows} bytes per distinct URL)
 *       would exceed {@link Builder#memoryBudget(long)}; then the sink that hit the limit switches
 *       to a {@link HeavyHitters} sketch per window holding as many URLs as its share of the budget
 *       did. Sinks draw the budget in chunks of 1/{@value MemoryPool#CHUNKS}, so busier workers get
 *       a larger share; each sketch holds at least {@value #MIN_SKETCH_CAPACITY} URLs and at most
 *       {@value #COUNTERS_PER_SELECTED_ENTRY} per entry the selection can return ({@code min(top,
 *       max)}), which bounds memory and time on logs with millions of distinct URLs.
 *   <li><b>Top set of a window.</b> Rank its URLs by weight descending, then URL ascending; take
 *       entries until {@code top} entries are taken, or {@code coverage} of the window's total
 *       weight is reached, or {@code max} entries are taken, whichever comes first.
 *   <li><b>Traffic selection.</b> The top-set rule on the latest window, where an entry that is in
 *       the top set of fewer than k of the n windows ({@code sustain}) is skipped, and at most
 *       {@code maxNewEntries} entries not in the previous window's top set are taken.
 *   <li><b>Blending.</b> Non-expired {@link BlendList}s with a priority above {@link
 *       BlendList#TRAFFIC_PRIORITY} come first, then the traffic selection, then the other lists
 *       (priority descending, then list name). Duplicates keep their first position and gain the
 *       provenance of every source that listed them. An absolute list URL whose host is one of
 *       {@link Builder#sameSiteHosts(String...)} is keyed by its path and query, so it matches the
 *       origin-form URL in logs.
 *   <li><b>Hard cap.</b> The first {@code max} entries are kept.
 * </ol>
 *
 * <p>Every limit that cut something is reported in {@link Hotset#clamps()}.
 *
 * <p>Instances are immutable and thread-safe; a {@link Tally} is not (see there).
 */
public final class HotsetSelector {

  /**
   * Sketch counters kept per entry the selection can return ({@code min(top, max)}) in bounded
   * mode: 16 gave recall of at least 0.99 of the exact top entries on Zipf traffic
   * (s = 1.0 to 1.2); more only cost time and memory.
   */
  public static final int COUNTERS_PER_SELECTED_ENTRY = 16;

  /** Default hard cap on the number of selected entries. */
  public static final int DEFAULT_MAX = 10_000;

  /** Default counting memory budget: 64 MiB (about 300k distinct URLs counted exactly). */
  public static final long DEFAULT_MEMORY_BUDGET = 64L << 20;

  /** Estimated bytes per distinct URL besides its characters: map entry, counters, headers. */
  public static final int ESTIMATED_ENTRY_OVERHEAD_BYTES = 100;

  /** The smallest sketch a sink switches to, however little budget is left. */
  public static final int MIN_SKETCH_CAPACITY = 1_024;

  /** The largest number of windows. */
  public static final int MAX_WINDOWS = 64;

  /** Default demand methods: GET and HEAD. */
  public static final Set<String> DEFAULT_METHODS = Set.of("GET", "HEAD");

  /** Default demand statuses: 200 and 304. */
  public static final Set<Integer> DEFAULT_STATUSES = Set.of(200, 304);

  /** Default weight: {@link Weight#REQUESTS}. */
  public static final Weight DEFAULT_WEIGHT = Weight.REQUESTS;

  final double coverage;
  final int top;
  final int max;
  final @Nullable Duration windowLength;
  final @Nullable Instant windowEnd;
  final int windowCount;
  final int sustainK;
  final int maxNewEntries;
  final Weight weight;
  final long memoryBudget;
  final Clock clock;
  final Set<String> methods;
  final Set<Integer> statuses;
  final boolean[] statusAllowed;
  final List<Pattern> excludes;
  final Set<String> sameSiteHosts;

  /** The most traffic entries a selection can return: {@code min(top, max)}. */
  int selectable() {
    return top == UNSET ? max : Math.min(top, max);
  }

  private HotsetSelector(Builder b) {
    coverage = b.coverage;
    top = b.top;
    max = b.max == UNSET ? DEFAULT_MAX : b.max;
    windowLength = b.windowLength;
    windowEnd = b.windowEnd;
    sustainK = b.sustainK == UNSET ? 0 : b.sustainK;
    maxNewEntries = b.maxNewEntries;
    windowCount = b.sustainN != UNSET ? b.sustainN : maxNewEntries != UNSET ? 2 : 1;
    weight = b.weight == null ? DEFAULT_WEIGHT : b.weight;
    memoryBudget = b.memoryBudget == UNSET ? DEFAULT_MEMORY_BUDGET : b.memoryBudget;
    clock = b.clock == null ? Clock.systemUTC() : b.clock;
    methods = b.methods == null ? DEFAULT_METHODS : b.methods;
    statuses = b.statuses == null ? DEFAULT_STATUSES : b.statuses;
    statusAllowed = new boolean[600];
    statuses.forEach(s -> statusAllowed[s] = true);
    excludes = b.excludes == null ? List.of() : b.excludes;
    sameSiteHosts = b.sameSiteHosts == null ? Set.of() : b.sameSiteHosts;
  }

  private static final int UNSET = -1;

  /** A new builder with all defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A new tally for one selection run. Thread-safe.
   *
   * @return a tally whose {@link Tally#newSink()} hands out one sink per worker
   */
  public Tally newTally() {
    return new Tally(this);
  }

  /**
   * Selects from {@code records} on the calling thread, without blend lists.
   *
   * @throws NullPointerException if {@code records} or a record is null
   */
  public Hotset select(Iterable<TrafficRecord> records) {
    return select(records, List.of());
  }

  /**
   * Selects from {@code records} on the calling thread and blends {@code lists} in.
   *
   * @throws NullPointerException if an argument, a record or a list is null
   */
  public Hotset select(Iterable<TrafficRecord> records, List<BlendList> lists) {
    Tally tally = newTally();
    TrafficSink sink = tally.newSink();
    for (TrafficRecord r : records) {
      sink.accept(Objects.requireNonNull(r, "record"));
    }
    return tally.select(lists);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("HotsetSelector{");
    if (coverage > 0) {
      sb.append("coverage=").append(coverage).append(", ");
    }
    if (top > 0) {
      sb.append("top=").append(top).append(", ");
    }
    sb.append("max=").append(max);
    if (windowLength != null) {
      sb.append(", window=").append(windowLength).append(" x ").append(windowCount)
          .append(" ending ").append(windowEnd);
    }
    if (sustainK > 0) {
      sb.append(", sustain=").append(sustainK).append('/').append(windowCount);
    }
    if (maxNewEntries != UNSET) {
      sb.append(", maxNewEntries=").append(maxNewEntries);
    }
    sb.append(", weight=").append(weight)
        .append(", memoryBudget=").append(memoryBudget)
        .append(", methods=").append(new TreeSet<>(methods))
        .append(", statuses=").append(new TreeSet<>(statuses));
    if (!excludes.isEmpty()) {
      sb.append(", exclude=").append(excludes);
    }
    if (!sameSiteHosts.isEmpty()) {
      sb.append(", sameSiteHosts=").append(sameSiteHosts);
    }
    return sb.append('}').toString();
  }

  /**
   * One selection run: per-worker sinks that count independently, merged by {@link #select}.
   *
   * <p>{@link #newSink()} is thread-safe. Each sink must be fed by one thread at a time, and all
   * feeding must have finished (and be visible, e.g. by joining the worker threads) before {@link
   * #select} is called. A tally selects once.
   */
  public static final class Tally {
    private final HotsetSelector config;
    private final MemoryPool pool;
    private final ConcurrentLinkedQueue<CountingSink> sinks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean selected = new AtomicBoolean();

    Tally(HotsetSelector config) {
      this.config = config;
      this.pool = new MemoryPool(config.memoryBudget);
    }

    /**
     * A new sink for one worker thread. Thread-safe; fast enough to call once per worker.
     *
     * @throws IllegalStateException if this tally already selected
     */
    public TrafficSink newSink() {
      if (selected.get()) {
        throw new IllegalStateException("this tally already selected; start a new tally");
      }
      CountingSink sink = new CountingSink(config, pool);
      sinks.add(sink);
      return sink;
    }

    /**
     * Merges what all sinks counted and selects the hotset, blending {@code lists} in.
     *
     * @param lists blend lists; expired ones are ignored and reported
     * @throws NullPointerException if {@code lists} or a list is null
     * @throws IllegalStateException if this tally already selected
     */
    public Hotset select(List<BlendList> lists) {
      List<BlendList> copy = List.copyOf(lists);
      if (!selected.compareAndSet(false, true)) {
        throw new IllegalStateException("this tally already selected; start a new tally");
      }
      return new Selection(config, new ArrayList<>(sinks), copy).run();
    }
  }

  /**
   * Builds a {@link HotsetSelector}. Every setting may be set once; arguments are validated when
   * set. Not thread-safe.
   */
  public static final class Builder {
    private double coverage = UNSET;
    private int top = UNSET;
    private int max = UNSET;
    private @Nullable Duration windowLength;
    private @Nullable Instant windowEnd;
    private int sustainK = UNSET;
    private int sustainN = UNSET;
    private int maxNewEntries = UNSET;
    private @Nullable Weight weight;
    private long memoryBudget = UNSET;
    private @Nullable Clock clock;
    private @Nullable Set<String> methods;
    private @Nullable Set<Integer> statuses;
    private @Nullable List<Pattern> excludes;
    private @Nullable Set<String> sameSiteHosts;

    private Builder() {}

    private static void once(boolean unset, String what, Object was) {
      if (!unset) {
        throw new IllegalStateException(what + " was already set to " + was);
      }
    }

    /**
     * Select the fewest entries that cover this share of the latest window's demand weight.
     *
     * @throws IllegalArgumentException if {@code share} is not in {@code (0, 1]}
     * @throws IllegalStateException if already set
     */
    public Builder coverage(double share) {
      once(coverage == UNSET, "coverage", coverage);
      if (!(share > 0.0 && share <= 1.0)) {
        throw new IllegalArgumentException("coverage must be in (0, 1] but was " + share);
      }
      coverage = share;
      return this;
    }

    /**
     * Select at most the {@code k} heaviest traffic entries (with {@code coverage}: whichever
     * stops first).
     *
     * @throws IllegalArgumentException if {@code k < 1}
     * @throws IllegalStateException if already set
     */
    public Builder top(int k) {
      once(top == UNSET, "top", top);
      if (k < 1) {
        throw new IllegalArgumentException("top must be > 0 but was " + k);
      }
      top = k;
      return this;
    }

    /**
     * The hard cap on all entries, traffic and lists; default {@link HotsetSelector#DEFAULT_MAX}.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     * @throws IllegalStateException if already set
     */
    public Builder max(int n) {
      once(max == UNSET, "max", max);
      if (n < 1) {
        throw new IllegalArgumentException("max must be > 0 but was " + n);
      }
      max = n;
      return this;
    }

    /**
     * Count only demand in the window of {@code length} ending at {@code end} (inclusive); pass
     * the log's last timestamp or an explicit instant.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code length} is not positive or below 1 ms
     * @throws IllegalStateException if already set
     */
    public Builder window(Duration length, Instant end) {
      once(windowLength == null, "window", windowLength + " ending " + windowEnd);
      Objects.requireNonNull(length, "length");
      Objects.requireNonNull(end, "end");
      if (length.toMillis() < 1) {
        throw new IllegalArgumentException("window length must be >= 1ms but was " + length);
      }
      windowLength = length;
      windowEnd = end;
      return this;
    }

    /**
     * Sustained popularity: an entry qualifies only if it is in the top set of at least {@code k}
     * of the last {@code n} windows. Requires {@link #window}.
     *
     * @throws IllegalArgumentException unless {@code 1 <= k <= n <= MAX_WINDOWS}
     * @throws IllegalStateException if already set
     */
    public Builder sustain(int k, int n) {
      once(sustainK == UNSET, "sustain", sustainK + "/" + sustainN);
      if (n < 1 || n > MAX_WINDOWS || k < 1 || k > n) {
        throw new IllegalArgumentException(
            "sustain needs 1 <= k <= n <= " + MAX_WINDOWS + " but was " + k + "/" + n);
      }
      sustainK = k;
      sustainN = n;
      return this;
    }

    /**
     * At most {@code n} selected traffic entries that were not in the previous window's top set.
     * Requires {@link #window}.
     *
     * @throws IllegalArgumentException if {@code n < 0}
     * @throws IllegalStateException if already set
     */
    public Builder maxNewEntries(int n) {
      once(maxNewEntries == UNSET, "maxNewEntries", maxNewEntries);
      if (n < 0) {
        throw new IllegalArgumentException("maxNewEntries must be >= 0 but was " + n);
      }
      maxNewEntries = n;
      return this;
    }

    /**
     * What a request weighs; default {@link Weight#REQUESTS}.
     *
     * @throws NullPointerException if {@code w} is null
     * @throws IllegalStateException if already set
     */
    public Builder weight(Weight w) {
      once(weight == null, "weight", String.valueOf(weight));
      weight = Objects.requireNonNull(w, "weight");
      return this;
    }

    /**
     * Memory for exact counting before switching to a bounded sketch; default 64 MiB.
     *
     * @throws IllegalArgumentException if {@code bytes < 1}
     * @throws IllegalStateException if already set
     */
    public Builder memoryBudget(long bytes) {
      once(memoryBudget == UNSET, "memoryBudget", memoryBudget);
      if (bytes < 1) {
        throw new IllegalArgumentException("memoryBudget must be > 0 but was " + bytes);
      }
      memoryBudget = bytes;
      return this;
    }

    /**
     * The clock that decides whether blend lists expired; default the UTC system clock.
     *
     * @throws NullPointerException if {@code c} is null
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock c) {
      once(clock == null, "clock", String.valueOf(clock));
      clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * The request methods that count as demand (case-insensitive); default GET and HEAD.
     *
     * @throws NullPointerException if a method is null
     * @throws IllegalArgumentException if none or a blank one is given
     * @throws IllegalStateException if already set
     */
    public Builder methods(String... names) {
      once(methods == null, "methods", String.valueOf(methods));
      if (names.length == 0) {
        throw new IllegalArgumentException("methods must name at least one method");
      }
      Set<String> set = new LinkedHashSet<>();
      for (String m : names) {
        Objects.requireNonNull(m, "method");
        if (m.isBlank()) {
          throw new IllegalArgumentException("methods must not contain a blank method");
        }
        set.add(m.strip().toUpperCase(Locale.ROOT));
      }
      methods = Set.copyOf(set);
      return this;
    }

    /**
     * The response statuses that count as demand; default 200 and 304. Records with {@link
     * TrafficRecord#UNKNOWN_STATUS} always count.
     *
     * @throws IllegalArgumentException if none is given or one is outside {@code [100, 599]}
     * @throws IllegalStateException if already set
     */
    public Builder statuses(int... codes) {
      once(statuses == null, "statuses", String.valueOf(statuses));
      if (codes.length == 0) {
        throw new IllegalArgumentException("statuses must name at least one status");
      }
      Set<Integer> set = new TreeSet<>();
      for (int c : codes) {
        if (c < 100 || c > 599) {
          throw new IllegalArgumentException("status must be in [100, 599] but was " + c);
        }
        set.add(c);
      }
      statuses = Set.copyOf(set);
      return this;
    }

    /**
     * Paths to exclude: a record whose path (URL up to {@code ?}) contains a match of any of these
     * regular expressions ({@link java.util.regex.Matcher#find()} semantics) is not demand.
     *
     * @throws NullPointerException if a pattern is null
     * @throws IllegalArgumentException if a pattern does not compile; the message names it
     * @throws IllegalStateException if already set
     */
    public Builder excludePaths(String... regexes) {
      once(excludes == null, "excludePaths", String.valueOf(excludes));
      List<Pattern> list = new ArrayList<>();
      for (String r : regexes) {
        Objects.requireNonNull(r, "exclude pattern");
        try {
          list.add(Pattern.compile(r));
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "exclude pattern '" + r + "' is not a valid regular expression: "
                  + e.getDescription(), e);
        }
      }
      excludes = List.copyOf(list);
      return this;
    }

    /**
     * Hosts whose absolute list URLs are the same entries as origin-form log URLs: {@code
     * https://www.example.com/a?b} from a list matches {@code /a?b} from a log when {@code
     * www.example.com} is given. Compared case-insensitively, ignoring scheme and port.
     *
     * @throws NullPointerException if a host is null
     * @throws IllegalArgumentException if a host is blank or contains {@code /} or {@code :}
     * @throws IllegalStateException if already set
     */
    public Builder sameSiteHosts(String... hosts) {
      once(sameSiteHosts == null, "sameSiteHosts", String.valueOf(sameSiteHosts));
      Set<String> set = new LinkedHashSet<>();
      for (String h : hosts) {
        Objects.requireNonNull(h, "host");
        if (h.isBlank() || h.indexOf('/') >= 0 || h.indexOf(':') >= 0) {
          throw new IllegalArgumentException(
              "sameSiteHosts takes bare host names like www.example.com but got '" + h + "'");
        }
        set.add(h.strip().toLowerCase(Locale.ROOT));
      }
      sameSiteHosts = Set.copyOf(set);
      return this;
    }

    /**
     * Builds the selector.
     *
     * @throws IllegalStateException if {@code sustain} or {@code maxNewEntries} is set without a
     *     {@code window}
     */
    public HotsetSelector build() {
      if (windowLength == null && (sustainK != UNSET || maxNewEntries != UNSET)) {
        throw new IllegalStateException(
            "sustain and maxNewEntries compare windows; set window(length, end) too");
      }
      return new HotsetSelector(this);
    }
  }
}
