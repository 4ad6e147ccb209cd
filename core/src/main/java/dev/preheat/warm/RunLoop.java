package dev.preheat.warm;

import dev.preheat.internal.warm.HostStats;
import dev.preheat.internal.warm.SafeListener;
import dev.preheat.internal.warm.TokenBucket;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.Validators;
import dev.preheat.spi.WarmScheduler.Cancellable;
import dev.preheat.status.CacheStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a plan. All mutable state is guarded by {@code this}; transports are called and
 * listener events fired outside the lock, from a drain loop that one thread at a time runs (the
 * "work in progress" counter turns re-entrant calls from inline completions into loop turns
 * instead of recursion).
 */
final class RunLoop implements WarmRun {

  private static final Logger LOG = LoggerFactory.getLogger(RunLoop.class);

  private enum Phase { WARM, VERIFY, DONE }

  private enum BreakerState { CLOSED, OPEN, HALF_OPEN }

  /** One target's progress (or one verification request). */
  private static final class Task {
    final WarmTarget target;
    final Host host;
    final boolean verify;
    int attempt;
    boolean conditional;
    long reservedBytes;
    long startNanos;
    volatile boolean timedOut;
    volatile @Nullable CompletableFuture<WarmResponse> future;
    @Nullable Cancellable timer;
    @Nullable String lastFailure;
    int lastStatus;
    boolean probe;

    Task(WarmTarget target, Host host, boolean verify) {
      this.target = target;
      this.host = host;
      this.verify = verify;
    }
  }

  private static final class Host {
    final String name;
    final HostStats stats = new HostStats();
    final ArrayDeque<Task> parked = new ArrayDeque<>();
    long pausedUntil;
    @Nullable Cancellable resumeTimer;
    long resumeAt;
    boolean pauseAnnounced;
    BreakerState state = BreakerState.CLOSED;
    final boolean[] window;
    int windowPos;
    int windowCount;
    int windowFailures;
    int probesInFlight;
    int probeSuccesses;
    @Nullable TokenBucket recovery;
    long recoveryUntil;
    /** Openings since the breaker last closed. */
    int opensInARow;
    /** Set when the breaker opened {@code giveUpAfter} times in a row: no request goes out. */
    @Nullable String givenUp;

    Host(String name, int windowSize) {
      this.name = name;
      this.window = new boolean[windowSize];
    }
  }

  private final Warmer w;
  private final WarmPlan plan;
  private final Clock clock;
  private final SafeListener listener;
  private final long startNanos;
  private final Instant startedAt;
  private final @Nullable TokenBucket bucket;
  private final Map<String, Host> hosts = new TreeMap<>();
  private final ArrayDeque<Task> queue = new ArrayDeque<>();
  private final Set<Task> inflight = new LinkedHashSet<>();
  private final Map<Task, Cancellable> waitingRetries = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();
  private final CompletableFuture<WarmReport> completion = new CompletableFuture<>();
  private final List<WarmTarget> good = new ArrayList<>();
  private final List<WarmReport.Problem> problems = new ArrayList<>();
  private final List<String> clamps = new ArrayList<>();
  private final List<String> verifyMisses = new ArrayList<>();
  private final Set<String> checkpointed;

  private Phase phase = Phase.WARM;
  private boolean cancelled;
  private boolean deadlinePassed;
  private boolean graceOver;
  private boolean budgetStopped;
  private @Nullable String stopReason;
  private long sentRequests;
  private long bytesRead;
  private long bytesReserved;
  private long largestBody;
  private long unfinished;
  private long goodWithinSlo;
  /** Targets that must not be warmed (uncacheable, denied): outside the SLO's denominator. */
  private long outsideSlo;
  private long lastOutcomeNanos;
  private long verifySampled;
  private long verifyHits;
  private @Nullable Cancellable wake;
  private long wakeAt;
  private @Nullable Cancellable deadlineTimer;

  RunLoop(Warmer warmer, WarmPlan plan) {
    this.w = warmer;
    this.plan = plan;
    this.clock = warmer.scheduler.clock();
    this.listener = new SafeListener(warmer.listener);
    this.startedAt = clock.instant();
    this.startNanos = nanos();
    this.lastOutcomeNanos = startNanos;
    this.bucket = Double.isInfinite(warmer.rate) ? null
        : new TokenBucket(warmer.rate, warmer.burst, startNanos);
    this.checkpointed = warmer.checkpoints.finished(plan.hash());
  }

  private long nanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private Host host(String name) {
    return hosts.computeIfAbsent(name, n -> new Host(n, w.breaker.windowSize()));
  }

  @Override
  public String planHash() {
    return plan.hash();
  }

  /** The per-host counters; read them only after the run has completed. */
  synchronized Map<String, HostStats> hostStats() {
    Map<String, HostStats> out = new TreeMap<>();
    hosts.forEach((name, h) -> out.put(name, h.stats));
    return out;
  }

