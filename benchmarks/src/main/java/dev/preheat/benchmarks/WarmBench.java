package dev.preheat.benchmarks;

import dev.preheat.http.HttpClientKind;
import dev.preheat.http.HttpTransport;
import dev.preheat.http.HttpTransportBuilder;
import dev.preheat.http.HttpVersion;
import dev.preheat.report.HostFigures;
import dev.preheat.report.WarmReport;
import dev.preheat.source.SourceProblem;
import dev.preheat.source.UrlListReader;
import dev.preheat.source.UrlListResult;
import dev.preheat.spi.ValidatorStore;
import dev.preheat.spi.WarmListener;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmTarget;
import dev.preheat.warm.Warmer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * Warms a URL list with Preheat the way {@code preheat warm} does (a {@link WarmPlan} from the
 * list, a {@link Warmer} on an {@link HttpTransport} on the chosen client ({@code --client}:
 * OkHttp or Apache HttpClient 5), optionally a file {@link ValidatorStore} for conditional requests) and prints throughput, body bytes and the outcome mix. Driven by
 * {@code benchmarks/warm-vs-peers.sh}.
 *
 * <pre>
 * WarmBench --urls FILE [--concurrency N] [--rate N/s | --rate unlimited] [--burst N]
 *           [--validators FILE] [--http-version http1|http2|h2c] [--mode warmer|transport]
 *           [--client okhttp|apache]
 * </pre>
 *
 * <p>{@code --mode transport} sends the same requests through the transport alone, without the
 * engine, as the baseline of a profile.
 *
 * <p>Defaults: concurrency 32, rate unlimited, no validators, the transport's default HTTP
 * version. The last line of the output is machine-readable: {@code RESULT key=value ...} with
 * {@code urls}, {@code seconds} (from start of the run to its report, JVM start and list reading
 * excluded), {@code urls_per_s}, {@code body_bytes}, {@code requests}, one count per {@link
 * Outcome}, {@code max_starts_1s} (the most requests started in any one-second window, from the
 * listener) and {@code start_span_s} (first to last request start).
 *
 * <p>Exit status: 0 when every target ended in a good outcome, 1 otherwise, 2 for bad arguments.
 */
public final class WarmBench {

  /** Default concurrency, the same as the peers' connection count in the comparison. */
  static final int DEFAULT_CONCURRENCY = 32;

  private WarmBench() {}

  /** Parsed command line. */
  record Options(
      Path urls,
      int concurrency,
      double rate,
      int burst,
      @Nullable Path validators,
      @Nullable HttpVersion httpVersion,
      boolean transportOnly,
      HttpClientKind client) {}

