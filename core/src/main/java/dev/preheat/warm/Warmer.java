package dev.preheat.warm;

import dev.preheat.key.HeaderValidation;
import dev.preheat.internal.warm.Redactor;
import dev.preheat.spi.BudgetLedger;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.spi.Transport;
import dev.preheat.spi.TransportFactory;
import dev.preheat.spi.ValidatorStore;
import dev.preheat.spi.WarmListener;
import dev.preheat.spi.WarmScheduler;
import dev.preheat.status.CacheStatus;
import dev.preheat.status.CacheStatusReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Executes {@link WarmPlan}s through a {@link Transport}, safely: a global rate cap (token
 * bucket), a concurrency cap, retries with exponential backoff and full jitter, {@code
 * Retry-After} honored per host, a circuit breaker per host, request and byte budgets, a deadline,
 * conditional requests from a {@link ValidatorStore}, checkpoints, verification, and a {@link
 * dev.preheat.report.WarmReport} in which every target has exactly one {@link Outcome}.
 *
 * <pre>{@code
 * Warmer warmer = Warmer.builder().transport(transport).rateLimit(50).concurrency(8)
 *     .maxRequests(10_000).deadline(Duration.ofMinutes(15)).build();
 * WarmReport report = warmer.start(plan).await();
 * }</pre>
 *
 * <p>Requests are GETs carrying a {@code User-Agent} with a {@code Preheat/<version>} token and
 * {@code X-Preheat: 1} (both configurable) so logs and analytics can exclude warm traffic. {@code
 * Authorization} is never sent and {@code Cookie} headers are reduced to the explicitly allowed
 * cohort cookies (dropped when none is allowed).
 *
 * <p>Immutable and thread-safe; one warmer may run several plans at once (each run has its own
 * limits). The warmer does not own the transport or the stores: close them yourself.
 */
public final class Warmer {

  /** Preheat's version, as in the default {@code User-Agent}. */
  public static final String VERSION = readVersion();
  /** The default {@code User-Agent}. */
  public static final String DEFAULT_USER_AGENT =
      "Mozilla/5.0 (compatible; Preheat/" + VERSION + "; +https://preheat.dev/bot)";
  /** The default marker header name. */
  public static final String DEFAULT_WARM_HEADER = "X-Preheat";
  /** The default marker header value. */
  public static final String DEFAULT_WARM_HEADER_VALUE = "1";
  /** Default requests per second: {@value}. */
  public static final double DEFAULT_RATE = 50;
  /** Default concurrency: {@value}. */
  public static final int DEFAULT_CONCURRENCY = 8;
  /** Default per-request timeout: 30 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** Default grace period for in-flight requests after the deadline: 5 s. */
  public static final Duration DEFAULT_DEADLINE_GRACE = Duration.ofSeconds(5);
  /** Default longest honored {@code Retry-After}: 5 min; longer ones are clamped and reported. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(5);
  /** Default SLO share: 95% of the targets in a good outcome ... */
  public static final double DEFAULT_SLO_SHARE = 0.95;
  /** ... within 15 minutes. */
  public static final Duration DEFAULT_SLO_WITHIN = Duration.ofMinutes(15);

  final Transport transport;
  final WarmScheduler scheduler;
  final double rate;
  final int burst;
  final int concurrency;
  final RetrySettings retry;
  final BreakerSettings breaker;
  final Duration requestTimeout;
  final long maxRequests;
  final long maxBytes;
  final @Nullable Duration deadline;
  final Duration deadlineGrace;
  final Duration maxRetryAfter;
  final @Nullable ValidatorStore validators;
  final CheckpointStore checkpoints;
  final CacheStatusReader statusReader;
  final WarmListener listener;
  final String userAgent;
  final @Nullable String warmHeader;
  final String warmHeaderValue;
  final Set<String> cohortCookies;
  final boolean sharedCache;
  final List<String> allowPrefixes;
  final List<String> denyPrefixes;
  final Redactor redactor;
  final VerifySettings verify;
  final double sloShare;
  final Duration sloWithin;
  final Supplier<RandomGenerator> random;
  final BudgetLedger budgetLedger;

