package dev.preheat.warm;

import dev.preheat.internal.warm.HostStats;
import dev.preheat.internal.warm.SafeListener;
import dev.preheat.report.HostFigures;
import dev.preheat.report.StageReport;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.BudgetLedger;
import dev.preheat.spi.Transport;
import dev.preheat.spi.TransportFactory;
import dev.preheat.spi.WarmScheduler.Cancellable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A staged run: the stages of a {@link Stages} one after the other, each a {@link RunLoop} of its
 * own plan through its own transport, a gate between them. State is guarded by {@code this};
 * transports, loops and listeners are called outside the lock.
 */
final class StagedRun implements WarmRun {

  private static final Logger LOG = LoggerFactory.getLogger(StagedRun.class);

  /** One stage's progress. */
  private static final class StageState {
    final Stage stage;
    final WarmPlan plan;
    final List<WarmTarget> control;
    @Nullable Transport transport;
    int attempts;
    @Nullable RunLoop loop;
    @Nullable WarmReport report;
    StageReport.@Nullable Status status;
    @Nullable String detail;
    final List<StageReport.GateDecision> decisions = new ArrayList<>();
    long probes;
    long probeHits;
    boolean probed;
    StageReport.@Nullable Budget budget;
    /** Host figures for a stage that never started a loop (skipped as a whole). */
    @Nullable Map<String, HostStats> skippedStats;

    StageState(Stage stage, WarmPlan plan, List<WarmTarget> control) {
      this.stage = stage;
      this.plan = plan;
      this.control = control;
    }
  }

  private final Warmer w;
  private final WarmPlan plan;
  private final Stages stages;
  private final TransportFactory transports;
  private final Clock clock;
  private final Instant startedAt;
  private final List<StageState> states = new ArrayList<>();
  private final CompletableFuture<WarmReport> completion = new CompletableFuture<>();
  private final SafeListener listener;
  /** Stage events queued under the lock, fired in order outside it by {@link #notifyListener}. */
  private final ConcurrentLinkedQueue<Runnable> notices = new ConcurrentLinkedQueue<>();
  private final Object noticeLock = new Object();

  private int current;
  private boolean cancelled;
  private boolean done;
  private @Nullable String stopReason;
  private long requestsUsed;
  private long bytesUsed;
  private @Nullable Cancellable retryTimer;

  StagedRun(Warmer warmer, WarmPlan plan, Stages stages, TransportFactory transports) {
    this.w = warmer;
    this.plan = plan;
    this.stages = stages;
    this.transports = transports;
    this.clock = warmer.scheduler.clock();
    this.startedAt = clock.instant();
    this.listener = new SafeListener(warmer.listener);
    for (Stage s : stages.stages()) {
      states.add(stateOf(s));
    }
  }

  /** The stage's own plan (retargeted, its variants, a canary's slice) and a canary's control. */
  private StageState stateOf(Stage s) {
    List<WarmPlan.Entry> entries = plan.entries();
    int take = entries.size();
    if (s.isCanary()) {
      take = (int) Math.min(entries.size(), Math.max(1, Math.ceil(s.canaryShare()
          * entries.size())));
    }
    List<WarmVariant> variants = s.variants().isEmpty() ? plan.variants() : s.variants();
    WarmPlan.Builder b = WarmPlan.builder();
    variants.forEach(b::variant);
    for (int i = 0; i < take; i++) {
      WarmPlan.Entry e = entries.get(i);
      b.entry(stages.retarget(e.url(), s).toString(), e.weight(), e.provenance(), e.sizeHint());
    }
    WarmPlan stagePlan = b.build();
    List<WarmTarget> control = new ArrayList<>();
    if (s.isCanary()) {
      int sample = VerifySettings.sample(verifyShare(s)).sampleSize(take);
      for (int i = take; i < entries.size() && control.size() < sample; i++) {
        WarmPlan.Entry e = entries.get(i);
        WarmPlan.Entry moved = new WarmPlan.Entry(stages.retarget(e.url(), s), e.weight(),
            e.provenance(), e.sizeHint());
        control.add(new WarmTarget(moved, variants.get(control.size() % variants.size())));
      }
    }
    return new StageState(s, stagePlan, control);
  }

  private double verifyShare(Stage s) {
    if (s.verifySample() > 0) {
      return s.verifySample();
    }
    if (w.verify.share() > 0) {
      return w.verify.share();
    }
    return s.gate() != null || s.isCanary() ? Stages.DEFAULT_GATE_SAMPLE : 0;
  }

