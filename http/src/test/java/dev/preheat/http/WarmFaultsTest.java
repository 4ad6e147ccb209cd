package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.report.HostFigures;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.WarmListener;
import dev.preheat.warm.BreakerSettings;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.RetrySettings;
import dev.preheat.warm.SkipReason;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.Warmer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The warm engine's load-safety promises under real network faults: the real {@link Warmer} on
 * the system scheduler, the real transport of each {@link HttpClientKind}, and MockWebServer misbehaving. Every
 * limit is checked where it matters, on the server side (request counts, arrival times, bytes
 * served). Times are short and bounds generous, so the tests stay fast and hold on a busy
 * two-core machine.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(HttpClientKind.class)
class WarmFaultsTest {

  @Parameter private HttpClientKind kind;


  /** Fast retries, so a test with retries takes milliseconds, not the default seconds. */
  private static final RetrySettings QUICK_RETRIES =
      new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(50));
  /** Slack for timer and scheduling granularity when checking that a pause lasted long enough. */
  private static final Duration TIMER_SLACK = Duration.ofMillis(50);

  @StartStop private final MockWebServer server = new MockWebServer();
  private final List<HttpTransport> transports = new ArrayList<>();

  /** What the server saw: one entry per request, in arrival order. */
  private record Arrival(String path, long nanos) {}

  private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> perPath = new ConcurrentHashMap<>();
  private final AtomicLong bytesServed = new AtomicLong();

  @AfterEach
  void closeTransports() {
    transports.forEach(HttpTransport::close);
  }

  /** Answers each request with {@code script(path, n)}, n being the 1-based count for that path. */
  private void script(BiFunction<String, Integer, MockResponse> script) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        long now = System.nanoTime();
        String path = request.getUrl().encodedPath();
        arrivals.add(new Arrival(path, now));
        int n = perPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        MockResponse response = script.apply(path, n);
        bytesServed.addAndGet(response.getBody() == null ? 0 : response.getBody().getContentLength());
        return response;
      }
    });
  }

  private static MockResponse ok(int bodyBytes) {
    return new MockResponse.Builder().body("x".repeat(bodyBytes))
        .setHeader("Cache-Control", "max-age=60").build();
  }

  private HttpTransport transport(Duration readTimeout) {
    HttpTransport t = kind.builder().readTimeout(readTimeout)
        .httpVersion(HttpVersion.HTTP_1_1).build();
    transports.add(t);
    return t;
  }

  private HttpTransport transport() {
    return transport(Duration.ofSeconds(5));
  }

  private WarmPlan plan(int urls, long sizeHint) {
    WarmPlan.Builder plan = WarmPlan.builder().baseUrl(URI.create(server.url("/").toString()));
    for (int i = 0; i < urls; i++) {
      plan.entry("/p" + i, urls - i, "test", sizeHint);
    }
    return plan.build();
  }

  private static WarmReport run(Warmer warmer, WarmPlan plan) throws Exception {
    WarmReport report = warmer.start(plan).await(Duration.ofSeconds(20));
    WarmThroughCacheContract.assertAccountingHolds(report, plan);
    return report;
  }

  private long millisBetween(int fromIndex, int toIndex) {
    return TimeUnit.NANOSECONDS.toMillis(arrivals.get(toIndex).nanos()
        - arrivals.get(fromIndex).nanos());
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {429, 503})
  void retryAfterPausesTheHostForThatLong(int status) throws Exception {
    script((path, n) -> arrivals.size() == 1
        ? new MockResponse.Builder().code(status).setHeader("Retry-After", "1").build()
        : ok(100));
    List<String> pauses = new CopyOnWriteArrayList<>();
    Warmer warmer = Warmer.builder().transport(transport()).noRateLimit().concurrency(1)
        .retry(QUICK_RETRIES).listener(new WarmListener() {
          @Override
          public void paused(String host, String reason, Duration duration) {
            pauses.add(reason + " " + duration.toSeconds());
          }
        }).build();

    WarmReport report = run(warmer, plan(4, 0));

    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(4);
    assertThat(arrivals).hasSize(5);
    assertThat(millisBetween(0, 1)).as("no request to the host during Retry-After: 1")
        .isGreaterThanOrEqualTo(1000 - TIMER_SLACK.toMillis());
    assertThat(report.totals().pauses()).containsEntry("retryAfter", 1L);
    assertThat(pauses).containsExactly("Retry-After 1");
  }

  @Test
  void connectionResetsAreRetriedAndAPathThatAlwaysResetsFailsWithTheReason() throws Exception {
    script((path, n) -> {
      if (path.equals("/p0") || (path.equals("/p1") && n == 1)) {
        return new MockResponse.Builder().body("z".repeat(10_000))
            .onResponseStart(new SocketEffect.CloseSocket(true, true, true)).build();
      }
      return ok(100);
    });
    List<TargetResult> results = new CopyOnWriteArrayList<>();
    Warmer warmer = Warmer.builder().transport(transport()).noRateLimit().concurrency(2)
        .retry(QUICK_RETRIES).listener(new WarmListener() {
          @Override
          public void targetFinished(TargetResult result) {
            results.add(result);
          }
        }).build();

    WarmReport report = run(warmer, plan(4, 0));

    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(3);
    assertThat(report.totals().count(Outcome.FAILED)).isEqualTo(1);
    assertThat(perPath.get("/p0").get()).as("attempts on the resetting path")
        .isEqualTo(QUICK_RETRIES.maxAttempts());
    assertThat(perPath.get("/p1").get()).as("one reset, one success").isEqualTo(2);
    TargetResult failed = results.stream().filter(r -> r.outcome() == Outcome.FAILED)
        .findFirst().orElseThrow();
    assertThat(failed.target().entry().url().getPath()).isEqualTo("/p0");
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(failed.detail()).contains("Exception").contains("after 3 attempts");
    assertThat(report.problems()).extracting(WarmReport.Problem::outcome).containsExactly("FAILED");
  }

  @Test
  void aStallPastTheReadTimeoutFailsThatTargetAndTheRunGoesOn() throws Exception {
    script((path, n) -> path.equals("/p0")
        ? new MockResponse.Builder().body("never").onResponseStart(SocketEffect.Stall.INSTANCE)
            .build()
        : ok(100));
    Warmer warmer = Warmer.builder().transport(transport(Duration.ofMillis(300))).noRateLimit()
        .concurrency(2).retry(RetrySettings.NONE).build();

    WarmReport report = run(warmer, plan(5, 0));

    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(4);
    assertThat(report.totals().count(Outcome.FAILED)).isEqualTo(1);
    assertThat(report.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).endsWith("/p0");
      assertThat(p.detail()).containsIgnoringCase("timeout");
    });
  }

  @Test
  void aSlowBodyPastTheRequestTimeoutFailsAsATimeoutAndASlowOneWithinItIsWarmed()
      throws Exception {
    // 4 KiB at 512 bytes per 100 ms: about 0.8 s, never silent for longer than the read timeout.
    script((path, n) -> new MockResponse.Builder().body("s".repeat(4096))
        .throttleBody(512, path.equals("/p0") ? 100 : 1, TimeUnit.MILLISECONDS).build());
    Warmer warmer = Warmer.builder().transport(transport(Duration.ofSeconds(2))).noRateLimit()
        .concurrency(2).retry(RetrySettings.NONE).requestTimeout(Duration.ofMillis(400))
        .build();

    WarmReport report = run(warmer, plan(2, 0));

    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(1);
    assertThat(report.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).endsWith("/p0");
      assertThat(p.detail()).isEqualTo("timed out after 400 ms");
    });
  }

  @Test
  void aBurstOf5xxOpensTheBreakerWhichIsReportedAndRecovers() throws Exception {
    int burst = 4;
    script((path, n) -> arrivals.size() <= burst
        ? new MockResponse.Builder().code(503).body("overloaded").build()
        : ok(100));
    Duration openFor = Duration.ofMillis(300);
    List<String> events = new CopyOnWriteArrayList<>();
    Warmer warmer = Warmer.builder().transport(transport()).noRateLimit().concurrency(1)
        .retry(new RetrySettings(5, Duration.ofMillis(1), Duration.ofMillis(2)))
        .breaker(new BreakerSettings(burst, burst, 1.0, openFor, 1, 1000, Duration.ZERO))
        .listener(new WarmListener() {
          @Override
          public void breakerOpened(String host, double errorRate) {
            events.add("opened " + errorRate);
          }

          @Override
          public void breakerClosed(String host) {
            events.add("closed");
          }
        }).build();

    WarmReport report = run(warmer, plan(6, 0));

    assertThat(report.totals().count(Outcome.WARMED)).as(report.problems().toString())
        .isEqualTo(6);
    assertThat(report.totals().breakerOpens()).isEqualTo(1);
    assertThat(report.totals().pauses()).containsEntry("breaker", 1L);
    assertThat(events).containsExactly("opened 1.0", "closed");
    assertThat(millisBetween(burst - 1, burst)).as("no request while the breaker is open")
        .isGreaterThanOrEqualTo(openFor.minus(TIMER_SLACK).toMillis());
  }

  @Test
  void theRequestBudgetIsNeverExceeded() throws Exception {
    script((path, n) -> ok(100));
    Warmer warmer = Warmer.builder().transport(transport()).noRateLimit().concurrency(4)
        .maxRequests(7).build();

    WarmReport report = run(warmer, plan(20, 0));

    assertThat(server.getRequestCount()).isEqualTo(7);
    assertThat(report.totals().requestsSent()).isEqualTo(7);
    assertThat(report.totals().skipped().get(SkipReason.BUDGET)).isEqualTo(13);
    assertThat(report.stopReason()).isEqualTo("request budget");
  }

  @Test
  void theRequestBudgetCountsRetries() throws Exception {
    script((path, n) -> new MockResponse.Builder().code(503).build());
    Warmer warmer = Warmer.builder().transport(transport()).noRateLimit().concurrency(2)
        .retry(QUICK_RETRIES).maxRequests(5).build();

    WarmReport report = run(warmer, plan(10, 0));

    assertThat(server.getRequestCount()).isLessThanOrEqualTo(5);
    assertThat(report.totals().requestsSent()).isEqualTo(server.getRequestCount());
    assertThat(report.totals().count(Outcome.WARMED)).isZero();
  }

  @Test
  void theByteBudgetIsNeverExceededWhenSizesAreHinted() throws Exception {
    int body = 1000;
    script((path, n) -> ok(body));
    Warmer warmer = Warmer.builder().transport(transport()).noRateLimit().concurrency(4)
        .maxBytes(5_500).build();

    WarmReport report = run(warmer, plan(20, body));

    assertThat(bytesServed.get()).as("bytes served").isLessThanOrEqualTo(5_500);
    assertThat(server.getRequestCount()).isEqualTo(5);
    assertThat(report.totals().bodyBytes()).isEqualTo(bytesServed.get());
    assertThat(report.totals().skipped().get(SkipReason.BUDGET)).isEqualTo(15);
    assertThat(report.stopReason()).isEqualTo("byte budget");
  }

  @Test
  void theRateCapHoldsInEverySecond() throws Exception {
    double rate = 20;
    int burst = 2;
    int urls = 50;
    script((path, n) -> ok(10));
    java.util.Queue<Long> sent = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Warmer warmer = Warmer.builder().transport(transport()).rateLimit(rate).burst(burst)
        .concurrency(8).listener(new dev.preheat.spi.WarmListener() {
          @Override
          public void targetStarted(dev.preheat.warm.WarmTarget target, int attempt) {
            sent.add(System.nanoTime());
          }
        }).build();

    WarmReport report = run(warmer, plan(urls, 0));

    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(urls);
    // What the token bucket controls: when requests are sent. Exact, whatever the machine load.
    int busiestSent = busiestSecond(sent.stream().mapToLong(Long::longValue).sorted().toArray());
    assertThat(busiestSent).as("requests sent in the busiest 1-second window")
        .isLessThanOrEqualTo((int) rate + burst);
    // What the origin sees: the same, give or take network and scheduling jitter on a busy
    // 2-core machine, which can bunch a few arrivals into one second.
    long[] times = arrivals.stream().mapToLong(Arrival::nanos).sorted().toArray();
    int busiestArrived = busiestSecond(times);
    double seconds = (times[times.length - 1] - times[0]) / 1e9;
    System.out.printf("WarmFaultsTest: %d requests in %.2f s (%.1f/s, cap %.0f/s + burst %d),"
        + " busiest second sent %d, arrived %d%n", urls, seconds, (urls - 1) / seconds, rate,
        burst, busiestSent, busiestArrived);
    assertThat(busiestArrived).as("requests arrived in the busiest 1-second window")
        .isLessThanOrEqualTo((int) rate + burst + 3);
    assertThat((urls - 1) / seconds).as("achieved rate").isLessThanOrEqualTo(rate * 1.25);
  }

  private static int busiestSecond(long[] sortedNanos) {
    int worst = 0;
    for (int i = 0; i < sortedNanos.length; i++) {
      int j = i;
      while (j < sortedNanos.length && sortedNanos[j] - sortedNanos[i] < TimeUnit.SECONDS.toNanos(1)) {
        j++;
      }
      worst = Math.max(worst, j - i);
    }
    return worst;
  }

  @Test
  void theDeadlineCancelsWorkInFlightAndSkipsTheRest() throws Exception {
    script((path, n) -> new MockResponse.Builder().body("late")
        .headersDelay(10, TimeUnit.SECONDS).build());
    Warmer warmer = Warmer.builder().transport(transport(Duration.ofSeconds(30))).noRateLimit()
        .concurrency(2).requestTimeout(Duration.ofSeconds(30))
        .deadline(Duration.ofMillis(300), Duration.ofMillis(200)).build();

    long start = System.nanoTime();
    WarmReport report = run(warmer, plan(6, 0));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    HostFigures totals = report.totals();
    assertThat(totals.count(Outcome.CANCELLED)).isEqualTo(2);
    assertThat(totals.skipped().get(SkipReason.DEADLINE)).isEqualTo(4);
    assertThat(report.stopReason()).isEqualTo("deadline");
    assertThat(report.problems()).extracting(WarmReport.Problem::detail)
        .containsOnly("in flight when the deadline grace period ran out");
    assertThat(server.getRequestCount()).isEqualTo(2);
    // Generous bound: the responses would take 10 s; cancelling ends the run long before.
    assertThat(tookMillis).isLessThan(8_000);
  }
}