  /** Checks every target, queues the ones to send and schedules the first drain. */
  void begin() {
    events.add(() -> listener.runStarted(plan));
    synchronized (this) {
      for (WarmTarget t : plan.targets()) {
        Host h = host(t.host());
        h.stats.target();
        unfinished++;
        Task task = new Task(t, h, false);
        String path = t.entry().url().getRawPath();
        Validators denial = w.validators == null ? null : w.validators.get(urlKey(t));
        if (!w.allowed(path == null || path.isEmpty() ? "/" : path)) {
          skip(task, SkipReason.DENIED);
        } else if (denial != null && denial.isUncacheable()) {
          skip(task, SkipReason.KNOWN_UNCACHEABLE);
        } else if (checkpointed.contains(t.key())) {
          skip(task, SkipReason.CHECKPOINTED);
        } else {
          queue.add(task);
        }
      }
      if (w.deadline != null) {
        deadlineTimer = w.scheduler.schedule(this::deadlineReached, w.deadline);
      }
    }
    // The first turn runs on the scheduler, so start() returns at once and does no I/O.
    w.scheduler.schedule(this::drain, Duration.ZERO);
  }

  private static String urlKey(WarmTarget t) {
    return t.entry().url().toString();
  }

  // ---------------------------------------------------------------- drain loop

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      List<Task> toSend = new ArrayList<>();
      synchronized (this) {
        dispatch(toSend);
      }
      for (Task t : toSend) {
        send(t);
      }
      for (Runnable e = events.poll(); e != null; e = events.poll()) {
        e.run();
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void dispatch(List<Task> toSend) {
    do {
      dispatchQueued(toSend);
    } while (checkFinished());
  }

  private void dispatchQueued(List<Task> toSend) {
    if (phase == Phase.DONE) {
      return;
    }
    long now = nanos();
    while (inflight.size() < w.concurrency && !queue.isEmpty()) {
      Task t = queue.peekFirst();
      Host h = t.host;
      if (deadlinePassed || cancelled) {
        queue.pollFirst();
        endStopped(t);
        continue;
      }
      if (h.givenUp != null) {
        queue.pollFirst();
        endGivenUp(t);
        continue;
      }
      if (h.pausedUntil > now || h.state == BreakerState.OPEN
          || (h.state == BreakerState.HALF_OPEN && h.probesInFlight > 0)) {
        queue.pollFirst();
        h.parked.add(t);
        if (h.state != BreakerState.OPEN && h.state != BreakerState.HALF_OPEN) {
          scheduleResume(h, h.pausedUntil);
        }
        continue;
      }
      if (!t.verify && budgetExceeded(t)) {
        continue;
      }
      if (bucket != null) {
        long wait = bucket.nanosUntilAvailable(now);
        if (wait > 0) {
          scheduleWake(now, wait);
          break;
        }
      }
      if (h.recovery != null) {
        if (now >= h.recoveryUntil) {
          h.recovery = null;
        } else {
          long wait = h.recovery.nanosUntilAvailable(now);
          if (wait > 0) {
            // Only this host waits; other hosts keep their full rate.
            queue.pollFirst();
            h.pausedUntil = now + wait;
            h.parked.add(t);
            scheduleResume(h, h.pausedUntil);
            continue;
          }
          h.recovery.tryAcquire(now);
        }
      }
      if (bucket != null) {
        bucket.tryAcquire(now);
      }
      queue.pollFirst();
      prepare(t, now);
      toSend.add(t);
    }
  }

  /** Returns true (and stops the run) when sending {@code t} would exceed a budget. */
  private boolean budgetExceeded(Task t) {
    String reason = null;
    if (w.maxRequests > 0 && sentRequests >= w.maxRequests) {
      reason = "request budget";
    } else if (w.maxBytes > 0) {
      long expected = Math.max(t.target.entry().sizeHint(), largestBody);
      if (bytesRead + bytesReserved + expected > w.maxBytes) {
        reason = "byte budget";
      }
    }
    if (reason == null) {
      return false;
    }
    if (!budgetStopped) {
      budgetStopped = true;
      if (stopReason == null) {
        stopReason = reason;
      }
      t.host.stats.paused(HostStats.PAUSE_BUDGET);
      String message = reason + " reached: " + sentRequests + " requests sent, " + bytesRead
          + " bytes read (limits: " + (w.maxRequests == 0 ? "-" : w.maxRequests) + " requests, "
          + (w.maxBytes == 0 ? "-" : w.maxBytes) + " bytes); no further requests start";
      LOG.info("warm run {}: {}", shortHash(), message);
      events.add(() -> listener.paused("*", message, Duration.ZERO));
    }
    // Everything still queued or parked ends now; retries waiting end when their timer fires.
    endAllQueued();
    return true;
  }

  private void prepare(Task t, long now) {
    t.startNanos = now;
    if (t.host.state == BreakerState.HALF_OPEN) {
      t.host.probesInFlight++;
      t.probe = true;
    }
    if (!t.verify) {
      t.reservedBytes = w.maxBytes > 0 ? Math.max(t.target.entry().sizeHint(), largestBody) : 0;
      bytesReserved += t.reservedBytes;
      sentRequests++;
    }
    inflight.add(t);
  }

  private void send(Task t) {
    WarmRequest request;
    if (t.verify) {
      request = WarmRequest.get(t.target.entry().url(), verifyHeaders(t.target));
    } else {
      Map<String, String> headers = warmHeaders(t.target);
      t.conditional = headers.containsKey("If-None-Match")
          || headers.containsKey("If-Modified-Since");
      synchronized (this) {
        t.host.stats.sent(t.conditional);
      }
      request = WarmRequest.get(t.target.entry().url(), headers);
      listener.targetStarted(t.target, t.attempt + 1);
    }
    CompletableFuture<WarmResponse> f;
    try {
      f = w.transport.send(request);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    t.future = f;
    CompletableFuture<WarmResponse> sent = f;
    t.timer = w.scheduler.schedule(() -> {
      t.timedOut = true;
      sent.cancel(true);
    }, w.requestTimeout);
    boolean cancelNow;
    synchronized (this) {
      cancelNow = cancelled || graceOver;
    }
    if (cancelNow) {
      f.cancel(true);
    }
    f.whenComplete((r, e) -> {
      try {
        onComplete(t, r, e);
      } catch (RuntimeException | Error bug) {
        // whenComplete would swallow it and the run would never end; make it loud instead.
        LOG.error("warm engine failed handling {}", w.redactor.redact(t.target.key()), bug);
        throw bug;
      }
    });
  }

  private Map<String, String> warmHeaders(WarmTarget target) {
    LinkedHashMap<String, String> h = new LinkedHashMap<>();
    String variantAgent = null;
    for (Map.Entry<String, String> e : target.variant().headers().entrySet()) {
      if (e.getKey().equalsIgnoreCase("User-Agent")) {
        variantAgent = e.getValue();
      }
    }
    h.put("User-Agent", variantAgent == null ? w.userAgent
        : variantAgent + " Preheat/" + Warmer.VERSION);
    if (w.warmHeader != null) {
      h.put(w.warmHeader, w.warmHeaderValue);
    }
    copyVariantHeaders(target, h);
    if (w.validators != null) {
      Validators v = w.validators.get(target.key());
      if (v != null && !v.isUncacheable()) {
        if (v.etag() != null) {
          h.put("If-None-Match", v.etag());
        }
        if (v.lastModified() != null) {
          h.put("If-Modified-Since", v.lastModified());
        }
      }
    }
    return h;
  }

  private Map<String, String> verifyHeaders(WarmTarget target) {
    return verifyHeaders(w, target);
  }

  /** The headers of a browser-like verification request: no marker header, no credentials. */
  static Map<String, String> verifyHeaders(Warmer w, WarmTarget target) {
    LinkedHashMap<String, String> h = new LinkedHashMap<>();
    String agent = w.verify.userAgentByVariant().get(target.variant().name());
    if (agent == null) {
      agent = target.variant().headers().entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase("User-Agent")).map(Map.Entry::getValue)
          .findFirst().orElse(w.verify.userAgent());
    }
    h.put("User-Agent", agent);
    copyVariantHeaders(w, target, h);
    return h;
  }

  private void copyVariantHeaders(WarmTarget target, Map<String, String> h) {
    copyVariantHeaders(w, target, h);
  }

  /** Copies the variant's headers minus credentials; cookies only when allowed as cohort. */
  private static void copyVariantHeaders(Warmer w, WarmTarget target, Map<String, String> h) {
    for (Map.Entry<String, String> e : target.variant().headers().entrySet()) {
      String name = Warmer.lower(e.getKey());
      if (name.equals("user-agent") || name.equals("authorization")
          || name.equals("proxy-authorization")) {
        continue;
      }
      if (name.equals("cookie")) {
        String kept = cohortCookies(w, e.getValue());
        if (!kept.isEmpty()) {
          h.put(e.getKey(), kept);
        }
        continue;
      }
      h.put(e.getKey(), e.getValue());
    }
  }

  private static String cohortCookies(Warmer w, String cookieHeader) {
    if (w.cohortCookies.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (String pair : cookieHeader.split(";")) {
      String p = pair.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && w.cohortCookies.contains(p.substring(0, eq))) {
        b.append(b.length() == 0 ? "" : "; ").append(p);
      }
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- completion

  private void onComplete(Task t, @Nullable WarmResponse r, @Nullable Throwable error) {
    Cancellable timer = t.timer;
    if (timer != null) {
      timer.cancel();
      t.timer = null;
    }
    CacheStatus status = CacheStatus.unknown();
    if (r != null) {
      try {
        status = w.statusReader.read(r);
      } catch (RuntimeException e) {
        LOG.warn("cache status reader {} threw for {}; status treated as unknown", w.statusReader,
            w.redactor.redact(t.target.key()), e);
      }
    }
    synchronized (this) {
      inflight.remove(t);
      // A finished task lives on in the old generation (tasks are built with the plan): its
      // links to this exchange's future and response would keep them, and what they reference,
      // alive through every young collection until a full one (~2 KB per URL promoted).
      t.future = null;
      bytesReserved -= t.reservedBytes;
      t.reservedBytes = 0;
      if (t.verify) {
        verified(t, r, status);
      } else if (r == null) {
        failedExchange(t, error);
      } else {
        responded(t, r, status);
      }
    }
    drain();
  }

  private void verified(Task t, @Nullable WarmResponse r, CacheStatus status) {
    verifySampled++;
    lastOutcomeNanos = Math.max(lastOutcomeNanos, nanos());
    if (r != null && status.servedFromCache()) {
      verifyHits++;
    } else if (verifyMisses.size() < WarmReport.MAX_LISTED) {
      verifyMisses.add(w.redactor.redact(t.target.key()) + " (" + (r == null ? "no response"
          : "HTTP " + r.status() + ", " + status.kind()) + ")");
    }
  }

  private void failedExchange(Task t, @Nullable Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    t.attempt++;
    if (cause instanceof CancellationException && !t.timedOut) {
      breakerProbeDone(t);
      end(t, Outcome.CANCELLED, null, graceOver && !cancelled
          ? "in flight when the deadline grace period ran out" : "cancelled while in flight");
      return;
    }
    String detail = t.timedOut ? "timed out after " + w.requestTimeout.toMillis() + " ms"
        : cause == null ? "unknown failure"
        : cause.getClass().getSimpleName() + (cause.getMessage() == null ? ""
            : ": " + w.redactor.redact(cause.getMessage()));
    breakerRecord(t, true);
    attemptFailed(t, detail, true, Duration.ZERO);
  }

  private void responded(Task t, WarmResponse r, CacheStatus status) {
    t.attempt++;
    events.add(() -> listener.responseReceived(t.target, r));
    t.lastStatus = r.status();
    long now = nanos();
    Duration total = r.total();
    t.host.stats.response(status.kind(), r.bodyBytes(), r.timeToFirstByte(), total);
    bytesRead += r.bodyBytes();
    largestBody = Math.max(largestBody, r.bodyBytes());
    int s = r.status();
    if (s == 429 || s == 503) {
      Duration pause = retryAfter(t, r);
      breakerRecord(t, s == 503);
      if (pause != null) {
        pauseHost(t.host, pause, now);
        attemptFailed(t, "HTTP " + s + " with Retry-After " + pause.toSeconds() + " s", true,
            pause);
      } else {
        attemptFailed(t, "HTTP " + s, true, Duration.ZERO);
      }
      return;
    }
    if (s == 502 || s == 504) {
      breakerRecord(t, true);
      attemptFailed(t, "HTTP " + s, true, Duration.ZERO);
      return;
    }
    breakerRecord(t, s >= 500);
    if (s >= 500 || s >= 400 || (s >= 300 && s != 304) || s < 200) {
      attemptFailed(t, "HTTP " + s, false, Duration.ZERO);
      return;
    }
    if (s == 304) {
      end(t, Outcome.REVALIDATED, status, null);
      return;
    }
    String uncacheable = uncacheableReason(r);
    if (uncacheable != null) {
      if (w.validators != null) {
        w.validators.put(urlKey(t.target), Validators.uncacheable(uncacheable));
      }
      end(t, Outcome.UNCACHEABLE, status, uncacheable);
      return;
    }
    if (w.validators != null && s == 200) {
      String etag = r.header("ETag");
      String lastModified = r.header("Last-Modified");
      if (etag != null || lastModified != null) {
        w.validators.put(t.target.key(), Validators.of(etag, lastModified));
      }
    }
    end(t, status.servedFromCache() ? Outcome.ALREADY_CACHED : Outcome.WARMED, status, null);
  }

  private @Nullable String uncacheableReason(WarmResponse r) {
    for (String cc : r.headers("Cache-Control")) {
      for (String directive : cc.split(",")) {
        String d = directive.trim().toLowerCase(Locale.ROOT);
        int eq = d.indexOf('=');
        String name = eq < 0 ? d : d.substring(0, eq).trim();
        if (name.equals("no-store") || name.equals("private")) {
          return "Cache-Control: " + name;
        }
      }
    }
    if (w.sharedCache && r.hasHeader("Set-Cookie")) {
      return "Set-Cookie on a response for a shared cache";
    }
    return null;
  }

  /** The Retry-After of {@code r} as a delay (clamped and reported), or null when absent/invalid. */
  private @Nullable Duration retryAfter(Task t, WarmResponse r) {
    String value = r.header("Retry-After");
    if (value == null) {
      return null;
    }
    Duration d;
    String v = value.trim();
    try {
      if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
        d = v.length() > 12 ? Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L)
            : Duration.ofSeconds(Long.parseLong(v));
      } else {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        d = Duration.between(clock.instant(), at);
        if (d.isNegative()) {
          d = Duration.ZERO;
        }
      }
    } catch (DateTimeParseException e) {
      LOG.debug("ignoring unparsable Retry-After from {}: {}", t.host.name, e.getMessage());
      return null;
    }
    if (d.compareTo(w.maxRetryAfter) > 0) {
      String clamp = "Retry-After of " + d.toSeconds() + " s from " + t.host.name
          + " clamped to " + w.maxRetryAfter.toSeconds() + " s (maxRetryAfter)";
      if (clamps.size() < WarmReport.MAX_LISTED) {
        clamps.add(clamp);
      }
      LOG.info("warm run {}: {}", shortHash(), clamp);
      d = w.maxRetryAfter;
    }
    return d;
  }

  private void attemptFailed(Task t, String detail, boolean transientFailure, Duration atLeast) {
    t.lastFailure = detail;
    boolean retry = transientFailure && t.attempt < w.retry.maxAttempts() && !cancelled
        && !deadlinePassed && !budgetStopped && t.host.givenUp == null;
    events.add(() -> listener.attemptFailed(t.target, t.attempt, detail, retry));
    if (!retry && transientFailure && t.host.givenUp != null) {
      end(t, Outcome.FAILED, null, detail + (t.attempt > 1 ? " (after " + t.attempt
          + " attempts)" : "") + "; not retried: " + t.host.givenUp);
      return;
    }
    if (!retry) {
      end(t, Outcome.FAILED, null, detail + (t.attempt > 1 ? " (after " + t.attempt
          + " attempts)" : ""));
      return;
    }
    long ceiling = w.retry.ceiling(t.attempt).toNanos();
    long jittered = (long) (w.random.get().nextDouble() * ceiling);
    Duration delay = Duration.ofNanos(Math.max(jittered, atLeast.toNanos()));
    t.host.stats.retry();
    int next = t.attempt + 1;
    events.add(() -> listener.retry(t.target, next, delay));
    waitingRetries.put(t, w.scheduler.schedule(() -> retryDue(t), delay));
  }

  private void retryDue(Task t) {
    synchronized (this) {
      if (waitingRetries.remove(t) == null) {
        return;
      }
      if (cancelled || deadlinePassed || budgetStopped) {
        endStopped(t);
      } else {
        queue.addFirst(t);
      }
    }
    drain();
  }

  // ---------------------------------------------------------------- hosts and breaker

  private void pauseHost(Host h, Duration pause, long now) {
    long until = now + pause.toNanos();
    if (h.givenUp != null || until <= h.pausedUntil) {
      return;
    }
    h.pausedUntil = until;
    h.stats.paused(HostStats.PAUSE_RETRY_AFTER);
    h.pauseAnnounced = true;
    events.add(() -> listener.paused(h.name, "Retry-After", pause));
    scheduleResume(h, until);
  }

  private void scheduleResume(Host h, long at) {
    if (h.resumeTimer != null && h.resumeAt >= at) {
      return;
    }
    if (h.resumeTimer != null) {
      h.resumeTimer.cancel();
    }
    h.resumeAt = at;
    h.resumeTimer = w.scheduler.schedule(() -> resume(h), Duration.ofNanos(at - nanos()));
  }

  private void resume(Host h) {
    synchronized (this) {
      h.resumeTimer = null;
      if (h.givenUp != null) {
        return;
      }
      long now = nanos();
      if (h.pausedUntil > now) {
        scheduleResume(h, h.pausedUntil);
        return;
      }
      if (h.state == BreakerState.OPEN) {
        h.state = BreakerState.HALF_OPEN;
        h.probeSuccesses = 0;
        h.probesInFlight = 0;
      } else if (h.pauseAnnounced) {
        h.pauseAnnounced = false;
        events.add(() -> listener.resumed(h.name));
      }
      unpark(h);
    }
    drain();
  }

  private void unpark(Host h) {
    while (!h.parked.isEmpty()) {
      queue.addFirst(h.parked.pollLast());
    }
  }

  private void breakerProbeDone(Task t) {
    if (t.probe) {
      t.probe = false;
      t.host.probesInFlight--;
    }
  }

  private void breakerRecord(Task t, boolean failure) {
    Host h = t.host;
    BreakerSettings b = w.breaker;
    if (t.probe) {
      breakerProbeDone(t);
      if (h.state != BreakerState.HALF_OPEN) {
        return;
      }
      if (failure) {
        open(h, 1.0);
      } else if (++h.probeSuccesses >= b.probes()) {
        h.state = BreakerState.CLOSED;
        h.opensInARow = 0;
        h.windowCount = 0;
        h.windowFailures = 0;
        h.windowPos = 0;
        long now = nanos();
        if (!b.recoveryDuration().isZero()) {
          h.recovery = new TokenBucket(b.recoveryRate(), 1, now);
          h.recoveryUntil = now + b.recoveryDuration().toNanos();
        }
        events.add(() -> listener.breakerClosed(h.name));
        events.add(() -> listener.resumed(h.name));
        unpark(h);
      } else {
        unpark(h);
      }
      return;
    }
    if (h.state != BreakerState.CLOSED) {
      return;
    }
    if (h.windowCount == h.window.length) {
      if (h.window[h.windowPos]) {
        h.windowFailures--;
      }
    } else {
      h.windowCount++;
    }
    h.window[h.windowPos] = failure;
    if (failure) {
      h.windowFailures++;
    }
    h.windowPos = (h.windowPos + 1) % h.window.length;
    double rate = (double) h.windowFailures / h.windowCount;
    if (h.windowCount >= b.minimumRequests() && rate >= b.failureRateThreshold()) {
      open(h, rate);
    }
  }

  private void open(Host h, double errorRate) {
    h.state = BreakerState.OPEN;
    h.stats.breakerOpened();
    h.stats.paused(HostStats.PAUSE_BREAKER);
    h.opensInARow++;
    int giveUpAfter = w.breaker.giveUpAfter();
    if (giveUpAfter > 0 && h.opensInARow >= giveUpAfter) {
      giveUp(h, errorRate);
      return;
    }
    Duration openFor = w.breaker.openDuration();
    LOG.warn("warm run {}: breaker for {} opened at {}% errors; pausing the host for {} ms",
        shortHash(), h.name, Math.round(errorRate * 100), openFor.toMillis());
    events.add(() -> listener.breakerOpened(h.name, errorRate));
    events.add(() -> listener.paused(h.name, "breaker open", openFor));
    long until = nanos() + openFor.toNanos();
    if (h.resumeTimer != null) {
      h.resumeTimer.cancel();
      h.resumeTimer = null;
    }
    h.resumeAt = until;
    h.resumeTimer = w.scheduler.schedule(() -> resume(h), openFor);
  }

  /**
   * The breaker opened {@code giveUpAfter} times in a row: the host is taken as down. Everything
   * of it that waits (on the breaker, a pause or a retry timer) fails now; requests in flight
   * finish and are not retried.
   */
  private void giveUp(Host h, double errorRate) {
    String why = "breaker open: host given up after " + h.opensInARow + " openings in a row";
    h.givenUp = why;
    if (h.resumeTimer != null) {
      h.resumeTimer.cancel();
      h.resumeTimer = null;
    }
    LOG.warn("warm run {}: breaker for {} opened at {}% errors, {} openings in a row"
        + " (giveUpAfter); the host is given up and its remaining targets fail", shortHash(),
        h.name, Math.round(errorRate * 100), h.opensInARow);
    events.add(() -> listener.breakerOpened(h.name, errorRate));
    events.add(() -> listener.paused(h.name, why, Duration.ZERO));
    for (Task t = h.parked.pollFirst(); t != null; t = h.parked.pollFirst()) {
      endGivenUp(t);
    }
    for (java.util.Iterator<Map.Entry<Task, Cancellable>> it = waitingRetries.entrySet()
        .iterator(); it.hasNext(); ) {
      Map.Entry<Task, Cancellable> e = it.next();
      if (e.getKey().host == h) {
        e.getValue().cancel();
        it.remove();
        endGivenUp(e.getKey());
      }
    }
    // Queued tasks of the host end as the dispatcher reaches them.
  }

  /** Ends a task of a given-up host that was not (re)sent. */
  private void endGivenUp(Task t) {
    String why = java.util.Objects.requireNonNull(t.host.givenUp);
    if (t.verify) {
      verifySampled++;
      if (verifyMisses.size() < WarmReport.MAX_LISTED) {
        verifyMisses.add(w.redactor.redact(t.target.key()) + " (not verified: " + why + ")");
      }
      return;
    }
    end(t, Outcome.FAILED, null, t.attempt == 0 ? why : t.lastFailure
        + (t.attempt > 1 ? " (after " + t.attempt + " attempts)" : "") + "; not retried: " + why);
  }

  // ---------------------------------------------------------------- stopping

  private void deadlineReached() {
    synchronized (this) {
      if (phase == Phase.DONE || deadlinePassed) {
        return;
      }
      deadlinePassed = true;
      if (stopReason == null) {
        stopReason = "deadline";
      }
      LOG.info("warm run {}: deadline of {} passed; no new requests start, {} in flight get {} ms",
          shortHash(), w.deadline, inflight.size(), w.deadlineGrace.toMillis());
      endAllQueued();
      endWaitingRetries();
      if (!inflight.isEmpty()) {
        w.scheduler.schedule(this::graceOver, w.deadlineGrace);
      }
    }
    drain();
  }

  private void graceOver() {
    List<CompletableFuture<WarmResponse>> toCancel = new ArrayList<>();
    synchronized (this) {
      if (phase == Phase.DONE) {
        return;
      }
      graceOver = true;
      collectFutures(toCancel);
    }
    toCancel.forEach(f -> f.cancel(true));
    drain();
  }

  @Override
  public void cancel() {
    List<CompletableFuture<WarmResponse>> toCancel = new ArrayList<>();
    synchronized (this) {
      if (phase == Phase.DONE || cancelled) {
        return;
      }
      cancelled = true;
      if (stopReason == null) {
        stopReason = "cancelled";
      }
      endAllQueued();
      endWaitingRetries();
      collectFutures(toCancel);
    }
    toCancel.forEach(f -> f.cancel(true));
    drain();
  }

  private void collectFutures(List<CompletableFuture<WarmResponse>> out) {
    for (Task t : inflight) {
      CompletableFuture<WarmResponse> f = t.future;
      if (f != null) {
        out.add(f);
      }
    }
  }

  private void endAllQueued() {
    for (Task t = queue.pollFirst(); t != null; t = queue.pollFirst()) {
      endStopped(t);
    }
    for (Host h : hosts.values()) {
      for (Task t = h.parked.pollFirst(); t != null; t = h.parked.pollFirst()) {
        endStopped(t);
      }
    }
  }

  private void endWaitingRetries() {
    for (Map.Entry<Task, Cancellable> e : waitingRetries.entrySet()) {
      e.getValue().cancel();
      endStopped(e.getKey());
    }
    waitingRetries.clear();
  }

  /** Ends a task that was never (re)sent because the run is stopping. */
  private void endStopped(Task t) {
    if (t.verify) {
      return;
    }
    String why = cancelled ? "cancelled" : deadlinePassed ? "deadline passed" : "budget reached";
    if (t.attempt > 0) {
      end(t, cancelled ? Outcome.CANCELLED : Outcome.FAILED, null,
          t.lastFailure + "; not retried: " + why);
    } else if (cancelled) {
      end(t, Outcome.CANCELLED, null, "cancelled before it started");
    } else {
      skip(t, deadlinePassed ? SkipReason.DEADLINE : SkipReason.BUDGET);
    }
  }

  // ---------------------------------------------------------------- outcomes

  private void skip(Task t, SkipReason reason) {
    record(t, new TargetResult(t.target, Outcome.SKIPPED, reason, null, 0, t.attempt,
        CacheStatus.unknown()), reason);
  }

  private void end(Task t, Outcome outcome, @Nullable CacheStatus status, @Nullable String detail) {
    TargetResult result = new TargetResult(t.target, outcome, null, detail, t.lastStatus,
        t.attempt, status == null ? CacheStatus.unknown() : status);
    record(t, result, null);
  }

  private void record(Task t, TargetResult result, @Nullable SkipReason reason) {
    unfinished--;
    long now = nanos();
    lastOutcomeNanos = Math.max(lastOutcomeNanos, now);
    Outcome o = result.outcome();
    if (reason != null) {
      t.host.stats.outcome(o, reason);
    } else {
      t.host.stats.outcome(o);
    }
    if (o.isGood()) {
      good.add(t.target);
      if (now - startNanos <= w.sloWithin.toNanos()) {
        goodWithinSlo++;
      }
    } else if (reason == SkipReason.CHECKPOINTED) {
      // finished by an earlier run of the same plan: warm, and not late for this run's SLO
      goodWithinSlo++;
    } else if (o == Outcome.UNCACHEABLE || reason == SkipReason.KNOWN_UNCACHEABLE
        || reason == SkipReason.DENIED) {
      outsideSlo++;
    }
    if ((o == Outcome.FAILED || o == Outcome.UNCACHEABLE || o == Outcome.CANCELLED)
        && problems.size() < WarmReport.MAX_LISTED) {
      problems.add(new WarmReport.Problem(w.redactor.redact(t.target.key()), o.name(),
          String.valueOf(result.detail())));
    }
    if (o == Outcome.FAILED && LOG.isDebugEnabled()) {
      LOG.debug("warm target {} failed: {}", w.redactor.redact(t.target.key()), result.detail());
    }
    boolean finished = o.isGood() || o == Outcome.UNCACHEABLE;
    events.add(() -> {
      if (finished) {
        try {
          w.checkpoints.record(plan.hash(), t.target.key(), o);
        } catch (RuntimeException e) {
          LOG.warn("cannot checkpoint {}: {}; a restart will warm it again",
              w.redactor.redact(t.target.key()), e.toString());
        }
      }
      listener.targetFinished(result);
    });
  }

  /** Ends the warm phase or the run when nothing is left; true when verification was queued. */
  private boolean checkFinished() {
    if (phase == Phase.DONE || !queue.isEmpty() || !inflight.isEmpty()
        || !waitingRetries.isEmpty()) {
      return false;
    }
    for (Host h : hosts.values()) {
      if (!h.parked.isEmpty()) {
        return false;
      }
    }
    if (phase == Phase.WARM) {
      int sample = w.verify.sampleSize(good.size());
      if (sample > 0 && !cancelled && !deadlinePassed) {
        phase = Phase.VERIFY;
        int n = good.size();
        for (int i = 0; i < sample; i++) {
          // Evenly spread over the hot-first order, so hot and tail keys are both checked.
          WarmTarget target = good.get((int) ((long) i * n / sample));
          queue.add(new Task(target, host(target.host()), true));
        }
        return true;
      }
    }
    finish();
    return false;
  }

  private void finish() {
    phase = Phase.DONE;
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
    }
    if (wake != null) {
      wake.cancel();
    }
    for (Host h : hosts.values()) {
      if (h.resumeTimer != null) {
        h.resumeTimer.cancel();
      }
    }
    if (unfinished != 0) {
      throw new IllegalStateException("warm engine bug: " + unfinished
          + " targets have no outcome at the end of run " + plan.hash());
    }
    WarmReport report = report();
    boolean complete = stopReason == null;
    events.add(() -> {
      if (complete) {
        // Done: the next run of this plan is a new warm, not a restart of this one.
        try {
          w.checkpoints.clear(plan.hash());
        } catch (RuntimeException e) {
          LOG.warn("cannot clear the checkpoints of run {} in {}: {}; the next run of this plan"
              + " will skip its finished targets", shortHash(), w.checkpoints, e.toString());
        }
      }
      if (w.validators != null) {
        try {
          w.validators.flush();
        } catch (RuntimeException e) {
          LOG.warn("cannot persist validators to {}: {}", w.validators, e.toString());
        }
      }
      LOG.info("warm run {} finished: {} targets, {}", shortHash(), report.totals().targets(),
          report.totals().outcomes());
      listener.runFinished(report);
      completion.complete(report);
    });
  }

