package dev.preheat.simulate;

import dev.preheat.hotset.Weight;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Simulator} replays and how: window length, the hotset sizes to sweep, the simulated
 * cache (LRU capacity in entries and/or bytes, TTLs), whether the cache is purged at each window
 * start, the recommendation threshold and the prices. Immutable and thread-safe; built by {@link
 * #builder()}.
 */
public final class SimulationSettings {

  /** Default window length: 24 hours. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

  /** Default sweep: 10, 30, 100, ... 100,000 (sizes above a window's distinct URLs are dropped). */
  public static final List<Integer> DEFAULT_SIZES =
      List.of(10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000);

  /**
   * Default recommendation threshold: a size is worth it while each extra warm request it adds
   * spares users at least 0.5 misses.
   */
  public static final double DEFAULT_MIN_GAIN = 0.5;

  /** The largest hotset size (and sweep length) accepted. */
  public static final int MAX_SIZE = 10_000_000;

  /** The most sizes in one sweep. */
  public static final int MAX_SIZES = 64;

  /**
   * Default reorder allowance: a request logged up to 10 minutes before one read ahead of it is
   * still replayed in time order (capped at the window length).
   */
  public static final Duration DEFAULT_REORDER = Duration.ofMinutes(10);

  /** The most windows a log may be cut into. */
  public static final int MAX_WINDOWS = 10_000;

  private final Duration window;
  private final List<Integer> sizes;
  private final boolean sizesGiven;
  private final long maxEntries;
  private final long maxBytes;
  private final @Nullable Duration defaultTtl;
  private final List<TtlRule> ttlRules;
  private final Map<String, Duration> maxAges;
  private final boolean purgeEachWindow;
  private final Weight weight;
  private final double minGain;
  private final CostModel costs;
  private final int workers;
  private final Duration reorder;

  private SimulationSettings(Builder b) {
    window = b.window == null ? DEFAULT_WINDOW : b.window;
    sizesGiven = b.sizes != null;
    sizes = b.sizes == null ? DEFAULT_SIZES : b.sizes;
    maxEntries = Math.max(0, b.maxEntries);
    maxBytes = Math.max(0, b.maxBytes);
    defaultTtl = b.defaultTtl;
    ttlRules = b.ttlRules == null ? List.of() : b.ttlRules;
    maxAges = b.maxAges == null ? Map.of() : b.maxAges;
    purgeEachWindow = b.purgeEachWindow == null || b.purgeEachWindow;
    weight = b.weight == null ? Weight.REQUESTS : b.weight;
    minGain = Double.isNaN(b.minGain) ? DEFAULT_MIN_GAIN : b.minGain;
    costs = b.costs == null ? CostModel.defaults() : b.costs;
    workers = b.workers > 0 ? b.workers : Runtime.getRuntime().availableProcessors();
    if (b.reorder != null && b.reorder.compareTo(window) > 0) {
      throw new IllegalArgumentException("reorder (" + b.reorder
          + ") must not be longer than the window (" + window + ")");
    }
    reorder = b.reorder != null ? b.reorder
        : DEFAULT_REORDER.compareTo(window) > 0 ? window : DEFAULT_REORDER;
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The default settings. */
  public static SimulationSettings defaults() {
    return builder().build();
  }

  /**
   * The window length. Windows are aligned to multiples of it since the Unix epoch (24 hours: UTC
   * midnights); the hotset warmed at the start of a window is mined from the window before it.
   */
  public Duration window() {
    return window;
  }

  /** The hotset sizes swept, ascending and distinct. */
  public List<Integer> sizes() {
    return sizes;
  }

  /**
   * Whether {@link #sizes()} were given explicitly. Default sizes larger than the most distinct
   * URLs of any window are dropped from the sweep (they would repeat the last point); given sizes
   * are always kept.
   */
  public boolean sizesGiven() {
    return sizesGiven;
  }

  /** The LRU capacity in entries; 0 for unlimited. */
  public long maxEntries() {
    return maxEntries;
  }

  /**
   * The LRU capacity in bytes; 0 for unlimited. A copy weighs the largest body logged for its URL
   * in the window it is stored in and the window before.
   */
  public long maxBytes() {
    return maxBytes;
  }

  /** The max-age of URLs no rule or per-URL max-age covers; null for "fresh forever". */
  public @Nullable Duration defaultTtl() {
    return defaultTtl;
  }

  /** Max-age rules, first match wins; consulted after {@link #maxAges()}. */
  public List<TtlRule> ttlRules() {
    return ttlRules;
  }

  /** Known max-ages of individual canonical URLs; they win over rules and the default. */
  public Map<String, Duration> maxAges() {
    return maxAges;
  }

  /**
   * Whether the cache is emptied at the start of every window (a deploy or purge per window, the
   * event warming is for; default true). When false the cache runs on across windows and only
   * evictions and expiry make room for warming to help.
   */
  public boolean purgeEachWindow() {
    return purgeEachWindow;
  }

  /** What the hotset ranks URLs by: requests (default) or bytes. */
  public Weight weight() {
    return weight;
  }

  /**
   * The recommendation threshold: the recommended size is the largest swept size up to which
   * every step added at least this many avoided misses per extra warm request.
   */
  public double minGain() {
    return minGain;
  }

  /** The prices used for the return on investment. */
  public CostModel costs() {
    return costs;
  }

  /** Threads replaying sizes in parallel. */
  public int workers() {
    return workers;
  }

  /**
   * The reorder allowance. Logs are read as a stream, window by window (merged by time when
   * several are given), and a window is replayed once a request this far past its end has been
   * read. A request read after that, for that window, is late: counted ({@link
   * SimulationResult#lateRequests()}) and skipped. So a request at most this much older than the
   * newest request read before it is always replayed in exact time order. Requests of the next
   * window are buffered for this long past a window's end, so memory grows with it.
   */
  public Duration reorder() {
    return reorder;
  }

  /**
   * The max-age of {@code url}: its known max-age, else the first matching rule's, else the
   * default; null for "fresh forever".
   */
  public @Nullable Duration maxAgeOf(String url) {
    Duration known = maxAges.get(url);
    if (known != null) {
      return known;
    }
    for (TtlRule r : ttlRules) {
      if (r.matches(url)) {
        return r.maxAge();
      }
    }
    return defaultTtl;
  }

  @Override
  public String toString() {
    return "SimulationSettings{window=" + window + ", sizes=" + sizes
        + ", maxEntries=" + (maxEntries == 0 ? "unlimited" : maxEntries)
        + ", maxBytes=" + (maxBytes == 0 ? "unlimited" : maxBytes)
        + ", defaultTtl=" + (defaultTtl == null ? "unlimited" : defaultTtl)
        + ", ttlRules=" + ttlRules + ", maxAges=" + maxAges.size() + " URLs"
        + ", purgeEachWindow=" + purgeEachWindow + ", weight=" + weight + ", minGain=" + minGain
        + ", costs=" + costs + ", workers=" + workers + ", reorder=" + reorder + "}";
  }

  /**
   * Builds {@link SimulationSettings}. Every setting may be set once; a second call fails, as does
   * an invalid value, at the call. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable Duration window;
    private @Nullable List<Integer> sizes;
    private long maxEntries = -1;
    private long maxBytes = -1;
    private @Nullable Duration defaultTtl;
    private boolean defaultTtlSet;
    private @Nullable List<TtlRule> ttlRules;
    private @Nullable Map<String, Duration> maxAges;
    private @Nullable Boolean purgeEachWindow;
    private @Nullable Weight weight;
    private double minGain = Double.NaN;
    private @Nullable CostModel costs;
    private int workers = -1;
    private @Nullable Duration reorder;

    private Builder() {}

    private static void once(boolean unset, String what, @Nullable Object was) {
      if (!unset) {
        throw new IllegalStateException(what + " was already set to " + was);
      }
    }

    /**
     * The window length (default {@link #DEFAULT_WINDOW}).
     *
     * @throws IllegalArgumentException if shorter than one second
     * @throws IllegalStateException if already set
     */
    public Builder window(Duration length) {
      Objects.requireNonNull(length, "length");
      once(window == null, "window", window);
      if (length.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("window must be at least 1s but was " + length);
      }
      window = length;
      return this;
    }

    /**
     * The hotset sizes to sweep (default {@link #DEFAULT_SIZES}); sorted and deduplicated.
     *
     * @throws IllegalArgumentException if none is given, more than {@link #MAX_SIZES}, or one is
     *     not between 1 and {@link #MAX_SIZE}
     * @throws IllegalStateException if already set
     */
    public Builder sizes(int... sizes) {
      once(this.sizes == null, "sizes", this.sizes);
      if (sizes.length == 0 || sizes.length > MAX_SIZES) {
        throw new IllegalArgumentException(
            "sizes must name between 1 and " + MAX_SIZES + " sizes but named " + sizes.length);
      }
      int[] copy = sizes.clone();
      Arrays.sort(copy);
      List<Integer> list = new ArrayList<>();
      for (int s : copy) {
        if (s < 1 || s > MAX_SIZE) {
          throw new IllegalArgumentException(
              "sizes must be between 1 and " + MAX_SIZE + " but one was " + s);
        }
        if (list.isEmpty() || list.get(list.size() - 1) != s) {
          list.add(s);
        }
      }
      this.sizes = List.copyOf(list);
      return this;
    }

    /**
     * Limits the LRU cache to {@code entries} URLs (default unlimited).
     *
     * @throws IllegalArgumentException if {@code entries < 1}
     * @throws IllegalStateException if already set
     */
    public Builder maxEntries(long entries) {
      once(maxEntries < 0, "maxEntries", maxEntries);
      if (entries < 1) {
        throw new IllegalArgumentException("maxEntries must be > 0 but was " + entries);
      }
      maxEntries = entries;
      return this;
    }

    /**
     * Limits the LRU cache to {@code bytes} (default unlimited). A URL weighs the largest response
     * body logged for it; one larger than the whole cache is never stored.
     *
     * @throws IllegalArgumentException if {@code bytes < 1}
     * @throws IllegalStateException if already set
     */
    public Builder maxBytes(long bytes) {
      once(maxBytes < 0, "maxBytes", maxBytes);
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBytes must be > 0 but was " + bytes);
      }
      maxBytes = bytes;
      return this;
    }

    /**
     * The max-age of URLs no rule covers (default: fresh forever). {@link Duration#ZERO} means
     * such URLs are never stored.
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder defaultTtl(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      once(!defaultTtlSet, "defaultTtl", defaultTtl);
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("defaultTtl must be >= 0 but was " + maxAge);
      }
      defaultTtl = maxAge;
      defaultTtlSet = true;
      return this;
    }

    /**
     * Max-age rules by URL pattern, first match wins.
     *
     * @throws IllegalStateException if already set
     */
    public Builder ttlRules(List<TtlRule> rules) {
      once(ttlRules == null, "ttlRules", ttlRules);
      ttlRules = List.copyOf(rules);
      return this;
    }

    /**
     * Known max-ages of individual canonical URLs (e.g. the {@code s-maxage} or {@code max-age}
     * their responses carry); they win over rules and the default.
     *
     * @throws IllegalArgumentException if a max-age is negative
     * @throws IllegalStateException if already set
     */
    public Builder maxAges(Map<String, Duration> maxAges) {
      once(this.maxAges == null, "maxAges", this.maxAges == null ? null : this.maxAges.size());
      Map<String, Duration> copy = new LinkedHashMap<>();
      maxAges.forEach((url, age) -> {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(age, "max-age");
        if (age.isNegative()) {
          throw new IllegalArgumentException("max-age of " + url + " must be >= 0 but was " + age);
        }
        copy.put(url, age);
      });
      this.maxAges = Map.copyOf(copy);
      return this;
    }

    /**
     * Whether the cache is emptied at every window start (default true).
     *
     * @throws IllegalStateException if already set
     */
    public Builder purgeEachWindow(boolean purge) {
      once(purgeEachWindow == null, "purgeEachWindow", purgeEachWindow);
      purgeEachWindow = purge;
      return this;
    }

    /**
     * What the hotset ranks by (default {@link Weight#REQUESTS}).
     *
     * @throws IllegalStateException if already set
     */
    public Builder weight(Weight weight) {
      Objects.requireNonNull(weight, "weight");
      once(this.weight == null, "weight", this.weight);
      this.weight = weight;
      return this;
    }

    /**
     * The recommendation threshold in avoided misses per extra warm request (default {@link
     * #DEFAULT_MIN_GAIN}).
     *
     * @throws IllegalArgumentException if negative, NaN or infinite
     * @throws IllegalStateException if already set
     */
    public Builder minGain(double missesPerWarmRequest) {
      once(Double.isNaN(minGain), "minGain", minGain);
      if (!(missesPerWarmRequest >= 0) || Double.isInfinite(missesPerWarmRequest)) {
        throw new IllegalArgumentException(
            "minGain must be a finite number >= 0 but was " + missesPerWarmRequest);
      }
      minGain = missesPerWarmRequest;
      return this;
    }

    /**
     * The prices (default {@link CostModel#defaults()}).
     *
     * @throws IllegalStateException if already set
     */
    public Builder costs(CostModel costs) {
      Objects.requireNonNull(costs, "costs");
      once(this.costs == null, "costs", this.costs);
      this.costs = costs;
      return this;
    }

    /**
     * Threads replaying sizes in parallel (default: available processors).
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     * @throws IllegalStateException if already set
     */
    public Builder workers(int threads) {
      once(workers < 0, "workers", workers);
      if (threads < 1) {
        throw new IllegalArgumentException("workers must be > 0 but was " + threads);
      }
      workers = threads;
      return this;
    }

    /**
     * The reorder allowance (default {@link #DEFAULT_REORDER}, capped at the window); see {@link
     * SimulationSettings#reorder()}.
     *
     * @throws IllegalArgumentException if negative ({@link #build()} also rejects one longer than
     *     the window)
     * @throws IllegalStateException if already set
     */
    public Builder reorder(Duration allowance) {
      Objects.requireNonNull(allowance, "allowance");
      once(reorder == null, "reorder", reorder);
      if (allowance.isNegative()) {
        throw new IllegalArgumentException("reorder must not be negative but was " + allowance);
      }
      reorder = allowance;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException if the reorder allowance is longer than the window
     */
    public SimulationSettings build() {
      return new SimulationSettings(this);
    }
  }
}
