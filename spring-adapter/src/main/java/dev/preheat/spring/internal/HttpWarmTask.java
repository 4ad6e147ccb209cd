package dev.preheat.spring.internal;

import dev.preheat.http.ApacheHttpTransport;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.WarmListener;
import dev.preheat.spring.TaskOutcome;
import dev.preheat.spring.WarmTask;
import dev.preheat.spring.WarmTaskContext;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmRun;
import dev.preheat.warm.WarmVariant;
import dev.preheat.warm.Warmer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Warms the hotset over HTTP with the engine and {@link ApacheHttpTransport} (the default
 * transport), as {@code preheat warm} does: against a CDN/proxy base URL, or the app itself on its loopback port (self-warming).
 * Transports live only while warming; {@link #close()} closes any still open (shutdown).
 */
public final class HttpWarmTask implements WarmTask, AutoCloseable {

  /** Settings of one HTTP task. */
  public record Settings(String name, boolean self, @Nullable String connectTo,
      List<String> variants, double rate, int concurrency, @Nullable Long maxRequests,
      @Nullable Long maxBytes, int jitRequests, long jitMaxRequests, Duration jitPacedMax) {

    /** Settings without JIT rounds (a CDN/proxy plan). */
    public Settings(String name, boolean self, @Nullable String connectTo, List<String> variants,
        double rate, int concurrency, @Nullable Long maxRequests, @Nullable Long maxBytes) {
      this(name, self, connectTo, variants, rate, concurrency, maxRequests, maxBytes, 0, 0,
          Duration.ZERO);
    }
  }

  /** At most this many JIT rounds, however small the hotset. */
  static final int MAX_JIT_ROUNDS = 50;

  /** The longest wait for the JIT compilers to go idle after the rounds. */
  static final Duration JIT_SETTLE_MAX = Duration.ofSeconds(3);

  /**
   * The longest wait for the JIT compilers to go idle after the last batch (in all, with the
   * batch's own wait): what the last batch queued compiles before the first user request.
   */
  static final Duration JIT_SETTLE_LAST = Duration.ofSeconds(10);

  /**
   * JIT batches stop once a batch's compile time is at most the first batch's divided by this,
   * or no longer falls (at least 3/4 of the previous batch's: what is left is background
   * compilation, not the request path): the request path has converged.
   */
  static final long JIT_CONVERGED_DIVISOR = 3;

  /** At most this many JIT batches, however small the hotset. */
  static final int MAX_JIT_BATCHES = 8;

  /**
   * Paced sweeps stop once a sweep keeps the compilers busy for at most its request time
   * divided by this.
   */
  static final long PACED_CONVERGED_DIVISOR = 10;

  /** Paced sweeps use this many connections in turn, one request at a time. */
  static final int PACED_CONNECTIONS = 2;

  private final Settings settings;
  private final HotsetSource hotset;
  private final Function<WarmTaskContext, URI> base;
  private final WarmListener listener;
  private final Set<ApacheHttpTransport> open = ConcurrentHashMap.newKeySet();

  /** The hot paths the last paced sweeps sent, for {@link #sweepAfterReady}. */
  private record Sweeps(URI baseUri, List<String> requests) {}

  private volatile @Nullable Sweeps lastSweeps;

  /**
   * A task.
   *
   * @param settings what and how fast
   * @param hotset where the paths come from
   * @param base the base URL, asked when warming starts (the app's port is known then)
   * @param listener engine events (metrics)
   */
  public HttpWarmTask(Settings settings, HotsetSource hotset, Function<WarmTaskContext, URI> base,
      WarmListener listener) {
    this.settings = settings;
    this.hotset = hotset;
    this.base = base;
    this.listener = listener;
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public boolean needsWebServer() {
    return settings.self();
  }

  @Override
  public TaskOutcome warm(WarmTaskContext context) throws Exception {
    URI baseUri = base.apply(context);
    List<String> urls = hotset.read();
    WarmPlan.Builder plan = WarmPlan.builder().baseUrl(baseUri);
    variants(settings.variants()).forEach(plan::variant);
    int n = urls.size();
    for (int i = 0; i < n; i++) {
      String path = settings.self() ? Urls.pathAndQuery(urls.get(i)) : urls.get(i);
      plan.entry(path, n - i, "hotset");
    }
    if (n == 0) {
      return TaskOutcome.of(0, 0, "hotset is empty");
    }
    ApacheHttpTransport.Builder tb = transports(baseUri, settings.concurrency());
    ApacheHttpTransport transport = openTransport(tb);
    AtomicLong reached = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    WarmListener counting = new WarmListener() {
      @Override
      public void targetFinished(TargetResult r) {
        boolean ok = settings.self() ? r.status() >= 200 && r.status() < 400
            : r.outcome().isGood();
        if (ok) {
          reached.incrementAndGet();
        } else if (r.outcome() == Outcome.FAILED || (settings.self() && r.status() >= 400)) {
          failed.incrementAndGet();
        }
      }
    };
    try {
      Duration left = context.remaining();
      Warmer.Builder wb = Warmer.builder().transport(transport)
          .listener(WarmListener.composite(counting, listener))
          .concurrency(settings.concurrency())
          .deadline(left.isZero() ? Duration.ofMillis(1) : left, Duration.ofSeconds(1));
      if (settings.self()) {
        // the app itself: no shared cache to fill, warm traffic marked by the X-Preheat header
        wb.noRateLimit();
      } else {
        wb.rateLimit(settings.rate()).sharedCache(true);
      }
      if (settings.maxRequests() != null) {
        wb.maxRequests(settings.maxRequests());
      }
      if (settings.maxBytes() != null) {
        wb.maxBytes(settings.maxBytes());
      }
      WarmRun run = wb.build().start(plan.build());
      WarmReport report;
      try {
        report = run.await();
      } catch (InterruptedException e) {
        run.cancel();
        try {
          report = run.await(Duration.ofSeconds(1));
        } catch (TimeoutException | InterruptedException again) {
          throw e;
        }
      }
      int targets = plan.build().targetCount();
      String jit = "";
      if (settings.self() && settings.jitRequests() > 0 && report.stopReason() == null
          && !context.isCancelled()) {
        // the first pass's connections close now, the JIT batches' each after its batch: the
        // server's close path runs (and is profiled) while warming, not first with real traffic
        closeTransport(transport);
        jit = jitRounds(tb, plan, n, baseUri, context);
      }
      String detail = String.format(Locale.ROOT, "%s: %d target(s), %d warm%s%s", baseUri,
          targets, reached.get(),
          report.stopReason() == null ? "" : ", stopped: " + report.stopReason(), jit);
      return new TaskOutcome(reached.get(), failed.get(), detail, report);
    } finally {
      closeTransport(transport);
    }
  }

  /** A transport builder for {@code baseUri}, at most {@code concurrency} requests at a time. */
  private ApacheHttpTransport.Builder transports(URI baseUri, int concurrency) {
    ApacheHttpTransport.Builder tb = ApacheHttpTransport.builder().maxConcurrency(concurrency);
    if (settings.connectTo() != null) {
      String ct = settings.connectTo();
      int colon = ct.lastIndexOf(':');
      tb.connectTo(baseUri.getHost(), new InetSocketAddress(ct.substring(0, colon),
          Integer.parseInt(ct.substring(colon + 1))));
    }
    return tb;
  }

  /** A transport for one pass, tracked so that {@link #close()} can close it on shutdown. */
  private ApacheHttpTransport openTransport(ApacheHttpTransport.Builder builder) {
    ApacheHttpTransport transport = builder.build();
    open.add(transport);
    return transport;
  }

  /** Closes a pass's transport (its connections) and stops tracking it; closing twice is a no-op. */
  private void closeTransport(ApacheHttpTransport transport) {
    open.remove(transport);
    transport.close();
  }

  /**
   * Self-warming, after the first pass filled the caches: each hot path again, in batches of
   * {@code rounds} rounds (a variant per round, marked by an {@code X-Preheat-Round} header), so
   * the request path (connector, dispatch, serialization) is compiled by the JIT, not
   * interpreted, when the first user arrives. One batch is not enough on a small machine: while
   * the compilers' queues are long (as during startup) HotSpot raises its compile thresholds, so
   * much of the request path is still interpreted or in profiling code after the first batch
   * and would be compiled during the first users' requests. So batches repeat, each followed by
   * a wait for the compilers to go idle, until a batch no longer makes the JIT compile much (its
   * compile time at most a third of the first batch's, or no longer falling): the code has
   * converged. Bounded by {@code jitMaxRequests}, {@link #MAX_JIT_BATCHES} and the deadline. Not
   * counted as warmed targets, not in {@code http.server.requests}. Each batch runs on
   * connections of its own, closed after it (before the wait for the compilers), so the
   * server's connection-close path is exercised and profiled while warming: otherwise the only
   * close came at the end, deoptimized compiled request code (Tomcat's input buffer and
   * processor) just before readiness, and its recompilation fell in the first users' requests.
   */
  private String jitRounds(ApacheHttpTransport.Builder transports, WarmPlan.Builder plan,
      int paths, URI baseUri, WarmTaskContext context) throws InterruptedException {
    int rounds = Math.min(MAX_JIT_ROUNDS, (settings.jitRequests() + paths - 1) / paths);
    for (int r = 1; r <= rounds; r++) {
      // with an Accept header, as most clients send one (content negotiation parses it)
      plan.variant(WarmVariant.of(String.format(Locale.ROOT, "jit%02d", r),
          "X-Preheat-Round", Integer.toString(r), "Accept", "*/*"));
    }
    WarmPlan batchPlan = plan.build();
    long perBatch = (long) batchPlan.targetCount();
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
    AtomicLong ok = new AtomicLong();
    List<Long> compileMs = new ArrayList<>();
    long sent = 0;
    long settled = 0;
    int batches = 0;
    String stop = "";
    while (true) {
      Duration left = context.remaining();
      if (left.compareTo(Duration.ofMillis(100)) < 0 || context.isCancelled()) {
        stop = batches == 0 ? "" : "stopped: deadline";
        break;
      }
      long before = timed ? jit.getTotalCompilationTime() : 0;
      ApacheHttpTransport transport = openTransport(transports);
      WarmReport report;
      try {
        WarmRun run = Warmer.builder().transport(transport).noRateLimit()
            .concurrency(settings.concurrency())
            .deadline(left, Duration.ofSeconds(1))
            .listener(new WarmListener() {
              @Override
              public void targetFinished(TargetResult r) {
                if (r.status() >= 200 && r.status() < 400) {
                  ok.incrementAndGet();
                }
              }
            })
            .build().start(batchPlan);
        try {
          report = run.await();
        } catch (InterruptedException e) {
          run.cancel();
          throw e;
        }
      } finally {
        closeTransport(transport);
      }
      batches++;
      sent += perBatch;
      settled = settleJit(context, JIT_SETTLE_MAX);
      if (report.stopReason() != null) {
        stop = "stopped: " + report.stopReason();
        break;
      }
      if (!timed) {
        break; // no way to tell convergence: one batch, as configured
      }
      long spent = jit.getTotalCompilationTime() - before;
      compileMs.add(spent);
      if (batches > 1 && (spent * JIT_CONVERGED_DIVISOR <= compileMs.get(0)
          || spent * 4 >= compileMs.get(batches - 2) * 3)) {
        stop = "converged";
        break;
      }
      if (sent + perBatch > settings.jitMaxRequests() || batches == MAX_JIT_BATCHES) {
        stop = batches == 1 ? "" : "cap reached";
        break;
      }
    }
    if (batches == 0) {
      return "";
    }
    if (!context.isCancelled()) {
      // the last batch's compilations drain before readiness: up to JIT_SETTLE_LAST in all
      settled += settleJit(context, JIT_SETTLE_LAST.minusMillis(settled));
    }
    String paced = context.isCancelled() || settings.jitPacedMax().isZero()
        || settings.jitPacedMax().isNegative() ? "" : pacedSweeps(baseUri, batchPlan, context);
    return String.format(Locale.ROOT, "; JIT: %d round(s), %d request(s)%s, compiler idle after "
        + "%d ms%s%s", rounds * batches, ok.get(), compileMs.size() < 2 ? ""
        : " in " + batches + " batches (compile time per batch " + compileMs.stream()
            .map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + " ms)",
        settled, stop.isEmpty() ? "" : ", " + stop, paced);
  }

  /**
   * After the batches: the hot paths again, one request at a time, in turn on {@value
   * #PACED_CONNECTIONS} keep-alive connections of a {@link PlainHttpConnection} (shaped like
   * curl's, a Java or Go client's or a probe's requests, while the batches' transport sends a
   * browser's {@code Connection: keep-alive}), in sweeps of {@link #sweepRequests()} requests,
   * each followed by closing the connections and a wait (up to {@link #JIT_SETTLE_MAX}) for the
   * compilations it queued, until a sweep makes the compilers work at most 1/{@value
   * #PACED_CONVERGED_DIVISOR} of its request time, or {@code jitPacedMax} or the deadline
   * passes. Why: HotSpot looks at whether to compile a method with C2 only when its profiling
   * code notifies the policy, once per 2^Tier3InvokeNotifyFreqLog (1024) invocations, and
   * declines while the C2 queue is long (it scales the thresholds with the queue length), which
   * the concurrent batches keep it. After the batches some 450 request-path methods have run far
   * past the threshold (7,000-28,000 invocations against 5,000) in profiling code and wait for
   * their next notification: without the sweeps it comes with the first users' requests, and
   * seconds of C2 compilation then compete with them for the CPU. A sequential sweep notifies
   * every method that runs at least once per request, with a short queue; the sweeps go on
   * until the compilers are nearly idle (stopping once a sweep compiled a fifth of the busiest
   * sweep's time still left 40-220 ms of C2 work per sweep, on the core request path, which
   * then fell in the first users' requests). Request shape matters too:
   * <ul>
   *   <li>Requests without {@code Connection: keep-alive}: Tomcat's {@code
   *       Http11Processor.prepareResponse} branches on it, and C2 code compiled from warm traffic
   *       only deoptimizes ("unstable_if") on the first such user request and is recompiled
   *       while users wait.
   *   <li>Two connections in turn: a client on one connection in this JVM sends its next request
   *       within microseconds of the last response, so Tomcat often reads it in the same
   *       processor loop, without going back to its poller; a client across a network (or a
   *       separate process like curl) is slower, and nearly every request passes the poller, a
   *       new socket event and a worker hand-off (measured with a client in another JVM:
   *       0.45-0.8 worker hand-offs per request on one connection, 1.0 on two in turn; curl
   *       0.8-0.9). Those per-event methods were otherwise compiled with the first users'
   *       requests.
   *   <li>Closing the connections while idle after each sweep: Tomcat closes a keep-alive
   *       connection itself after 100 requests (with a request in progress), but clients also
   *       close idle ones (curl at its exit, pools); without it the first such close
   *       deoptimized compiled connection-handling code ("null_check" in {@code
   *       ConnectionHandler.release}).
   * </ul>
   */
  private String pacedSweeps(URI baseUri, WarmPlan plan, WarmTaskContext context)
      throws InterruptedException {
    JitActivity jit = JitActivity.of();
    List<String> requests = new ArrayList<>();
    for (WarmPlan.Entry e : plan.entries()) {
      requests.add(Urls.pathAndQuery(e.url().toString()));
    }
    if (jit == null || requests.isEmpty() || !"http".equalsIgnoreCase(baseUri.getScheme())) {
      return "";
    }
    long end = System.nanoTime()
        + Math.min(settings.jitPacedMax().toNanos(), context.remaining().toNanos());
    String swept = sweeps(jit, baseUri, requests, end, context::isCancelled);
    lastSweeps = new Sweeps(baseUri, List.copyOf(requests));
    return "; paced: " + swept;
  }

  /**
   * After the ready event ({@link StartupWarmers.ReadySettle}, before readiness is recorded):
   * paced sweeps over the hot paths again, when this task ran paced sweeps in its last round,
   * until they converge (as in warming) or {@code endNanos}. Why: the end of startup (after
   * warming) runs code that deoptimizes compiled request-path code. Spring Boot registers its
   * {@code application.ready.time} gauge at the ready event, the first meter added since
   * Micrometer's {@code MeterRegistry.getOrCreateMeter} was compiled from warm traffic, which
   * only found existing meters; its C2 code then traps (seen once in seven starts as {@code
   * null_check}, made not entrant) and the method was compiled again (78 ms of C2 on one of two
   * cores) during the first users' requests. The sweeps bring such methods back to their compile
   * thresholds now, and wait for the compilers.
   *
   * @param endNanos when to stop sending ({@link System#nanoTime()})
   * @return what the sweeps did, or null when this task ran no paced sweeps
   */
  public @Nullable String sweepAfterReady(long endNanos) throws InterruptedException {
    Sweeps last = lastSweeps;
    JitActivity jit = JitActivity.of();
    if (last == null || jit == null) {
      return null;
    }
    return sweeps(jit, last.baseUri(), last.requests(), endNanos,
        () -> Thread.currentThread().isInterrupted());
  }

  /**
   * Paced sweeps (see {@link #pacedSweeps}) of {@code requests} to {@code baseUri} until they
   * converge, {@code end} passes or {@code cancelled}; returns what they did.
   */
  private String sweeps(JitActivity jit, URI baseUri, List<String> requests, long end,
      java.util.function.BooleanSupplier cancelled) throws InterruptedException {
    long start = System.nanoTime();
    int perSweep = Math.max(sweepRequests(), requests.size());
    List<String> sweeps = new ArrayList<>();
    String stop = "cap reached";
    long sent = 0;
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", Warmer.DEFAULT_USER_AGENT);
    headers.put("Accept", "*/*");
    // marked like the other warm requests: kept out of the app's request metrics
    headers.put(Warmer.DEFAULT_WARM_HEADER, Warmer.DEFAULT_WARM_HEADER_VALUE);
    // two connections, used in turn: see the Javadoc
    PlainHttpConnection[] connections = new PlainHttpConnection[PACED_CONNECTIONS];
    for (int c = 0; c < connections.length; c++) {
      connections[c] = new PlainHttpConnection(baseUri, 10_000);
    }
    try {
      int next = 0;
      while (true) {
        if (System.nanoTime() >= end || cancelled.getAsBoolean()) {
          // no sweep of no requests: the last one ended at the cap (or warming was cancelled)
          stop = cancelled.getAsBoolean() ? "cancelled" : stop;
          break;
        }
        jit.rescan();
        long busy0 = jit.busyNanos();
        long t0 = System.nanoTime();
        int i = 0;
        for (; i < perSweep && System.nanoTime() < end && !cancelled.getAsBoolean(); i++) {
          try {
            connections[(int) (sent % connections.length)].get(requests.get(next), headers);
          } catch (java.io.IOException | RuntimeException e) {
            stop = "stopped: " + e;
            break;
          }
          sent++;
          next = (next + 1) % requests.size();
        }
        long work = System.nanoTime() - t0;
        // closed by the client while idle, as curl does at its exit and pools do with idle
        // connections: Tomcat's close path for a connection without a request in progress
        for (PlainHttpConnection c : connections) {
          c.close();
        }
        // what the sweep queued compiles now, before the next sweep or the first user
        jit.awaitIdle(Math.min(end, System.nanoTime() + JIT_SETTLE_MAX.toNanos()));
        long busy = jit.busyNanos() - busy0;
        sweeps.add(String.format(Locale.ROOT, "%d/%d", busy / 1_000_000, work / 1_000_000));
        if (i < perSweep) {
          if (stop.equals("cap reached") && cancelled.getAsBoolean()) {
            stop = "cancelled";
          }
          break;
        }
        if (busy * PACED_CONVERGED_DIVISOR <= work) {
          stop = "converged";
          break;
        }
      }
    } finally {
      for (PlainHttpConnection c : connections) {
        c.close();
      }
    }
    return String.format(Locale.ROOT, "%d sweep(s), %d request(s) in %d ms (compiler "
        + "ms/request ms per sweep: %s), %s", sweeps.size(), sent,
        (System.nanoTime() - start) / 1_000_000, String.join(", ", sweeps), stop);
  }

  /** Requests per paced sweep: enough for one policy notification of each once-per-request method. */
  static int sweepRequests() {
    int log = 10;
    try {
      com.sun.management.HotSpotDiagnosticMXBean hs = java.lang.management.ManagementFactory
          .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      if (hs != null) {
        // tier-2 code (compiled while the C2 queue is long) notifies less often than tier 3
        log = Math.max(Integer.parseInt(hs.getVMOption("Tier3InvokeNotifyFreqLog").getValue()),
            Integer.parseInt(hs.getVMOption("Tier2InvokeNotifyFreqLog").getValue()));
      }
    } catch (RuntimeException | LinkageError e) {
      // not HotSpot: the HotSpot default
    }
    return 1 << Math.min(log, 16);
  }

  /**
   * Waits (at most {@code max}, within the deadline) until the JIT compilers have
   * been idle for two polls, so the compilations the rounds queued do not compete with the next
   * batch or the first user requests for the CPU (on a 2-core box they would). Returns the time
   * waited.
   */
  private static long settleJit(WarmTaskContext context, Duration max)
      throws InterruptedException {
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    long start = System.nanoTime();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return 0;
    }
    long end = start + Math.min(max.toNanos(), context.remaining().toNanos());
    long last = jit.getTotalCompilationTime();
    int quiet = 0;
    while (quiet < 2 && System.nanoTime() < end && !context.isCancelled()) {
      Thread.sleep(100);
      long now = jit.getTotalCompilationTime();
      quiet = now == last ? quiet + 1 : 0;
      last = now;
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Override
  public void close() {
    open.forEach(ApacheHttpTransport::close);
  }

  /** "Header: value" specs: values of one header are alternatives, headers multiply. */
  static List<WarmVariant> variants(List<String> specs) {
    if (specs.isEmpty()) {
      return List.of(WarmVariant.defaultVariant());
    }
    Map<String, List<String>> byHeader = new LinkedHashMap<>();
    for (String spec : specs) {
      int colon = spec.indexOf(':');
      if (colon <= 0) {
        throw new IllegalStateException("preheat.http.variants: '" + spec + "' is not "
            + "'Header: value'");
      }
      byHeader.computeIfAbsent(spec.substring(0, colon).trim(), k -> new ArrayList<>())
          .add(spec.substring(colon + 1).trim());
    }
    List<List<String>> combos = new ArrayList<>();
    combos.add(List.of());
    for (Map.Entry<String, List<String>> h : byHeader.entrySet()) {
      List<List<String>> next = new ArrayList<>();
      for (List<String> c : combos) {
        for (String v : h.getValue()) {
          List<String> n = new ArrayList<>(c);
          n.add(h.getKey());
          n.add(v);
          next.add(n);
        }
      }
      combos = next;
    }
    List<WarmVariant> out = new ArrayList<>();
    for (List<String> c : combos) {
      StringBuilder name = new StringBuilder();
      for (int i = 1; i < c.size(); i += 2) {
        name.append(name.length() == 0 ? "" : "+").append(c.get(i).replaceAll("[^A-Za-z0-9.-]", ""));
      }
      out.add(WarmVariant.of(name.length() == 0 ? "v" + out.size() : name.toString(),
          c.toArray(String[]::new)));
    }
    return out;
  }
}