  private WarmReport report() {
    HostStats totals = new HostStats();
    Map<String, dev.preheat.report.HostFigures> perHost = new HashMap<>();
    for (Host h : hosts.values()) {
      totals.addAll(h.stats);
      perHost.put(h.name, h.stats.figures());
    }
    // The SLO is about what can be warmed: uncacheable and denied targets are not counted.
    long targets = plan.targetCount() - outsideSlo;
    double achieved = targets <= 0 ? 1.0 : (double) goodWithinSlo / targets;
    WarmReport.Verification verification = phase == Phase.DONE && verifySampled > 0
        ? new WarmReport.Verification(verifySampled, verifyHits,
            (double) verifyHits / verifySampled, verifyMisses)
        : null;
    return new WarmReport(WarmReport.SCHEMA_VERSION, plan.hash(), startedAt,
        Duration.ofNanos(Math.max(0, lastOutcomeNanos - startNanos)),
        stopReason, totals.figures(), perHost,
        new WarmReport.Slo(w.sloShare, w.sloWithin, achieved, achieved >= w.sloShare),
        verification, clamps, problems);
  }

  private void scheduleWake(long now, long waitNanos) {
    long at = now + waitNanos;
    if (wake != null && wakeAt <= at) {
      return;
    }
    if (wake != null) {
      wake.cancel();
    }
    wakeAt = at;
    wake = w.scheduler.schedule(() -> {
      synchronized (this) {
        wake = null;
      }
      drain();
    }, Duration.ofNanos(waitNanos));
  }

  private String shortHash() {
    return plan.hash().substring(0, 12);
  }

  // ---------------------------------------------------------------- WarmRun

  @Override
  public CompletableFuture<WarmReport> completion() {
    return completion.copy();
  }

  @Override
  public WarmReport await() throws InterruptedException {
    return RunCompletion.await(completion, "warm run");
  }

  @Override
  public WarmReport await(Duration timeout) throws InterruptedException, TimeoutException {
    return RunCompletion.await(completion, timeout, "warm run");
  }

  @Override
  public String toString() {
    synchronized (this) {
      return "WarmRun[plan=" + shortHash() + ", phase=" + phase + ", queued=" + queue.size()
          + ", inFlight=" + inflight.size() + ", retrying=" + waitingRetries.size()
          + ", unfinished=" + unfinished + "]";
    }
  }
}