  private Warmer(Builder b) {
    this.transport = Objects.requireNonNull(b.transport,
        "transport is required; call Warmer.builder().transport(...)");
    this.scheduler = b.scheduler == null ? WarmScheduler.system() : b.scheduler;
    this.rate = b.rate == null ? DEFAULT_RATE : b.rate;
    this.burst = b.burst != null ? b.burst
        : Double.isInfinite(rate) ? 1 : (int) Math.max(1, Math.ceil(rate / 10));
    this.concurrency = b.concurrency == null ? DEFAULT_CONCURRENCY : b.concurrency;
    this.retry = b.retry == null ? RetrySettings.DEFAULTS : b.retry;
    this.breaker = b.breaker == null ? BreakerSettings.DEFAULTS : b.breaker;
    this.requestTimeout = b.requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : b.requestTimeout;
    this.maxRequests = b.maxRequests == null ? 0 : b.maxRequests;
    this.maxBytes = b.maxBytes == null ? 0 : b.maxBytes;
    this.deadline = b.deadline;
    this.deadlineGrace = b.deadlineGrace == null ? DEFAULT_DEADLINE_GRACE : b.deadlineGrace;
    this.maxRetryAfter = b.maxRetryAfter == null ? DEFAULT_MAX_RETRY_AFTER : b.maxRetryAfter;
    this.validators = b.validators;
    this.checkpoints = b.checkpoints == null ? CheckpointStore.NONE : b.checkpoints;
    this.statusReader = b.statusReader == null ? CacheStatusReader.standard() : b.statusReader;
    this.listener = b.listener == null ? WarmListener.NONE : b.listener;
    this.userAgent = b.userAgent == null ? DEFAULT_USER_AGENT : b.userAgent;
    this.warmHeader = b.noWarmHeader ? null : b.warmHeader == null ? DEFAULT_WARM_HEADER : b.warmHeader;
    this.warmHeaderValue = b.warmHeaderValue == null ? DEFAULT_WARM_HEADER_VALUE : b.warmHeaderValue;
    this.cohortCookies = Set.copyOf(b.cohortCookies);
    this.sharedCache = b.sharedCache;
    this.allowPrefixes = List.copyOf(b.allowPrefixes);
    this.denyPrefixes = List.copyOf(b.denyPrefixes);
    this.redactor = b.showQueryValues ? Redactor.NONE
        : b.queryValueKey != null ? Redactor.keyed(b.queryValueKey) : Redactor.QUERY_VALUES;
    this.verify = b.verify == null ? VerifySettings.OFF : b.verify;
    this.sloShare = b.sloShare == null ? DEFAULT_SLO_SHARE : b.sloShare;
    this.sloWithin = b.sloWithin == null ? DEFAULT_SLO_WITHIN : b.sloWithin;
    this.random = b.random == null ? java.util.concurrent.ThreadLocalRandom::current : b.random;
    this.budgetLedger = b.budgetLedger == null ? BudgetLedger.inMemory() : b.budgetLedger;
  }

  /** A copy of {@code base} for one stage: its own transport, caps, budgets and verification. */
  private Warmer(Warmer base, Transport transport, double rate, int concurrency,
      long maxRequests, long maxBytes, @Nullable Duration deadline, VerifySettings verify) {
    this.transport = transport;
    this.scheduler = base.scheduler;
    this.rate = rate;
    this.burst = rate == base.rate ? base.burst
        : Double.isInfinite(rate) ? 1 : (int) Math.max(1, Math.ceil(rate / 10));
    this.concurrency = concurrency;
    this.retry = base.retry;
    this.breaker = base.breaker;
    this.requestTimeout = base.requestTimeout;
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
    this.deadline = deadline;
    this.deadlineGrace = base.deadlineGrace;
    this.maxRetryAfter = base.maxRetryAfter;
    this.validators = base.validators;
    this.checkpoints = base.checkpoints;
    this.statusReader = base.statusReader;
    this.listener = base.listener;
    this.userAgent = base.userAgent;
    this.warmHeader = base.warmHeader;
    this.warmHeaderValue = base.warmHeaderValue;
    this.cohortCookies = base.cohortCookies;
    this.sharedCache = base.sharedCache;
    this.allowPrefixes = base.allowPrefixes;
    this.denyPrefixes = base.denyPrefixes;
    this.redactor = base.redactor;
    this.verify = verify;
    this.sloShare = base.sloShare;
    this.sloWithin = base.sloWithin;
    this.random = base.random;
    this.budgetLedger = base.budgetLedger;
  }