  void begin() {
    w.scheduler.schedule(() -> runStage(0), Duration.ZERO);
  }

  @Override
  public String planHash() {
    return plan.hash();
  }

  // ---------------------------------------------------------------- one stage

  private void runStage(int index) {
    try {
      startStage(index);
    } finally {
      notifyListener();
    }
  }

  /** Fires the queued stage events, in order, on this thread and outside the run's lock. */
  private void notifyListener() {
    synchronized (noticeLock) {
      for (Runnable r = notices.poll(); r != null; r = notices.poll()) {
        r.run();
      }
    }
  }

  /** Queues {@code stageFinished} for a stage that started and has now ended for good. */
  private void stageEnded(StageState st) {
    StageReport report = stageReport(st);
    notices.add(() -> listener.stageFinished(report));
  }

  private void startStage(int index) {
    StageState st = states.get(index);
    Stage s = st.stage;
    synchronized (this) {
      if (done) {
        return;
      }
      retryTimer = null;
      current = index;
      if (cancelled) {
        stopAt(index, null);
        return;
      }
    }
    if (st.transport == null) {
      try {
        st.transport = java.util.Objects.requireNonNull(transports.open(s),
            "TransportFactory returned null");
      } catch (RuntimeException e) {
        LOG.warn("stage '{}': cannot open its transport: {}", s.name(), e.toString());
        synchronized (this) {
          st.status = StageReport.Status.STOPPED;
          st.detail = "cannot open the transport: " + e.getMessage();
          st.skippedStats = skippedStats(st, Outcome.SKIPPED, SkipReason.STAGE_NOT_RUN);
          stopReason = "stage '" + s.name() + "' could not start: " + e.getMessage();
          stopAt(index + 1, null);
        }
        return;
      }
    }
    LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    BudgetLedger.Usage used = s.budget() == null ? BudgetLedger.Usage.NONE
        : w.budgetLedger.used(s.region(), day);
    long regionRequests = Long.MAX_VALUE;
    long regionBytes = Long.MAX_VALUE;
    RegionBudget budget = s.budget();
    if (budget != null) {
      regionRequests = sub(budget.requestAllowance(), used.requests());
      regionBytes = sub(budget.byteAllowance(), used.bytes());
      st.budget = new StageReport.Budget(day.toString(), budget.requestsPerDay(),
          budget.bytesPerDay(), budget.pauseAt(), used.requests(), used.bytes(), used.requests(),
          used.bytes(), false);
    }
    long runRequests = w.maxRequests == 0 ? Long.MAX_VALUE : sub(w.maxRequests, requestsUsed);
    long runBytes = w.maxBytes == 0 ? Long.MAX_VALUE : sub(w.maxBytes, bytesUsed);
    Duration deadline = null;
    if (w.deadline != null) {
      deadline = w.deadline.minus(Duration.between(startedAt, clock.instant()));
    }
    synchronized (this) {
      st.attempts++;
      if (regionRequests <= 0 || regionBytes <= 0) {
        budgetPaused(st, day, "before the stage started");
        st.skippedStats = skippedStats(st, Outcome.SKIPPED, SkipReason.BUDGET);
        if (st.attempts > 1) {
          stageEnded(st);
        }
        stopAt(index + 1, null);
        return;
      }
      if (runRequests <= 0 || runBytes <= 0 || (deadline != null && (deadline.isNegative() || deadline.isZero()))) {
        String why = runRequests <= 0 ? "request budget" : runBytes <= 0 ? "byte budget"
            : "deadline";
        st.status = StageReport.Status.STOPPED;
        st.detail = why + " of the run reached before the stage started";
        st.skippedStats = skippedStats(st, Outcome.SKIPPED,
            why.equals("deadline") ? SkipReason.DEADLINE : SkipReason.BUDGET);
        stopReason = why;
        if (st.attempts > 1) {
          stageEnded(st);
        }
        stopAt(index + 1, null);
        return;
      }
      int attempt = st.attempts;
      long targets = st.plan.targetCount();
      notices.add(() -> listener.stageStarted(s, attempt, targets));
    }
    // Before the stage's loop exists, so stageStarted precedes the loop's runStarted.
    notifyListener();
    long maxRequests = Math.min(regionRequests, runRequests);
    long maxBytes = Math.min(regionBytes, runBytes);
    double rate = s.rate() != null ? s.rate() : w.rate;
    int concurrency = s.concurrency() != null ? s.concurrency() : w.concurrency;
    VerifySettings verify = new VerifySettings(verifyShare(s), w.verify.userAgent(),
        w.verify.userAgentByVariant());
    Transport transport = java.util.Objects.requireNonNull(st.transport);
    Warmer stageWarmer = w.forStage(transport, rate, concurrency,
        maxRequests == Long.MAX_VALUE ? 0 : maxRequests, maxBytes == Long.MAX_VALUE ? 0 : maxBytes,
        deadline, verify);
    LOG.info("stage '{}' (attempt {}): {} targets{}{}", s.name(), st.attempts,
        st.plan.targetCount(), s.target() == null ? "" : " at " + s.target(),
        s.connectTo() == null ? "" : " via " + s.connectTo());
    CompletableFuture<Void> probed = st.probed || st.control.isEmpty()
        ? CompletableFuture.completedFuture(null) : probe(st, stageWarmer, 0);
    probed.whenComplete((ignored, error) -> startLoop(index, st, stageWarmer, day));
  }