  /**
   * Runs the benchmark.
   *
   * @param args see the class comment
   * @throws Exception when the URL list cannot be opened or the run is interrupted
   */
  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("WarmBench: " + e.getMessage());
      System.err.println("usage: WarmBench --urls FILE [--concurrency N] [--rate N/s|unlimited]"
          + " [--burst N] [--validators FILE] [--http-version http1|http2|h2c]"
          + " [--mode warmer|transport] [--client okhttp|apache]");
      System.exit(2);
      return;
    }
    System.exit(run(o, System.out) ? 0 : 1);
  }

  static Options parse(String[] args) {
    Path urls = null;
    int concurrency = DEFAULT_CONCURRENCY;
    double rate = Double.POSITIVE_INFINITY;
    int burst = 0;
    Path validators = null;
    HttpVersion version = null;
    boolean transportOnly = false;
    HttpClientKind client = HttpClientKind.DEFAULT;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--urls":
          urls = Path.of(v);
          break;
        case "--concurrency":
          concurrency = positiveInt(a, v);
          break;
        case "--rate":
          rate = parseRate(v);
          break;
        case "--burst":
          burst = positiveInt(a, v);
          break;
        case "--validators":
          validators = Path.of(v);
          break;
        case "--http-version":
          version = parseVersion(v);
          break;
        case "--mode":
          if (!v.equals("warmer") && !v.equals("transport")) {
            throw new IllegalArgumentException(
                "--mode must be warmer or transport but was '" + v + "'");
          }
          transportOnly = v.equals("transport");
          break;
        case "--client":
          client = HttpClientKind.parse(v);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (urls == null) {
      throw new IllegalArgumentException("--urls FILE is required");
    }
    return new Options(urls, concurrency, rate, burst, validators, version, transportOnly,
        client);
  }

  private static int positiveInt(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the option's name
    }
    throw new IllegalArgumentException(option + " must be an integer >= 1 but was '" + value + "'");
  }

  /** {@code 200}, {@code 200/s} or {@code unlimited}. */
  static double parseRate(String value) {
    if (value.equals("unlimited")) {
      return Double.POSITIVE_INFINITY;
    }
    String n = value.endsWith("/s") ? value.substring(0, value.length() - 2) : value;
    try {
      double r = Double.parseDouble(n);
      if (r > 0 && !Double.isInfinite(r)) {
        return r;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--rate must be a number > 0 with optional /s, or 'unlimited', but was '" + value + "'");
  }

  private static HttpVersion parseVersion(String value) {
    switch (value) {
      case "http1":
        return HttpVersion.HTTP_1_1;
      case "http2":
        return HttpVersion.HTTP_2;
      case "h2c":
        return HttpVersion.H2C_PRIOR_KNOWLEDGE;
      default:
        throw new IllegalArgumentException(
            "--http-version must be http1, http2 or h2c but was '" + value + "'");
    }
  }

  static boolean run(Options o, PrintStream out) throws IOException, InterruptedException {
    if (o.transportOnly()) {
      return runTransportOnly(o, out);
    }
    long setupStart = System.nanoTime();
    UrlListResult list = UrlListReader.builder().build().read(o.urls());
    for (SourceProblem p : list.problems()) {
      System.err.println("WarmBench: skipped " + p);
    }
    List<String> urls = list.urls();
    WarmPlan.Builder pb = WarmPlan.builder();
    // Weights fall with the line number so the plan keeps the file's order.
    for (int i = 0; i < urls.size(); i++) {
      pb.entry(urls.get(i), urls.size() - i, "list");
    }
    WarmPlan plan = pb.build();
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

    StartRecorder starts = new StartRecorder(plan.targetCount() * 2 + 16);
    HttpTransportBuilder<?> tb = o.client().builder().maxConcurrency(o.concurrency());
    if (o.httpVersion() != null) {
      tb.httpVersion(o.httpVersion());
    }
    ValidatorStore store = o.validators() == null ? null : ValidatorStore.file(o.validators());
    WarmReport report;
    long t0;
    long t1;
    String threadCpu;
    try (HttpTransport transport = tb.build()) {
      Warmer.Builder wb = Warmer.builder().transport(transport).concurrency(o.concurrency())
          .listener(starts);
      if (Double.isInfinite(o.rate())) {
        wb.noRateLimit();
      } else {
        wb.rateLimit(o.rate());
      }
      if (o.burst() > 0) {
        wb.burst(o.burst());
      }
      if (store != null) {
        wb.validators(store);
      }
      Warmer warmer = wb.build();
      t0 = System.nanoTime();
      report = warmer.start(plan).await();
      t1 = System.nanoTime();
      // before the transport is closed: its threads' CPU time goes when they end
      threadCpu = threadCpu();
    } finally {
      if (store != null) {
        store.close();
      }
    }

    HostFigures f = report.totals();
    double seconds = (t1 - t0) / 1e9;
    long[] s = starts.sorted();
    out.printf(Locale.ROOT, "preheat: %d URLs in %.3f s = %.1f URLs/s (concurrency %d, rate %s;"
            + " client %s; list read and plan built in %.3f s)%n", f.targets(), seconds,
        f.targets() / seconds, o.concurrency(), Double.isInfinite(o.rate()) ? "unlimited" : o.rate() + "/s", o.client(), setupSeconds);
    out.printf(Locale.ROOT, "  requests %d (conditional %d), body bytes %d, outcomes %s%n",
        f.requestsSent(), f.conditionalFetches(), f.bodyBytes(), f.outcomes());
    out.printf(Locale.ROOT, "  cache statuses %s%n", f.cacheStatuses());
    out.printf(Locale.ROOT, "  ttfb ms p50 %.2f p99 %.2f; total ms p50 %.2f p99 %.2f max %.2f%n",
        f.timeToFirstByte().p50Millis(), f.timeToFirstByte().p99Millis(),
        f.totalTime().p50Millis(), f.totalTime().p99Millis(), f.totalTime().maxMillis());
    for (WarmReport.Problem p : report.problems().subList(0, Math.min(5, report.problems().size()))) {
      out.println("  problem: " + p);
    }
    StringBuilder r = new StringBuilder("RESULT");
    kv(r, "urls", f.targets());
    kv(r, "seconds", String.format(Locale.ROOT, "%.4f", seconds));
    kv(r, "urls_per_s", String.format(Locale.ROOT, "%.1f", f.targets() / seconds));
    kv(r, "body_bytes", f.bodyBytes());
    kv(r, "requests", f.requestsSent());
    kv(r, "conditional", f.conditionalFetches());
    for (Outcome outcome : Outcome.values()) {
      kv(r, outcome.name(), f.count(outcome));
    }
    kv(r, "max_starts_1s", maxInWindow(s, TimeUnit.SECONDS.toNanos(1)));
    kv(r, "start_span_s", String.format(Locale.ROOT, "%.4f",
        s.length < 2 ? 0.0 : (s[s.length - 1] - s[0]) / 1e9));
    kv(r, "starts_dropped", starts.dropped());
    kv(r, "version", Warmer.VERSION);
    kv(r, "client", o.client().name().toLowerCase(Locale.ROOT));
    out.println(r);
    out.println(threadCpu);
    out.flush();
    return f.count(Outcome.WARMED) + f.count(Outcome.REVALIDATED)
        + f.count(Outcome.ALREADY_CACHED) == f.targets();
  }

  /**
   * The CPU time of this JVM's live threads grouped by name (digits dropped), from {@code
   * /proc/self/task}, so a profile can tell engine, OkHttp, JIT and GC threads apart; a line
   * starting {@code THREADCPU}, without groups where {@code /proc} is not available.
   */
  static String threadCpu() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return "THREADCPU";
    }
    long ticksPerSecond = 100; // USER_HZ, 100 on every mainstream Linux
    Map<String, long[]> groups = new TreeMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tasks)) {
      for (Path task : dirs) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended while we looked
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "N");
        String[] f = stat.substring(close + 2).split(" ");
        // after the name: state is field 0, utime field 11, stime field 12
        long[] g = groups.computeIfAbsent(name, k -> new long[3]);
        g[0] += Long.parseLong(f[11]);
        g[1] += Long.parseLong(f[12]);
        g[2]++;
      }
    } catch (IOException e) {
      return "THREADCPU";
    }
    StringBuilder sb = new StringBuilder("THREADCPU");
    groups.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1],
            a.getValue()[0] + a.getValue()[1]))
        .forEach(e -> sb.append(String.format(Locale.ROOT, " [%s]x%d=%.2fu+%.2fs", e.getKey(),
            e.getValue()[2], e.getValue()[0] / (double) ticksPerSecond,
            e.getValue()[1] / (double) ticksPerSecond)));
    return sb.toString();
  }

  /**
   * The baseline for a profile: the same URLs through the same transport with the warmer's
   * request headers, at most {@code concurrency} in flight, but without the engine (no plan
   * order, policies, outcomes or report). The difference to a warmer run is the engine's cost.
   */
  static boolean runTransportOnly(Options o, PrintStream out) throws IOException,
      InterruptedException {
    List<String> urls = UrlListReader.builder().build().read(o.urls()).urls();
    List<URI> uris = new ArrayList<>(urls.size());
    for (String u : urls) {
      uris.add(URI.create(u));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", Warmer.DEFAULT_USER_AGENT);
    headers.put(Warmer.DEFAULT_WARM_HEADER, Warmer.DEFAULT_WARM_HEADER_VALUE);
    HttpTransportBuilder<?> tb = o.client().builder().maxConcurrency(o.concurrency());
    if (o.httpVersion() != null) {
      tb.httpVersion(o.httpVersion());
    }
    Semaphore permits = new Semaphore(o.concurrency());
    LongAdder bytes = new LongAdder();
    LongAdder failures = new LongAdder();
    CountDownLatch done = new CountDownLatch(uris.size());
    long t0;
    long t1;
    String threadCpu;
    try (HttpTransport transport = tb.build()) {
      t0 = System.nanoTime();
      for (URI uri : uris) {
        permits.acquire();
        transport.send(WarmRequest.get(uri, headers)).whenComplete((r, e) -> {
          if (r != null && r.status() == 200) {
            bytes.add(r.bodyBytes());
          } else {
            failures.increment();
          }
          permits.release();
          done.countDown();
        });
      }
      done.await();
      t1 = System.nanoTime();
      threadCpu = threadCpu();
    }
    double seconds = (t1 - t0) / 1e9;
    out.printf(Locale.ROOT, "transport only: %d URLs in %.3f s = %.1f URLs/s (concurrency %d),"
        + " %d failures%n", uris.size(), seconds, uris.size() / seconds, o.concurrency(),
        failures.sum());
    StringBuilder r = new StringBuilder("RESULT");
    kv(r, "urls", uris.size());
    kv(r, "seconds", String.format(Locale.ROOT, "%.4f", seconds));
    kv(r, "urls_per_s", String.format(Locale.ROOT, "%.1f", uris.size() / seconds));
    kv(r, "body_bytes", bytes.sum());
    kv(r, "FAILED", failures.sum());
    out.println(r);
    out.println(threadCpu);
    out.flush();
    return failures.sum() == 0;
  }

  private static void kv(StringBuilder sb, String key, Object value) {
    sb.append(' ').append(key).append('=').append(value);
  }

  /**
   * The most timestamps in any half-open window {@code [t, t + width)}; {@code sorted} must be in
   * ascending order.
   */
  static int maxInWindow(long[] sorted, long width) {
    int best = 0;
    int lo = 0;
    for (int hi = 0; hi < sorted.length; hi++) {
      while (sorted[hi] - sorted[lo] >= width) {
        lo++;
      }
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  /**
   * Records when each request starts, lock-free into a fixed array, so the rate hold can be
   * checked from the client's side. Starts beyond the capacity are counted, not stored.
   */
  static final class StartRecorder implements WarmListener {
    private final AtomicLongArray times;
    private final AtomicInteger next = new AtomicInteger();

    StartRecorder(int capacity) {
      this.times = new AtomicLongArray(capacity);
    }

    @Override
    public void targetStarted(WarmTarget target, int attempt) {
      int i = next.getAndIncrement();
      if (i < times.length()) {
        times.set(i, System.nanoTime());
      }
    }

    long[] sorted() {
      int n = Math.min(next.get(), times.length());
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        out[i] = times.get(i);
      }
      Arrays.sort(out);
      return out;
    }

    int dropped() {
      return Math.max(0, next.get() - times.length());
    }
  }
}