  Warmer forStage(Transport stageTransport, double stageRate, int stageConcurrency,
      long stageMaxRequests, long stageMaxBytes, @Nullable Duration stageDeadline,
      VerifySettings stageVerify) {
    return new Warmer(this, stageTransport, stageRate, stageConcurrency, stageMaxRequests,
        stageMaxBytes, stageDeadline, stageVerify);
  }

  private static String readVersion() {
    try (java.io.InputStream in = Warmer.class.getResourceAsStream("/dev/preheat/preheat.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("$")) {
          return v;
        }
      }
    } catch (java.io.IOException e) {
      // fall through: a missing version must not stop warming
    }
    return "dev";
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts warming {@code plan} and returns at once; the work runs on the transport's and the
   * scheduler's threads. Targets are checked first (allow/deny lists, URLs known to be
   * uncacheable, checkpoints of an earlier run of the same plan) and skipped with a reason.
   *
   * @throws NullPointerException if {@code plan} is null
   */
  public WarmRun start(WarmPlan plan) {
    Objects.requireNonNull(plan, "plan");
    RunLoop run = new RunLoop(this, plan);
    run.begin();
    return run;
  }

  /**
   * Starts warming {@code plan} through {@code stages} in order, every stage with the transport
   * this warmer was built with (stages cannot pin an address then); see {@link #start(WarmPlan,
   * Stages, TransportFactory)}.
   *
   * @throws IllegalArgumentException if a stage pins an address ({@code connectTo})
   */
  public WarmRun start(WarmPlan plan, Stages stages) {
    return start(plan, stages, TransportFactory.shared(transport));
  }

  /**
   * Starts warming {@code plan} through {@code stages}, strictly in order, and returns at once.
   * Each stage warms the plan's URLs retargeted to the stage's target (a canary stage only the
   * hottest slice), with its own transport from {@code transports}, its rate and concurrency
   * caps and its variants; then its gate is checked on a browser-like verification sample. The
   * next stage starts only when the previous one ended and its gate passed; a failed gate (after
   * its retries) or a region budget reaching its pause share stops the run there, and the
   * targets of the stages not run are skipped ({@link SkipReason#STAGE_NOT_RUN}). This warmer's
   * request and byte budgets and deadline cover the whole staged run. The report lists every
   * stage ({@link WarmReport#stages()}).
   *
   * <p>Listeners see each stage's run as a run of its own (its own {@code runStarted} and {@code
   * runFinished}); the staged report is the one the returned run completes with.
   *
   * @throws IllegalArgumentException if a stage pins an address but {@code transports} is
   *     {@link TransportFactory#shared(Transport)}
   */
  public WarmRun start(WarmPlan plan, Stages stages, TransportFactory transports) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(stages, "stages");
    Objects.requireNonNull(transports, "transports");
    if (transports instanceof dev.preheat.internal.warm.SharedTransportFactory) {
      for (Stage s : stages.stages()) {
        if (s.connectTo() != null) {
          throw new IllegalArgumentException("stage '" + s.name() + "' pins connectTo "
              + s.connectTo() + " but every stage shares one transport; pass a TransportFactory"
              + " that opens a pinned transport per stage");
        }
      }
    }
    StagedRun run = new StagedRun(this, plan, stages, transports);
    run.begin();
    return run;
  }

  /** Whether {@code path} may be warmed under the allow and deny lists. */
  boolean allowed(String path) {
    for (String deny : denyPrefixes) {
      if (path.startsWith(deny)) {
        return false;
      }
    }
    if (allowPrefixes.isEmpty()) {
      return true;
    }
    for (String allow : allowPrefixes) {
      if (path.startsWith(allow)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Warmer[rate=" + (Double.isInfinite(rate) ? "unlimited" : rate + "/s") + ", burst="
        + burst + ", concurrency=" + concurrency + ", " + retry + ", maxRequests="
        + (maxRequests == 0 ? "unlimited" : maxRequests) + ", maxBytes="
        + (maxBytes == 0 ? "unlimited" : maxBytes) + ", deadline=" + deadline + "]";
  }

  /**
   * Builds a {@link Warmer}. Every setting may be given once; a second call throws {@link
   * IllegalStateException}, as in Caffeine. Only {@link #transport} is required. Not thread-safe.
   */
  public static final class Builder {

    private @Nullable Transport transport;
    private @Nullable WarmScheduler scheduler;
    private @Nullable Double rate;
    private @Nullable Integer burst;
    private @Nullable Integer concurrency;
    private @Nullable RetrySettings retry;
    private @Nullable BreakerSettings breaker;
    private @Nullable Duration requestTimeout;
    private @Nullable Long maxRequests;
    private @Nullable Long maxBytes;
    private @Nullable Duration deadline;
    private @Nullable Duration deadlineGrace;
    private @Nullable Duration maxRetryAfter;
    private @Nullable ValidatorStore validators;
    private @Nullable CheckpointStore checkpoints;
    private @Nullable CacheStatusReader statusReader;
    private @Nullable WarmListener listener;
    private @Nullable String userAgent;
    private @Nullable String warmHeader;
    private @Nullable String warmHeaderValue;
    private boolean noWarmHeader;
    private final Set<String> cohortCookies = new LinkedHashSet<>();
    private boolean sharedCache;
    private boolean sharedCacheSet;
    private final List<String> allowPrefixes = new ArrayList<>();
    private final List<String> denyPrefixes = new ArrayList<>();
    private boolean showQueryValues;
    private boolean showQueryValuesSet;
    private byte @Nullable [] queryValueKey;
    private @Nullable VerifySettings verify;
    private @Nullable Double sloShare;
    private @Nullable Duration sloWithin;
    private @Nullable Supplier<RandomGenerator> random;
    private @Nullable BudgetLedger budgetLedger;

    private Builder() {}

    private static void once(@Nullable Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0 but was " + d);
      }
      return d;
    }

    /**
     * The transport that sends requests (required).
     *
     * @throws IllegalStateException if already set
     */
    public Builder transport(Transport transport) {
      once(this.transport, "transport");
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * The clock and timer the engine uses; default {@link WarmScheduler#system()}. Tests pass a
     * fake to run on virtual time.
     *
     * @throws IllegalStateException if already set
     */
    public Builder scheduler(WarmScheduler scheduler) {
      once(this.scheduler, "scheduler");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The global rate cap in requests per second (default {@value #DEFAULT_RATE}), retries and
     * verification included. It is never exceeded: over any interval T at most {@code burst +
     * rate * T} requests start.
     *
     * @throws IllegalArgumentException if {@code perSecond} is not a finite number {@code > 0}
     * @throws IllegalStateException if the rate was already set
     */
    public Builder rateLimit(double perSecond) {
      once(this.rate, "rateLimit");
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("rateLimit must be a finite number > 0 but was "
            + perSecond + "; use noRateLimit() to remove the cap");
      }
      this.rate = perSecond;
      return this;
    }

    /**
     * Removes the rate cap (only the concurrency cap limits the load). For benchmarks and
     * origins you own.
     *
     * @throws IllegalStateException if the rate was already set
     */
    public Builder noRateLimit() {
      once(this.rate, "rateLimit");
      this.rate = Double.POSITIVE_INFINITY;
      return this;
    }

    /**
     * How many requests may start back to back under the rate cap; default a tenth of a
     * second's worth (at least 1).
     *
     * @throws IllegalArgumentException if {@code burst < 1}
     * @throws IllegalStateException if already set
     */
    public Builder burst(int burst) {
      once(this.burst, "burst");
      if (burst < 1) {
        throw new IllegalArgumentException("burst must be >= 1 but was " + burst);
      }
      this.burst = burst;
      return this;
    }

    /**
     * The most requests in flight at once; default {@value #DEFAULT_CONCURRENCY}.
     *
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if already set
     */
    public Builder concurrency(int max) {
      once(this.concurrency, "concurrency");
      if (max < 1) {
        throw new IllegalArgumentException("concurrency must be >= 1 but was " + max);
      }
      this.concurrency = max;
      return this;
    }

    /**
     * Retry settings; default {@link RetrySettings#DEFAULTS}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder retry(RetrySettings retry) {
      once(this.retry, "retry");
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /**
     * Per-host breaker settings; default {@link BreakerSettings#DEFAULTS}: opens at 50% failures
     * over 20 requests (10 at least), stays open 30 s, then probes. A host whose breaker opens
     * {@link BreakerSettings#giveUpAfter()} times in a row (default {@value
     * BreakerSettings#DEFAULT_GIVE_UP_AFTER}, about a minute for a dead origin) is given up: its
     * remaining targets end {@link Outcome#FAILED} with a detail starting {@code "breaker open"},
     * so a dead origin fails the run (or a stage's gate) quickly instead of after minutes of
     * probing. {@code DEFAULTS.withGiveUpAfter(0)} keeps probing until the deadline.
     *
     * @throws IllegalStateException if already set
     */
    public Builder breaker(BreakerSettings breaker) {
      once(this.breaker, "breaker");
      this.breaker = Objects.requireNonNull(breaker, "breaker");
      return this;
    }

    /**
     * How long one request may take before it is cancelled and counted as a (transient)
     * timeout; default 30 s.
     *
     * @throws IllegalArgumentException if not {@code > 0}
     * @throws IllegalStateException if already set
     */
    public Builder requestTimeout(Duration timeout) {
      once(this.requestTimeout, "requestTimeout");
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * The request budget: no request starts once {@code max} were sent (retries included);
     * the remaining targets are skipped with {@link SkipReason#BUDGET}. Default unlimited.
     *
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if already set
     */
    public Builder maxRequests(long max) {
      once(this.maxRequests, "maxRequests");
      if (max < 1) {
        throw new IllegalArgumentException("maxRequests must be >= 1 but was " + max);
      }
      this.maxRequests = max;
      return this;
    }

    /**
     * The body byte budget: a request starts only when the bytes read plus the expected bytes
     * of the requests in flight plus its own expected size stay within {@code max}. The
     * expected size is the entry's size hint, else the largest body seen so far (0 before the
     * first response, so the first wave can overshoot by its actual size). Default unlimited.
     *
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if already set
     */
    public Builder maxBytes(long max) {
      once(this.maxBytes, "maxBytes");
      if (max < 1) {
        throw new IllegalArgumentException("maxBytes must be >= 1 but was " + max);
      }
      this.maxBytes = max;
      return this;
    }

    /**
     * The deadline, from the start of a run: afterwards no new request starts (remaining targets
     * are skipped with {@link SkipReason#DEADLINE}) and requests still in flight after {@code
     * grace} are cancelled.
     *
     * @throws IllegalArgumentException if a duration is not {@code > 0} ({@code grace >= 0})
     * @throws IllegalStateException if already set
     */
    public Builder deadline(Duration deadline, Duration grace) {
      once(this.deadline, "deadline");
      this.deadline = positive(deadline, "deadline");
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("deadline grace must be >= 0 but was " + grace);
      }
      this.deadlineGrace = grace;
      return this;
    }

    /** The deadline with the default grace period of 5 s; see {@link #deadline(Duration, Duration)}. */
    public Builder deadline(Duration deadline) {
      return deadline(deadline, DEFAULT_DEADLINE_GRACE);
    }

    /**
     * The longest {@code Retry-After} honored; longer ones are clamped and the clamp is
     * reported. Default 5 min.
     *
     * @throws IllegalArgumentException if not {@code > 0}
     * @throws IllegalStateException if already set
     */
    public Builder maxRetryAfter(Duration max) {
      once(this.maxRetryAfter, "maxRetryAfter");
      this.maxRetryAfter = positive(max, "maxRetryAfter");
      return this;
    }

    /**
     * Where validators and uncacheable URLs are kept; default none (no conditional requests,
     * no denials remembered across runs).
     *
     * @throws IllegalStateException if already set
     */
    public Builder validators(ValidatorStore store) {
      once(this.validators, "validators");
      this.validators = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Where finished targets are checkpointed; default {@link CheckpointStore#NONE}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder checkpoints(CheckpointStore store) {
      once(this.checkpoints, "checkpoints");
      this.checkpoints = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Reads the cache status of responses (HIT means {@link Outcome#ALREADY_CACHED}; used by
     * verification); default {@link CacheStatusReader#standard()}, which reads every dialect
     * Preheat knows.
     *
     * @throws IllegalStateException if already set
     */
    public Builder cacheStatusReader(CacheStatusReader reader) {
      once(this.statusReader, "cacheStatusReader");
      this.statusReader = Objects.requireNonNull(reader, "reader");
      return this;
    }

    /**
     * Receives run events; default {@link WarmListener#NONE}. Use {@link
     * WarmListener#composite} for several.
     *
     * @throws IllegalStateException if already set
     */
    public Builder listener(WarmListener listener) {
      once(this.listener, "listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The {@code User-Agent} of warm requests; default {@link #DEFAULT_USER_AGENT}. When a
     * variant has its own {@code User-Agent} (a device class), that one is sent with {@code
     * Preheat/<version>} appended.
     *
     * @throws IllegalArgumentException if it has control characters
     * @throws IllegalStateException if already set
     */
    public Builder userAgent(String userAgent) {
      once(this.userAgent, "userAgent");
      HeaderValidation.requireValid("warmer", "User-Agent", userAgent);
      this.userAgent = userAgent;
      return this;
    }

    /**
     * The marker header of warm requests; default {@code X-Preheat: 1}.
     *
     * @throws IllegalArgumentException if the header is invalid
     * @throws IllegalStateException if already set
     */
    public Builder warmHeader(String name, String value) {
      once(this.warmHeader, "warmHeader");
      HeaderValidation.requireValid("warmer", name, value);
      this.warmHeader = name;
      this.warmHeaderValue = value;
      return this;
    }

    /**
     * Sends no marker header (the User-Agent token remains).
     *
     * @throws IllegalStateException if the warm header was already set
     */
    public Builder noWarmHeader() {
      once(this.warmHeader, "warmHeader");
      this.noWarmHeader = true;
      this.warmHeader = "";
      return this;
    }

    /**
     * Allows the named cookie (a signed, scope-limited cohort cookie) through from variants'
     * {@code Cookie} headers; every other cookie is stripped. May be called for several names.
     *
     * @throws IllegalArgumentException if the name is blank or has invalid characters
     */
    public Builder cohortCookie(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '='
          && c != ';')) {
        throw new IllegalArgumentException("cohort cookie name must be a cookie token but was '"
            + name + "'");
      }
      cohortCookies.add(name);
      return this;
    }

    /**
     * Marks the cache as shared (a CDN or reverse proxy): a response that sets a cookie is then
     * recorded as uncacheable. Default false.
     *
     * @throws IllegalStateException if already set
     */
    public Builder sharedCache(boolean shared) {
      if (sharedCacheSet) {
        throw new IllegalStateException("sharedCache was already set to " + sharedCache);
      }
      sharedCacheSet = true;
      this.sharedCache = shared;
      return this;
    }

    /**
     * Only paths starting with one of the allowed prefixes are warmed (others are skipped with
     * {@link SkipReason#DENIED}). May be called several times; default: all paths allowed.
     *
     * @throws IllegalArgumentException if the prefix does not start with {@code /}
     */
    public Builder allowPathPrefix(String prefix) {
      allowPrefixes.add(pathPrefix(prefix));
      return this;
    }

    /**
     * Paths starting with the prefix are never warmed ({@link SkipReason#DENIED}); the denylist
     * wins over the allowlist. May be called several times.
     *
     * @throws IllegalArgumentException if the prefix does not start with {@code /}
     */
    public Builder denyPathPrefix(String prefix) {
      denyPrefixes.add(pathPrefix(prefix));
      return this;
    }

    private static String pathPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!prefix.startsWith("/")) {
        throw new IllegalArgumentException("path prefix must start with '/' but was '" + prefix + "'");
      }
      return prefix;
    }

    /**
     * Shows query values in logs, listener-facing strings and reports; default false: each value
     * is replaced by {@code ~} and a short keyed hash ({@code ?flav=~3fa9c2d1}), because values
     * may hold tokens or personal data. Different values get different hashes, so {@code
     * ?flav=rss20} and {@code ?flav=atom} stay apart; the key is random per JVM unless {@link
     * #queryValueKey(byte[])} sets one.
     *
     * @throws IllegalStateException if already set
     */
    public Builder showQueryValues(boolean show) {
      if (showQueryValuesSet) {
        throw new IllegalStateException("showQueryValues was already set to " + showQueryValues);
      }
      showQueryValuesSet = true;
      this.showQueryValues = show;
      return this;
    }

    /**
     * The secret key under which query values are hashed in logs and reports, so the same value
     * gets the same hash in every run (default: a random key per JVM). Keep it secret: with it,
     * guessed values can be confirmed.
     *
     * @throws IllegalArgumentException if shorter than 16 bytes
     * @throws IllegalStateException if already set
     */
    public Builder queryValueKey(byte[] key) {
      if (queryValueKey != null) {
        throw new IllegalStateException("queryValueKey was already set");
      }
      Redactor.keyed(key);
      this.queryValueKey = key.clone();
      return this;
    }

    /**
     * Verification after warming; default {@link VerifySettings#OFF}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder verify(VerifySettings verify) {
      once(this.verify, "verify");
      this.verify = Objects.requireNonNull(verify, "verify");
      return this;
    }

    /**
     * The SLO the report judges: at least {@code share} of the targets in a good outcome within
     * {@code within} of the start. Default 95% within 15 min.
     *
     * @throws IllegalArgumentException if {@code share} is outside (0, 1] or {@code within} not
     *     {@code > 0}
     * @throws IllegalStateException if already set
     */
    public Builder slo(double share, Duration within) {
      once(this.sloShare, "slo");
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("slo share must be in (0, 1] but was " + share);
      }
      this.sloWithin = positive(within, "slo within");
      this.sloShare = share;
      return this;
    }

    /**
     * Where staged runs keep each region's daily usage ({@link RegionBudget}); default in memory
     * (budgets then hold within this process only).
     *
     * @throws IllegalStateException if already set
     */
    public Builder budgetLedger(BudgetLedger ledger) {
      once(this.budgetLedger, "budgetLedger");
      this.budgetLedger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /**
     * The source of randomness for backoff jitter; default {@link
     * java.util.concurrent.ThreadLocalRandom}. Tests pass a seeded generator.
     *
     * @throws IllegalStateException if already set
     */
    public Builder random(RandomGenerator random) {
      once(this.random, "random");
      Objects.requireNonNull(random, "random");
      this.random = () -> random;
      return this;
    }

    /**
     * Builds the warmer.
     *
     * @throws NullPointerException if no transport was set
     */
    public Warmer build() {
      return new Warmer(this);
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