  private static long sub(long allowance, long used) {
    return allowance == Long.MAX_VALUE ? Long.MAX_VALUE : allowance - used;
  }

  /** Probes the canary's control sample before warming, one request after the other. */
  private CompletableFuture<Void> probe(StageState st, Warmer stageWarmer, int i) {
    if (i >= st.control.size()) {
      synchronized (this) {
        st.probed = true;
      }
      return CompletableFuture.completedFuture(null);
    }
    WarmTarget t = st.control.get(i);
    CompletableFuture<WarmResponse> f;
    try {
      f = stageWarmer.transport.send(WarmRequest.get(t.entry().url(),
          RunLoop.verifyHeaders(stageWarmer, t)));
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<WarmResponse> sent = f;
    Cancellable timer = w.scheduler.schedule(() -> sent.cancel(true), w.requestTimeout);
    return f.handle((r, e) -> {
      timer.cancel();
      boolean hit = false;
      if (r != null) {
        try {
          hit = w.statusReader.read(r).servedFromCache();
        } catch (RuntimeException bad) {
          hit = false;
        }
      }
      synchronized (this) {
        st.probes++;
        if (hit) {
          st.probeHits++;
        }
      }
      return null;
    }).thenCompose(x -> probe(st, stageWarmer, i + 1));
  }

  private void startLoop(int index, StageState st, Warmer stageWarmer, LocalDate day) {
    RunLoop loop = new RunLoop(stageWarmer, st.plan);
    boolean cancelNow;
    synchronized (this) {
      st.loop = loop;
      cancelNow = cancelled;
    }
    loop.begin();
    if (cancelNow) {
      loop.cancel();
    }
    loop.completion().whenComplete((report, error) -> {
      try {
        stageDone(index, st, report, day);
      } catch (RuntimeException | Error bug) {
        LOG.error("staged warm failed after stage '{}'", st.stage.name(), bug);
        completion.completeExceptionally(bug);
      }
    });
  }

  private void stageDone(int index, StageState st, WarmReport r, LocalDate day) {
    Runnable next;
    try {
      next = settleStage(index, st, r, day);
    } finally {
      notifyListener();
    }
    if (next != null) {
      next.run();
    }
  }

  /** Records a stage's run, decides its gate; returns the start of the next stage or null. */
  private @Nullable Runnable settleStage(int index, StageState st, WarmReport r, LocalDate day) {
    Stage s = st.stage;
    long verifications = r.verification() == null ? 0 : r.verification().sampled();
    long requests = r.totals().requestsSent() + verifications + st.probes;
    long bytes = r.totals().bodyBytes();
    if (s.budget() != null) {
      try {
        w.budgetLedger.add(s.region(), day, requests, bytes);
      } catch (RuntimeException e) {
        LOG.warn("cannot record the usage of region '{}' in {}: {}", s.region(), w.budgetLedger,
            e.toString());
      }
    }
    // Probes are counted once, with the attempt that sent them.
    st.probes = 0;
    Runnable next = null;
    synchronized (this) {
      requestsUsed += requests;
      bytesUsed += bytes;
      st.report = r;
      StageReport.Budget b = st.budget;
      if (b != null) {
        st.budget = new StageReport.Budget(b.day(), b.requestsPerDay(), b.bytesPerDay(),
            b.pauseAt(), b.requestsBefore(), b.bytesBefore(), b.requestsAfter() + requests,
            b.bytesAfter() + bytes, false);
      }
      String stop = r.stopReason();
      if (stop != null) {
        boolean regional = s.budget() != null && (stop.equals("request budget")
            || stop.equals("byte budget")) && regionIsTheLimit(s, stop);
        if (regional) {
          budgetPaused(st, day, "during the stage");
        } else {
          st.status = StageReport.Status.STOPPED;
          st.detail = stop;
          stopReason = stop;
        }
        stageEnded(st);
        stopAt(index + 1, null);
        return null;
      }
      Gate gate = s.gate();
      if (gate == null) {
        st.status = StageReport.Status.COMPLETED;
        stageEnded(st);
        next = advance(index);
      } else {
        StageReport.GateDecision d = decide(st, gate, r);
        notices.add(() -> listener.gateDecided(s, d));
        if (d.passed()) {
          st.status = StageReport.Status.PASSED;
          stageEnded(st);
          next = advance(index);
        } else if (d.action().startsWith("retry") && !cancelled) {
          Duration delay = java.util.Objects.requireNonNull(gate.retryDelay());
          retryTimer = w.scheduler.schedule(() -> runStage(index), delay);
        } else {
          st.status = StageReport.Status.GATE_FAILED;
          st.detail = String.join("; ", d.failures());
          stopReason = "gate failed after stage '" + s.name() + "'";
          stageEnded(st);
          stopAt(index + 1, "gate failed after stage '" + s.name() + "'");
          return null;
        }
      }
    }
    return next;
  }

  /** Whether the region's allowance, not the run's budget, is what stopped the stage. */
  private boolean regionIsTheLimit(Stage s, String stop) {
    RegionBudget b = java.util.Objects.requireNonNull(s.budget());
    if (stop.equals("request budget")) {
      return b.requestAllowance() != Long.MAX_VALUE
          && (w.maxRequests == 0 || b.requestAllowance() <= w.maxRequests);
    }
    return b.byteAllowance() != Long.MAX_VALUE
        && (w.maxBytes == 0 || b.byteAllowance() <= w.maxBytes);
  }

  private void budgetPaused(StageState st, LocalDate day, String when) {
    Stage s = st.stage;
    RegionBudget b = java.util.Objects.requireNonNull(s.budget());
    StageReport.Budget now = st.budget;
    long reqs = now == null ? 0 : now.requestsAfter();
    long bytes = now == null ? 0 : now.bytesAfter();
    if (now != null) {
      st.budget = new StageReport.Budget(now.day(), now.requestsPerDay(), now.bytesPerDay(),
          now.pauseAt(), now.requestsBefore(), now.bytesBefore(), reqs, bytes, true);
    }
    st.status = StageReport.Status.BUDGET_PAUSED;
    st.detail = String.format(Locale.ROOT,
        "region '%s' paused %s at %.0f%% of its daily budget: %s used on %s", s.region(), when,
        b.pauseAt() * 100, usage(reqs, b.requestsPerDay(), bytes, b.bytesPerDay()), day);
    stopReason = "budget of region '" + s.region() + "'";
    LOG.info("stage '{}': {}", s.name(), st.detail);
  }

  private static String usage(long reqs, long reqLimit, long bytes, long byteLimit) {
    List<String> parts = new ArrayList<>();
    if (reqLimit > 0) {
      parts.add(reqs + " of " + reqLimit + " requests");
    }
    if (byteLimit > 0) {
      parts.add(bytes + " of " + byteLimit + " bytes");
    }
    return String.join(" and ", parts);
  }

  private StageReport.GateDecision decide(StageState st, Gate gate, WarmReport r) {
    HostFigures t = r.totals();
    long requested = t.targets() - t.count(Outcome.SKIPPED);
    double errorRate = requested == 0 ? 0 : (double) t.count(Outcome.FAILED) / requested;
    WarmReport.Verification v = r.verification();
    long sampled = v == null ? 0 : v.sampled();
    double hitRatio = v == null ? 0 : v.hitRatio();
    Double uplift = null;
    if (st.stage.isCanary() && st.probed && st.control.size() > 0) {
      uplift = hitRatio - (double) st.probeHits / st.control.size();
    }
    List<String> failures = new ArrayList<>();
    if (gate.minHitRatio() != null && (sampled == 0 || hitRatio < gate.minHitRatio())) {
      failures.add(sampled == 0 ? "hit ratio unknown: no target was verified (nothing warmed)"
          : String.format(Locale.ROOT, "hit ratio %.1f%% < %.1f%%", hitRatio * 100,
              gate.minHitRatio() * 100));
    }
    if (gate.maxErrorRate() != null && errorRate > gate.maxErrorRate()) {
      failures.add(String.format(Locale.ROOT, "error rate %.1f%% > %.1f%%", errorRate * 100,
          gate.maxErrorRate() * 100));
    }
    if (gate.minUplift() != null && st.stage.isCanary()) {
      if (uplift == null) {
        failures.add("uplift unknown: the plan has no entries outside the canary slice to"
            + " compare with");
      } else if (uplift < gate.minUplift()) {
        failures.add(String.format(Locale.ROOT, "uplift %+.1f points < %+.1f", uplift * 100,
            gate.minUplift() * 100));
      }
    }
    boolean passed = failures.isEmpty();
    String action;
    if (passed) {
      action = "proceed";
    } else if (!gate.stopOnFail() && st.attempts <= gate.retryAttempts() && !cancelled) {
      action = "retry in " + describe(java.util.Objects.requireNonNull(gate.retryDelay()));
    } else {
      action = "stop";
    }
    StageReport.GateDecision d = new StageReport.GateDecision(st.attempts, clock.instant(),
        passed, sampled, hitRatio, errorRate, uplift, failures, action);
    st.decisions.add(d);
    LOG.info("stage '{}' gate (attempt {}): {}{} -> {}", st.stage.name(), st.attempts,
        passed ? "passed" : "FAILED: ", String.join(", ", failures), action);
    return d;
  }

  static String describe(Duration d) {
    long s = d.toSeconds();
    if (d.toMillis() % 1000 != 0 || s == 0) {
      return d.toMillis() + " ms";
    }
    return s % 60 == 0 && s >= 60 ? s / 60 + " min" : s + " s";
  }

  /** Closes the stage's transport and returns the start of the next stage, or null when done. */
  private @Nullable Runnable advance(int index) {
    closeTransport(states.get(index));
    if (index + 1 < states.size()) {
      return () -> runStage(index + 1);
    }
    finish();
    return null;
  }

  /**
   * Ends the run: the stages from {@code from} on did not run (their targets skipped, or
   * cancelled when the run was).
   */
  private void stopAt(int from, @Nullable String notRunBecause) {
    for (int i = 0; i < states.size(); i++) {
      StageState st = states.get(i);
      if (i < from) {
        closeTransport(st);
        continue;
      }
      st.status = StageReport.Status.NOT_RUN;
      st.detail = cancelled ? "cancelled" : notRunBecause != null ? notRunBecause
          : stopReason != null ? stopReason : "an earlier stage stopped the run";
      st.skippedStats = cancelled ? skippedStats(st, Outcome.CANCELLED, null)
          : skippedStats(st, Outcome.SKIPPED, SkipReason.STAGE_NOT_RUN);
      closeTransport(st);
    }
    if (cancelled && stopReason == null) {
      stopReason = "cancelled";
    }
    finish();
  }

  private Map<String, HostStats> skippedStats(StageState st, Outcome outcome,
      @Nullable SkipReason reason) {
    Map<String, HostStats> m = new TreeMap<>();
    for (WarmTarget t : st.plan.targets()) {
      HostStats h = m.computeIfAbsent(t.host(), x -> new HostStats());
      h.target();
      if (reason != null) {
        h.outcome(outcome, reason);
      } else {
        h.outcome(outcome);
      }
    }
    return m;
  }

  private void closeTransport(StageState st) {
    Transport t = st.transport;
    st.transport = null;
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the transport of stage '{}' failed: {}", st.stage.name(), e.toString());
      }
    }
  }

  // ---------------------------------------------------------------- the report

  private void finish() {
    if (done) {
      return;
    }
    done = true;
    if (retryTimer != null) {
      retryTimer.cancel();
      retryTimer = null;
    }
    WarmReport report = report();
    // Completed outside the lock, from another thread turn, so callers' callbacks never run
    // while this run holds its lock.
    w.scheduler.schedule(() -> {
      notifyListener();
      completion.complete(report);
    }, Duration.ZERO);
  }

  private WarmReport report() {
    Map<String, HostStats> hosts = new TreeMap<>();
    List<StageReport> stageReports = new ArrayList<>();
    List<String> clamps = new ArrayList<>();
    List<WarmReport.Problem> problems = new ArrayList<>();
    List<String> misses = new ArrayList<>();
    long sampled = 0;
    long hits = 0;
    double weightedSlo = 0;
    long sloTargets = 0;
    for (StageState st : states) {
      Map<String, HostStats> stats = st.loop != null && st.report != null
          ? st.loop.hostStats() : st.skippedStats;
      if (stats != null) {
        stats.forEach((h, s) -> hosts.computeIfAbsent(h, x -> new HostStats()).addAll(s));
      }
      WarmReport r = st.report;
      long targets = st.plan.targetCount();
      sloTargets += targets;
      if (r != null) {
        weightedSlo += r.slo().achievedShare() * targets;
        WarmReport.Verification v = r.verification();
        if (v != null) {
          sampled += v.sampled();
          hits += v.hits();
          for (String m : v.misses()) {
            if (misses.size() < WarmReport.MAX_LISTED) {
              misses.add(st.stage.name() + ": " + m);
            }
          }
        }
        for (String c : r.clamps()) {
          if (clamps.size() < WarmReport.MAX_LISTED) {
            clamps.add(st.stage.name() + ": " + c);
          }
        }
        for (WarmReport.Problem p : r.problems()) {
          if (problems.size() < WarmReport.MAX_LISTED) {
            problems.add(new WarmReport.Problem(p.key(), p.outcome(),
                "stage " + st.stage.name() + ": " + p.detail()));
          }
        }
      }
      stageReports.add(stageReport(st));
    }
    HostStats totals = new HostStats();
    Map<String, HostFigures> perHost = new HashMap<>();
    hosts.forEach((h, s) -> {
      totals.addAll(s);
      perHost.put(h, s.figures());
    });
    double achieved = sloTargets == 0 ? 1.0 : weightedSlo / sloTargets;
    WarmReport.Verification verification = sampled == 0 ? null
        : new WarmReport.Verification(sampled, hits, (double) hits / sampled, misses);
    return new WarmReport(WarmReport.SCHEMA_VERSION, plan.hash(), startedAt,
        Duration.between(startedAt, clock.instant()), stopReason, totals.figures(), perHost,
        new WarmReport.Slo(w.sloShare, w.sloWithin, achieved, achieved >= w.sloShare),
        verification, clamps, problems, stageReports);
  }

  private StageReport stageReport(StageState st) {
    Stage s = st.stage;
    StageReport.Canary canary = null;
    if (s.isCanary()) {
      WarmReport.Verification v = st.report == null ? null : st.report.verification();
      Double before = st.probed && !st.control.isEmpty()
          ? (double) st.probeHits / st.control.size() : null;
      double after = v == null ? 0 : v.hitRatio();
      canary = new StageReport.Canary(st.plan.entries().size(),
          st.probed ? st.control.size() : 0, before, v == null ? 0 : v.sampled(), after,
          before == null || v == null ? null : after - before);
    }
    double rate = s.rate() != null ? s.rate() : w.rate;
    return new StageReport(s.name(), s.region(),
        s.target() == null ? null : s.target().toString(), s.connectTo(),
        Double.isInfinite(rate) ? null : rate,
        s.concurrency() != null ? s.concurrency() : w.concurrency,
        st.plan.variants().stream().map(WarmVariant::name).toList(), st.plan.targetCount(),
        st.status == null ? StageReport.Status.NOT_RUN : st.status, st.detail,
        st.loop == null ? 0 : st.attempts, st.report, st.decisions, canary, st.budget);
  }

  // ---------------------------------------------------------------- WarmRun

  @Override
  public void cancel() {
    RunLoop loop;
    synchronized (this) {
      if (done || cancelled) {
        return;
      }
      cancelled = true;
      loop = states.get(current).loop;
      if (retryTimer != null) {
        // Waiting to retry a gate: nothing runs, so the run ends now.
        retryTimer.cancel();
        retryTimer = null;
        StageState st = states.get(current);
        st.status = StageReport.Status.STOPPED;
        st.detail = "cancelled while waiting to retry its gate";
        stopReason = "cancelled";
        stageEnded(st);
        stopAt(current + 1, null);
        loop = null;
      }
    }
    notifyListener();
    if (loop != null) {
      loop.cancel();
    }
  }

  @Override
  public CompletableFuture<WarmReport> completion() {
    return completion.copy();
  }

  @Override
  public WarmReport await() throws InterruptedException {
    return RunCompletion.await(completion, "staged warm run");
  }

  @Override
  public WarmReport await(Duration timeout) throws InterruptedException, TimeoutException {
    return RunCompletion.await(completion, timeout, "staged warm run");
  }

  @Override
  public synchronized String toString() {
    return "StagedRun[plan=" + plan.hash().substring(0, 12) + ", stage="
        + states.get(current).stage.name() + ", done=" + done + "]";
  }
}
