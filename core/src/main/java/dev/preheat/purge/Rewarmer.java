package dev.preheat.purge;

import dev.preheat.spi.Purger;
import dev.preheat.internal.warm.Redactor;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.WarmListener;
import dev.preheat.spi.WarmScheduler;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmRun;
import dev.preheat.warm.WarmVariant;
import dev.preheat.warm.Warmer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns content-change events into purge-then-warm: {@link #onChange} takes changed URLs and
 * tags; after a debounce window the rewarmer resolves tags to URLs through the {@link
 * TagRegistry}, purges them with each {@link Purger} in order (list the shield first: an edge
 * purged before its shield would refill from the shield's stale copy), and only then re-warms the
 * purged URLs through a {@link Warmer} in the background.
 *
 * <ul>
 *   <li><b>Coalescing</b>: every change arriving within the {@link Builder#debounce debounce}
 *       window of the first one is handled in one batch, so a URL changed five times in a second
 *       is purged and warmed once.
 *   <li><b>Single flight per URL</b>: a URL being purged or warmed is never in two batches; a
 *       change to it meanwhile is kept and handled in a later batch (it may postdate the purge).
 *   <li><b>Rate cap</b>: batches hold at most {@link Builder#maxBatch} URLs, and batches are
 *       spaced so that on average at most {@link Builder#maxUrlsPerSecond} URLs per second are
 *       purged and warmed; the warmer's own rate limit applies within a batch. At most {@link
 *       Builder#maxPending} items wait; beyond that changes are rejected and reported.
 *   <li><b>Failure</b>: a URL that a purger failed to purge is not passed to later purgers and
 *       not warmed; a URL whose re-warm fails stays purged (a miss is better than stale content).
 *       Both are reported in the {@link RewarmBatch}, never silently dropped.
 * </ul>
 *
 * <pre>{@code
 * TagRegistry tags = TagRegistry.inMemory(100_000);
 * Rewarmer rewarmer = Rewarmer.builder()
 *     .warmer(events -> Warmer.builder().transport(transport)
 *         .listener(WarmListener.composite(events, TagRecorder.of(tags))).build())
 *     .purgers(List.of(shieldPurger, edgePurger))
 *     .tagRegistry(tags)
 *     .build();
 * rewarmer.onChange(List.of(), List.of("product-42"));
 * }</pre>
 *
 * <p>Thread-safe. Time comes from the injected {@link WarmScheduler}, so tests run on a fake
 * clock. Its log lines hide URL query values; listeners get the real URLs. The rewarmer does not own the purgers or the warmer's transport: close them yourself.
 */
public final class Rewarmer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Rewarmer.class);

  /** Default debounce window: 1 s. */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofSeconds(1);
  /** Default rate cap: {@value} URLs per second. */
  public static final double DEFAULT_MAX_URLS_PER_SECOND = 50;
  /** Default batch size cap: {@value} URLs. */
  public static final int DEFAULT_MAX_BATCH = 1000;
  /** Default bound on waiting URLs and tags: {@value}. */
  public static final int DEFAULT_MAX_PENDING = 100_000;

  private final Warmer warmer;
  private final List<Purger> purgers;
  private final @Nullable TagRegistry registry;
  private final WarmScheduler scheduler;
  private final Duration debounce;
  private final double maxUrlsPerSecond;
  private final int maxBatch;
  private final int maxPending;
  private final boolean soft;
  private final List<WarmVariant> variants;
  private final RewarmListener listener;

  // Guarded by this.
  private final LinkedHashSet<URI> pendingUrls = new LinkedHashSet<>();
  private final LinkedHashSet<String> pendingTags = new LinkedHashSet<>();
  private final Map<URI, Batch> inFlight = new HashMap<>();
  private final Set<Batch> batches = new HashSet<>();
  private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
  private WarmScheduler.@Nullable Cancellable flush;
  private long nextAllowedNanos = Long.MIN_VALUE;
  private boolean closed;

  private Rewarmer(Builder b) {
    this.scheduler = b.scheduler == null ? WarmScheduler.system() : b.scheduler;
    this.purgers = List.copyOf(b.purgers);
    this.registry = b.registry;
    this.debounce = b.debounce == null ? DEFAULT_DEBOUNCE : b.debounce;
    this.maxUrlsPerSecond = b.maxUrlsPerSecond == null ? DEFAULT_MAX_URLS_PER_SECOND
        : b.maxUrlsPerSecond;
    this.maxBatch = b.maxBatch == null ? DEFAULT_MAX_BATCH : b.maxBatch;
    this.maxPending = b.maxPending == null ? DEFAULT_MAX_PENDING : b.maxPending;
    this.soft = b.soft;
    this.variants = List.copyOf(b.variants);
    this.listener = b.listener == null ? RewarmListener.NONE : b.listener;
    this.warmer = Objects.requireNonNull(
        Objects.requireNonNull(b.warmerFactory, "warmer is required: call warmer(...)")
            .apply(new Events()), "the warmer factory returned null");
  }

  /** A builder; {@link Builder#warmer} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Changed URLs; see {@link #onChange(Collection, Collection)}. */
  public void urlsChanged(Collection<URI> urls) {
    onChange(urls, List.of());
  }

  /** Changed tags; see {@link #onChange(Collection, Collection)}. */
  public void tagsChanged(Collection<String> tags) {
    onChange(List.of(), tags);
  }

  /**
   * Records that {@code urls} and the content tagged {@code tags} changed. Returns at once; the
   * purge and re-warm happen after the debounce window. Invalid items and items beyond the
   * pending bound are rejected one by one and reported to the {@link RewarmListener}; the others
   * are accepted.
   *
   * @throws IllegalStateException if the rewarmer was closed
   */
  public void onChange(Collection<URI> urls, Collection<String> tags) {
    List<URI> okUrls = new ArrayList<>(urls.size());
    for (URI u : urls) {
      try {
        okUrls.add(PurgeRequest.checkUrl(u));
      } catch (IllegalArgumentException | NullPointerException e) {
        reject(String.valueOf(u), e.getMessage());
      }
    }
    List<String> okTags = new ArrayList<>(tags.size());
    for (String t : tags) {
      try {
        okTags.add(PurgeRequest.checkTag(t));
      } catch (IllegalArgumentException | NullPointerException e) {
        reject(String.valueOf(t), e.getMessage());
      }
    }
    List<String> full = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the rewarmer was closed; changes are no longer taken");
      }
      for (URI u : okUrls) {
        if (!pendingUrls.contains(u) && pendingUrls.size() + pendingTags.size() >= maxPending) {
          full.add(u.toString());
        } else {
          pendingUrls.add(u);
        }
      }
      for (String t : okTags) {
        if (!pendingTags.contains(t) && pendingUrls.size() + pendingTags.size() >= maxPending) {
          full.add(t);
        } else {
          pendingTags.add(t);
        }
      }
      scheduleFlushLocked();
    }
    for (String item : full) {
      reject(item, "the pending queue is full (" + maxPending + " URLs and tags wait); raise"
          + " maxPending or maxUrlsPerSecond, or purge everything instead");
    }
  }

  /**
   * A future that completes when nothing is waiting, scheduled or in flight (at once if that is
   * already so). Useful to wait for a burst to be handled, e.g. before exiting a CLI.
   */
  public CompletableFuture<Void> idle() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (this) {
      if (isIdleLocked()) {
        f.complete(null);
      } else {
        idleWaiters.add(f);
      }
    }
    return f;
  }

  /** How many URLs and tags wait for a batch. */
  public synchronized int pending() {
    return pendingUrls.size() + pendingTags.size();
  }

  /**
   * Stops taking changes and cancels the scheduled batch; changes still waiting are reported as
   * rejected. Batches in flight finish. Idempotent.
   */
  @Override
  public void close() {
    List<String> dropped = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (flush != null) {
        flush.cancel();
        flush = null;
      }
      pendingUrls.forEach(u -> dropped.add(u.toString()));
      dropped.addAll(pendingTags);
      pendingUrls.clear();
      pendingTags.clear();
    }
    for (String item : dropped) {
      reject(item, "the rewarmer was closed before this change was handled");
    }
    completeIdleWaiters();
  }

  @Override
  public String toString() {
    return "Rewarmer{purgers=" + purgers.stream().map(Purger::name).toList() + ", debounce="
        + debounce + ", maxUrlsPerSecond=" + maxUrlsPerSecond + ", maxBatch=" + maxBatch
        + ", soft=" + soft + "}";
  }

  // ---------------------------------------------------------------- scheduling

  private long nanos() {
    Instant now = scheduler.clock().instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Schedules a flush when work is waiting that is not blocked by a flight. */
  private void scheduleFlushLocked() {
    if (closed || flush != null) {
      return;
    }
    boolean ready = !pendingTags.isEmpty();
    if (!ready) {
      for (URI u : pendingUrls) {
        if (!inFlight.containsKey(u)) {
          ready = true;
          break;
        }
      }
    }
    if (!ready) {
      return;
    }
    long now = nanos();
    long delay = Math.max(debounce.toNanos(),
        nextAllowedNanos == Long.MIN_VALUE ? 0 : nextAllowedNanos - now);
    flush = scheduler.schedule(this::flush, Duration.ofNanos(delay));
  }

  private void flush() {
    Batch batch;
    List<String[]> problems = new ArrayList<>();
    synchronized (this) {
      flush = null;
      if (closed) {
        return;
      }
      List<String> tags = new ArrayList<>(pendingTags);
      pendingTags.clear();
      if (registry != null) {
        for (String tag : tags) {
          resolveLocked(tag, problems);
        }
      }
      List<URI> urls = new ArrayList<>();
      for (Iterator<URI> it = pendingUrls.iterator(); it.hasNext() && urls.size() < maxBatch; ) {
        URI u = it.next();
        if (!inFlight.containsKey(u)) {
          urls.add(u);
          it.remove();
        }
      }
      if (urls.isEmpty() && tags.isEmpty()) {
        checkIdleLocked();
        batch = null;
      } else {
        long spacing = (long) (urls.size() / maxUrlsPerSecond * 1e9);
        nextAllowedNanos = nanos() + spacing;
        batch = new Batch(scheduler.clock().instant(), urls, tags);
        batches.add(batch);
        for (URI u : urls) {
          inFlight.put(u, batch);
        }
        scheduleFlushLocked();
      }
    }
    for (String[] p : problems) {
      reject(p[0], p[1]);
    }
    if (batch == null) {
      return;
    }
    try {
      purgeStep(batch, 0, batch.urls, batch.tags);
    } catch (RuntimeException e) {
      LOG.error("rewarm batch failed unexpectedly", e);
      for (URI u : batch.urls) {
        batch.failed.putIfAbsent(u, "internal error: " + e);
      }
      finish(batch, null);
    }
  }

  /** Adds the URLs of {@code tag} to the pending URLs, within the pending bound. */
  private void resolveLocked(String tag, List<String[]> problems) {
    Set<URI> urls;
    try {
      urls = Objects.requireNonNull(registry).urls(tag);
    } catch (RuntimeException e) {
      problems.add(new String[] {tag, "the tag registry failed (" + e + "); the tag is purged"
          + " but its URLs are not re-warmed"});
      return;
    }
    int dropped = 0;
    for (URI u : urls) {
      if (pendingUrls.contains(u) || pendingUrls.size() < maxPending) {
        pendingUrls.add(u);
      } else {
        dropped++;
      }
    }
    if (dropped > 0) {
      problems.add(new String[] {tag, dropped + " of its " + urls.size() + " URLs are over the"
          + " pending bound (" + maxPending + "); the tag is purged but they are not re-warmed"});
    }
  }

  // ---------------------------------------------------------------- one batch

  /** Purges {@code urls} and {@code tags} with purger {@code i}, then the next, then warms. */
  private void purgeStep(Batch batch, int i, List<URI> urls, List<String> tags) {
    if (i == purgers.size() || (urls.isEmpty() && tags.isEmpty())) {
      warm(batch, urls);
      return;
    }
    Purger purger = purgers.get(i);
    PurgeRequest request = new PurgeRequest(urls, tags, soft);
    CompletableFuture<PurgeResult> f;
    try {
      f = purger.purge(request);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((result, error) -> {
      PurgeResult r = result != null ? result : PurgeResult.all(purger.name(), request,
          PurgeResult.Status.FAILED, "purger failed: " + error, 0);
      batch.purges.add(r);
      safe(() -> listener.purged(r));
      List<URI> nextUrls = new ArrayList<>();
      for (URI u : urls) {
        PurgeResult.Item item = r.url(u);
        if (item != null && item.purged()) {
          nextUrls.add(u);
        } else {
          batch.failed.put(u, "not purged by " + purger.name() + ": " + (item == null
              ? "the purger returned no result for it"
              : item.status() + (item.detail() == null ? "" : " (" + item.detail() + ")"))
              + (i + 1 < purgers.size() ? "; later purgers skipped" : "") + "; not re-warmed");
        }
      }
      List<String> nextTags = new ArrayList<>();
      for (String t : tags) {
        PurgeResult.Item item = r.tag(t);
        // An unsupported tag goes on: the URL purges cover the URLs we know for it. A failed one
        // stops here so that no edge is purged while its shield still holds stale content.
        if (item == null || item.status() != PurgeResult.Status.FAILED) {
          nextTags.add(t);
        }
      }
      try {
        purgeStep(batch, i + 1, nextUrls, nextTags);
      } catch (RuntimeException e) {
        LOG.error("rewarm batch failed unexpectedly", e);
        for (URI u : batch.urls) {
          batch.failed.putIfAbsent(u, "internal error: " + e);
        }
        finish(batch, null);
      }
    });
  }

  private void warm(Batch batch, List<URI> urls) {
    if (urls.isEmpty()) {
      finish(batch, null);
      return;
    }
    WarmPlan.Builder plan = WarmPlan.builder();
    for (URI u : urls) {
      plan.entry(u.toString(), 1, "change");
    }
    for (WarmVariant v : variants) {
      plan.variant(v);
    }
    WarmPlan built = plan.build();
    synchronized (batch) {
      batch.variantCount = built.variants().size();
      for (URI u : urls) {
        batch.warming.put(u, new ArrayList<>());
      }
    }
    WarmRun run = warmer.start(built);
    run.completion().whenComplete((report, error) -> finish(batch, report));
  }

  private void finish(Batch batch, @Nullable WarmReport report) {
    List<URI> warmed = new ArrayList<>();
    synchronized (batch) {
      if (batch.finished) {
        return;
      }
      batch.finished = true;
      for (URI u : batch.urls) {
        if (batch.failed.containsKey(u)) {
          continue;
        }
        List<TargetResult> results = batch.warming.get(u);
        if (results == null) {
          batch.failed.put(u, "not warmed");
          continue;
        }
        String problem = null;
        for (TargetResult r : results) {
          if (!r.outcome().isGood()) {
            problem = "re-warm " + r.outcome() + " for variant " + r.target().variant().name()
                + (r.detail() == null ? "" : ": " + r.detail()) + "; the URL stays purged";
            break;
          }
        }
        if (problem == null && results.size() < batch.variantCount) {
          problem = "re-warm ended without an outcome for every variant; the URL stays purged";
        }
        if (problem == null) {
          warmed.add(u);
        } else {
          batch.failed.put(u, problem);
        }
      }
    }
    RewarmBatch done = new RewarmBatch(batch.startedAt, batch.urls, batch.tags,
        List.copyOf(batch.purges), warmed, new LinkedHashMap<>(batch.failed), report);
    if (!done.failed().isEmpty()) {
      Map.Entry<URI, String> first = done.failed().entrySet().iterator().next();
      LOG.warn("rewarm: {} of {} changed URLs were not purged and re-warmed; e.g. {}: {}",
          done.failed().size(), done.urls().size(),
          Redactor.QUERY_VALUES.redact(first.getKey().toString()), first.getValue());
    }
    synchronized (this) {
      batches.remove(batch);
      for (URI u : batch.urls) {
        inFlight.remove(u, batch);
      }
      scheduleFlushLocked();
    }
    safe(() -> listener.batchFinished(done));
    completeIdleWaiters();
  }

  // ---------------------------------------------------------------- helpers

  private boolean isIdleLocked() {
    return closed ? batches.isEmpty()
        : pendingUrls.isEmpty() && pendingTags.isEmpty() && flush == null && batches.isEmpty();
  }

  private void checkIdleLocked() {
    if (isIdleLocked() && !idleWaiters.isEmpty()) {
      List<CompletableFuture<Void>> ws = new ArrayList<>(idleWaiters);
      idleWaiters.clear();
      scheduler.schedule(() -> ws.forEach(w -> w.complete(null)), Duration.ZERO);
    }
  }

  private void completeIdleWaiters() {
    List<CompletableFuture<Void>> ws;
    synchronized (this) {
      if (!isIdleLocked()) {
        return;
      }
      ws = new ArrayList<>(idleWaiters);
      idleWaiters.clear();
    }
    ws.forEach(w -> w.complete(null));
  }

  private void reject(String item, @Nullable String reason) {
    String printable = item.replaceAll("\\p{Cntrl}", "?");
    LOG.warn("rewarm: rejected change '{}': {}", Redactor.QUERY_VALUES.redact(printable), reason);
    safe(() -> listener.rejected(printable, String.valueOf(reason)));
  }

  private void safe(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("rewarm listener {} threw; the rewarmer goes on", listener, e);
    }
  }

  /** A batch in flight. */
  private static final class Batch {
    final Instant startedAt;
    final List<URI> urls;
    final List<String> tags;
    final List<PurgeResult> purges = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Map<URI, String> failed = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<URI, List<TargetResult>> warming = new HashMap<>();
    int variantCount;
    boolean finished;

    Batch(Instant startedAt, List<URI> urls, List<String> tags) {
      this.startedAt = startedAt;
      this.urls = List.copyOf(urls);
      this.tags = List.copyOf(tags);
    }
  }

  /** The warm events the rewarmer needs: each target's outcome, attributed to its batch. */
  private final class Events implements WarmListener {
    @Override
    public void targetFinished(TargetResult result) {
      URI url = result.target().entry().url();
      Batch batch;
      synchronized (Rewarmer.this) {
        batch = inFlight.get(url);
      }
      if (batch != null) {
        synchronized (batch) {
          List<TargetResult> results = batch.warming.get(url);
          if (results != null) {
            results.add(result);
          }
        }
      }
    }

    @Override
    public String toString() {
      return "Rewarmer.events";
    }
  }

  /**
   * Builds a {@link Rewarmer}. Every setting may be given once; values are checked at once.
   */
  public static final class Builder {
    private @Nullable Function<WarmListener, Warmer> warmerFactory;
    private final List<Purger> purgers = new ArrayList<>();
    private boolean purgersSet;
    private @Nullable TagRegistry registry;
    private @Nullable WarmScheduler scheduler;
    private @Nullable Duration debounce;
    private @Nullable Double maxUrlsPerSecond;
    private @Nullable Integer maxBatch;
    private @Nullable Integer maxPending;
    private boolean soft;
    private boolean softSet;
    private final List<WarmVariant> variants = new ArrayList<>();
    private @Nullable RewarmListener listener;

    private Builder() {}

    private static void once(boolean set, String name, @Nullable Object was) {
      if (set) {
        throw new IllegalStateException(name + " was already set to " + was);
      }
    }

    /**
     * Required: builds the warmer that re-warms purged URLs. The factory is called once, with a
     * listener that the warmer must be built with (alone or in a {@link
     * WarmListener#composite}): the rewarmer learns each URL's outcome from it.
     */
    public Builder warmer(Function<WarmListener, Warmer> factory) {
      once(warmerFactory != null, "warmer", warmerFactory);
      this.warmerFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * The purgers, in purge order: shield first, then the edges. A batch waits for each purger
     * before the next starts. Without purgers changed URLs are only re-warmed.
     */
    public Builder purgers(List<? extends Purger> purgers) {
      once(purgersSet, "purgers", this.purgers);
      for (Purger p : purgers) {
        this.purgers.add(Objects.requireNonNull(p, "purger"));
      }
      purgersSet = true;
      return this;
    }

    /** Resolves changed tags to URLs; without one, tags are purged but not re-warmed. */
    public Builder tagRegistry(TagRegistry registry) {
      once(this.registry != null, "tagRegistry", this.registry);
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The clock and timer (default {@link WarmScheduler#system()}); tests pass a fake one. */
    public Builder scheduler(WarmScheduler scheduler) {
      once(this.scheduler != null, "scheduler", this.scheduler);
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The debounce window (default 1 s): changes arriving within it of the first one are handled
     * in one batch.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder debounce(Duration window) {
      once(debounce != null, "debounce", debounce);
      Objects.requireNonNull(window, "window");
      if (window.isNegative()) {
        throw new IllegalArgumentException("debounce must be >= 0 but was " + window);
      }
      this.debounce = window;
      return this;
    }

    /**
     * The average number of URLs purged and re-warmed per second (default {@value
     * #DEFAULT_MAX_URLS_PER_SECOND}); batches are spaced to keep to it.
     *
     * @throws IllegalArgumentException if not finite and {@code > 0}
     */
    public Builder maxUrlsPerSecond(double perSecond) {
      once(maxUrlsPerSecond != null, "maxUrlsPerSecond", maxUrlsPerSecond);
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("maxUrlsPerSecond must be > 0 and finite but was "
            + perSecond);
      }
      this.maxUrlsPerSecond = perSecond;
      return this;
    }

    /**
     * The most URLs in one batch (default {@value #DEFAULT_MAX_BATCH}).
     *
     * @throws IllegalArgumentException if {@code < 1}
     */
    public Builder maxBatch(int max) {
      once(maxBatch != null, "maxBatch", maxBatch);
      if (max < 1) {
        throw new IllegalArgumentException("maxBatch must be >= 1 but was " + max);
      }
      this.maxBatch = max;
      return this;
    }

    /**
     * The most URLs and tags waiting at once (default {@value #DEFAULT_MAX_PENDING}); further
     * changes are rejected and reported.
     *
     * @throws IllegalArgumentException if {@code < 1}
     */
    public Builder maxPending(int max) {
      once(maxPending != null, "maxPending", maxPending);
      if (max < 1) {
        throw new IllegalArgumentException("maxPending must be >= 1 but was " + max);
      }
      this.maxPending = max;
      return this;
    }

    /** Whether purges are soft (mark stale) rather than hard; default hard. */
    public Builder soft(boolean soft) {
      once(softSet, "soft", this.soft);
      this.soft = soft;
      this.softSet = true;
      return this;
    }

    /**
     * The variants each purged URL is re-warmed with (default: the plan default variant).
     *
     * @throws IllegalArgumentException if two variants share a name
     */
    public Builder variants(List<WarmVariant> variants) {
      once(!this.variants.isEmpty(), "variants", this.variants);
      Set<String> names = new HashSet<>();
      for (WarmVariant v : variants) {
        if (!names.add(v.name())) {
          throw new IllegalArgumentException("variant '" + v.name() + "' was given twice");
        }
      }
      this.variants.addAll(variants);
      return this;
    }

    /** Receives purge results, batch reports and rejections. */
    public Builder listener(RewarmListener listener) {
      once(this.listener != null, "listener", this.listener);
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the rewarmer; calls the warmer factory once.
     *
     * @throws NullPointerException if no warmer factory was given
     */
    public Rewarmer build() {
      return new Rewarmer(this);
    }
  }
}
