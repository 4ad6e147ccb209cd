package dev.preheat.warm;

import static dev.preheat.warm.FakeTransport.Reply.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.report.HostFigures;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.spi.ValidatorStore;
import dev.preheat.spi.WarmListener;
import dev.preheat.status.CacheStatus;
import dev.preheat.status.CacheStatusReader;
import dev.preheat.testing.FakeTime;
import dev.preheat.warm.FakeTransport.Reply;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@org.junit.jupiter.api.Timeout(20)
class WarmerTest {

  static final CacheStatusReader X_CACHE = r -> {
    String v = r.header("X-Cache");
    if (v == null) {
      return CacheStatus.unknown();
    }
    return new CacheStatus(v.startsWith("HIT") ? CacheStatus.Kind.HIT : CacheStatus.Kind.MISS,
        "X-Cache", v, -1);
  };

  final FakeTime time = new FakeTime();
  final FakeTransport transport = new FakeTransport(time);

  Warmer.Builder warmer() {
    return Warmer.builder().transport(transport).scheduler(time).random(new Random(42));
  }

  static WarmPlan plan(int entries, WarmVariant... variants) {
    WarmPlan.Builder b = WarmPlan.builder().baseUrl(java.net.URI.create("http://a.test"));
    for (int i = 0; i < entries; i++) {
      b.entry("/p" + i, entries - i, "test");
    }
    for (WarmVariant v : variants) {
      b.variant(v);
    }
    return b.build();
  }

  WarmReport run(Warmer warmer, WarmPlan plan) {
    WarmRun run = warmer.start(plan);
    time.runUntilIdle(Duration.ofHours(2));
    assertThat(run.isDone()).as("run finished on the fake clock: %s", run).isTrue();
    WarmReport report = run.completion().join();
    assertAccounted(report, plan);
    return report;
  }

  static void assertAccounted(WarmReport report, WarmPlan plan) {
    assertThat(report.totals().targets()).isEqualTo(plan.targetCount());
    assertThat(report.totals().outcomeSum()).as("requested == sum of outcomes")
        .isEqualTo(plan.targetCount());
    for (HostFigures h : report.hosts().values()) {
      assertThat(h.outcomeSum()).isEqualTo(h.targets());
    }
    assertThat(report.totals().skipped().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(report.totals().count(Outcome.SKIPPED));
  }

  @Test
  void warmsEveryEntryTimesVariantWithWarmIdentityAndNoCredentials() {
    WarmPlan plan = plan(3, WarmVariant.of("br", "Accept-Encoding", "br"),
        WarmVariant.of("gz", "Accept-Encoding", "gzip", "Authorization", "Bearer secret",
            "Cookie", "session=abc; cohort=b"));
    WarmReport report = run(warmer().cohortCookie("cohort").build(), plan);

    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(6);
    assertThat(transport.sent).hasSize(6);
    for (FakeTransport.Sent s : transport.sent) {
      assertThat(s.request().method()).isEqualTo("GET");
      assertThat(s.request().headers().get("User-Agent")).contains("Preheat/" + Warmer.VERSION);
      assertThat(s.request().headers()).containsEntry("X-Preheat", "1")
          .doesNotContainKey("Authorization");
    }
    assertThat(transport.sent.get(0).request().url().getPath()).as("hottest first").isEqualTo("/p0");
    List<String> cookies = transport.sent.stream()
        .map(s -> s.request().headers().get("Cookie")).filter(c -> c != null).toList();
    assertThat(cookies).containsOnly("cohort=b").hasSize(3);
  }

  @Test
  void cookiesAreDroppedWhenNoCohortCookieIsConfigured() {
    run(warmer().noWarmHeader().userAgent("MyWarmer/1 Preheat/1").build(),
        plan(1, WarmVariant.of("c", "Cookie", "session=abc")));
    assertThat(transport.sent.get(0).request().headers())
        .doesNotContainKeys("Cookie", "X-Preheat")
        .containsEntry("User-Agent", "MyWarmer/1 Preheat/1");
  }

  static Stream<Arguments> outcomes() {
    IOExceptionHolder io = new IOExceptionHolder();
    return Stream.of(
        Arguments.of("200 MISS", List.of(status(200, "X-Cache", "MISS")), Outcome.WARMED, 1),
        Arguments.of("200 HIT", List.of(status(200, "X-Cache", "HIT")), Outcome.ALREADY_CACHED, 1),
        Arguments.of("304", List.of(status(304)), Outcome.REVALIDATED, 1),
        Arguments.of("no-store", List.of(status(200, "Cache-Control", "no-store")),
            Outcome.UNCACHEABLE, 1),
        Arguments.of("private", List.of(status(200, "Cache-Control", "max-age=60, Private")),
            Outcome.UNCACHEABLE, 1),
        Arguments.of("404", List.of(status(404)), Outcome.FAILED, 1),
        Arguments.of("500 not retried", List.of(status(500)), Outcome.FAILED, 1),
        Arguments.of("503 retried to the limit", List.of(status(503)), Outcome.FAILED, 3),
        Arguments.of("504 then 200", List.of(status(504), status(200)), Outcome.WARMED, 2),
        Arguments.of("502, 502, 200", List.of(status(502), status(502), status(200)),
            Outcome.WARMED, 3),
        Arguments.of("connect refused", List.of(Reply.fail(io.refused())), Outcome.FAILED, 3),
        Arguments.of("timeout then 200",
            List.of(Reply.fail(new SocketTimeoutException("read timed out")), status(200)),
            Outcome.WARMED, 2),
        Arguments.of("hang then 200", List.of(Reply.hanging(), status(200)), Outcome.WARMED, 2),
        Arguments.of("429 without Retry-After then 200", List.of(status(429), status(200)),
            Outcome.WARMED, 2));
  }

  static final class IOExceptionHolder {
    java.io.IOException refused() {
      return FakeTransport.connectRefused();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outcomes")
  void responsesEndInTheRightOutcome(String name, List<Reply> replies, Outcome expected,
      int attempts) {
    transport.on("/p0", replies.toArray(Reply[]::new));
    List<TargetResult> results = new ArrayList<>();
    WarmReport report = run(warmer().cacheStatusReader(X_CACHE)
        .requestTimeout(Duration.ofSeconds(1)).listener(new WarmListener() {
          @Override
          public void targetFinished(TargetResult result) {
            results.add(result);
          }
        }).build(), plan(1));
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(expected);
      assertThat(r.attempts()).isEqualTo(attempts);
    });
    assertThat(report.totals().requestsSent()).isEqualTo(attempts);
    assertThat(report.totals().retries()).isEqualTo(attempts - 1);
    if (expected == Outcome.FAILED || expected == Outcome.UNCACHEABLE) {
      assertThat(report.problems()).singleElement()
          .satisfies(p -> assertThat(p.detail()).isNotBlank());
    }
  }

  @Test
  void setCookieIsUncacheableOnlyForASharedCache() {
    transport.byDefault(status(200, "Set-Cookie", "a=b"));
    assertThat(run(warmer().build(), plan(1)).totals().count(Outcome.WARMED)).isEqualTo(1);
    assertThat(run(warmer().sharedCache(true).build(), plan(1)).totals()
        .count(Outcome.UNCACHEABLE)).isEqualTo(1);
  }

  @Test
  void rateCapIsNeverExceededInAnyOneSecondWindowAndHeldWithinFivePercent() {
    WarmPlan plan = plan(500);
    run(warmer().rateLimit(50).burst(5).concurrency(64).build(), plan);
    List<Long> at = transport.sent.stream()
        .map(s -> Duration.between(Instant.parse("2025-01-01T00:00:00Z"), s.at()).toNanos())
        .toList();
    assertThat(at).hasSize(500);
    int j = 0;
    for (int i = 0; i < at.size(); i++) {
      while (at.get(i) - at.get(j) >= 1_000_000_000L) {
        j++;
      }
      assertThat(i - j + 1).as("requests in the second before request %d", i).isLessThanOrEqualTo(55);
    }
    // The first burst is free; after it requests are spaced at the rate.
    double seconds = (at.get(499) - at.get(5)) / 1e9;
    double rate = 494 / seconds;
    assertThat(rate).isBetween(50 * 0.95, 50 * 1.05);
  }

  @Test
  void concurrencyCapHolds() {
    transport.byDefault(status(200).after(Duration.ofMillis(300)));
    WarmReport report = run(warmer().noRateLimit().concurrency(4).build(), plan(40));
    assertThat(transport.maxInFlight).isEqualTo(4);
    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(40);
    assertThat(report.totals().totalTime().p50Millis()).isBetween(290.0, 310.0);
  }

  static Stream<Arguments> retryAfterValues() {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        Instant.parse("2025-01-01T00:00:20Z").atOffset(ZoneOffset.UTC));
    return Stream.of(Arguments.of("20", 20), Arguments.of(date, 20));
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @MethodSource("retryAfterValues")
  void retryAfterPausesOnlyThatHost(String retryAfter, int seconds) {
    transport.on("/p0", status(429, "Retry-After", retryAfter), status(200));
    List<String> events = new ArrayList<>();
    WarmPlan plan = WarmPlan.builder().entry("http://a.test/p0", 3, "t")
        .entry("http://a.test/p1", 2, "t").entry("http://b.test/p2", 1, "t").build();
    WarmReport report = run(warmer().concurrency(1).listener(new WarmListener() {
      @Override
      public void paused(String host, String reason, Duration d) {
        events.add("paused " + host + " " + d.toSeconds());
      }

      @Override
      public void resumed(String host) {
        events.add("resumed " + host);
      }
    }).build(), plan);

    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(3);
    assertThat(events).containsExactly("paused a.test " + seconds, "resumed a.test");
    Instant bSent = transport.requestsFor("/p2").size() == 1 ? transport.sent.stream()
        .filter(s -> s.request().url().getHost().equals("b.test")).findFirst().orElseThrow().at()
        : null;
    assertThat(bSent).as("other host not paused").isBefore(Instant.parse("2025-01-01T00:00:01Z"));
    Instant aAgain = transport.sent.stream().filter(s -> s.request().url().getHost().equals("a.test"))
        .skip(1).findFirst().orElseThrow().at();
    assertThat(aAgain).isAfterOrEqualTo(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(seconds));
    assertThat(report.hosts().get("a.test").pauses()).containsEntry("retryAfter", 1L);
  }

  @Test
  void tooLongRetryAfterIsClampedAndReported() {
    transport.on("/p0", status(503, "Retry-After", "86400"), status(200));
    WarmReport report = run(warmer().maxRetryAfter(Duration.ofSeconds(60)).build(), plan(1));
    assertThat(report.clamps()).singleElement().asString().contains("86400 s", "60 s");
    assertThat(transport.sent.get(1).at()).isEqualTo(Instant.parse("2025-01-01T00:01:00Z"));
  }

  @Test
  void breakerOpensPerHostProbesAndResumesAtReducedRate() {
    // Host a fails 6 times (5 open the breaker, the 6th is a failed probe), then recovers;
    // host b is healthy throughout.
    List<Reply> failing = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      failing.add(status(502));
    }
    failing.add(status(200));
    WarmPlan.Builder b = WarmPlan.builder();
    for (int i = 0; i < 30; i++) {
      b.entry("http://a.test/x", 100, "t");
      b.entry("http://a.test/a" + i, 50 - i, "t");
      b.entry("http://b.test/b" + i, 10, "t");
    }
    transport.byDefault(status(200));
    FakeTransport.Reply[] script = failing.toArray(Reply[]::new);
    // Every path on a.test shares one failure script by routing through a fixed counter.
    AtomicInteger aCalls = new AtomicInteger();
    List<String> events = new ArrayList<>();
    FakeTransport t = new FakeTransport(time) {
      @Override
      public synchronized java.util.concurrent.CompletableFuture<WarmResponse> send(WarmRequest r) {
        if (r.url().getHost().equals("a.test")) {
          int n = aCalls.getAndIncrement();
          on(r.url().getPath(), script[Math.min(n, script.length - 1)]);
        }
        return super.send(r);
      }
    };
    Warmer warmer = Warmer.builder().transport(t).scheduler(time).random(new Random(1))
        .concurrency(1).rateLimit(100)
        .retry(RetrySettings.NONE)
        .breaker(new BreakerSettings(10, 5, 0.5, Duration.ofSeconds(30), 2, 2.0,
            Duration.ofSeconds(10)))
        .listener(new WarmListener() {
          @Override
          public void breakerOpened(String host, double errorRate) {
            events.add("open " + host);
          }

          @Override
          public void breakerClosed(String host) {
            events.add("closed " + host);
          }
        }).build();
    WarmPlan plan = b.build();
    WarmRun run = warmer.start(plan);
    time.runUntilIdle(Duration.ofHours(1));
    assertThat(run.isDone()).as("run finished: %s", run).isTrue();
    WarmReport report = run.completion().join();
    assertAccounted(report, plan);

    assertThat(events).containsExactly("open a.test", "open a.test", "closed a.test");
    HostFigures a = report.hosts().get("a.test");
    assertThat(a.breakerOpens()).isEqualTo(2);
    assertThat(a.count(Outcome.FAILED)).isEqualTo(6);
    assertThat(report.hosts().get("b.test").breakerOpens()).isZero();
    assertThat(report.hosts().get("b.test").count(Outcome.WARMED)).isEqualTo(30);
    // No request to a.test while open: 5 failures at t~0, then a probe only after 30 s.
    List<Instant> aTimes = t.sent.stream().filter(s -> s.request().url().getHost().equals("a.test"))
        .map(FakeTransport.Sent::at).toList();
    assertThat(aTimes.get(5)).isAfterOrEqualTo(aTimes.get(4).plusSeconds(30));
    // After closing, a.test is held to 2/s.
    Instant closedAt = aTimes.get(aTimes.size() - 20);
    long inFirstSecondAfter = aTimes.stream()
        .filter(x -> !x.isBefore(closedAt) && x.isBefore(closedAt.plusSeconds(1))).count();
    assertThat(inFirstSecondAfter).isLessThanOrEqualTo(3);
  }

  /** Issue 4 follow-up: a dead origin took 600 s and 21 breaker openings to fail 10 targets. */
  @Test
  void aDeadOriginIsGivenUpAfterThreeOpeningsInARowAndItsTargetsFailFast() {
    WarmPlan.Builder b = WarmPlan.builder();
    for (int i = 0; i < 10; i++) {
      b.entry("http://dead.test/d" + i, 100 - i, "t");
      b.entry("http://ok.test/o" + i, 50 - i, "t");
    }
    WarmPlan plan = b.build();
    FakeTransport t = new FakeTransport(time) {
      @Override
      public synchronized java.util.concurrent.CompletableFuture<WarmResponse> send(WarmRequest r) {
        if (r.url().getHost().equals("dead.test")) {
          on(r.url().getPath(), Reply.fail(FakeTransport.connectRefused()));
        }
        return super.send(r);
      }
    };
    List<String> events = new ArrayList<>();
    WarmReport report = run(Warmer.builder().transport(t).scheduler(time).random(new Random(7))
        .listener(new WarmListener() {
          @Override
          public void breakerOpened(String host, double errorRate) {
            events.add("opened " + host);
          }

          @Override
          public void paused(String host, String reason, Duration d) {
            events.add("paused " + host + ": " + reason + " for " + d.toSeconds() + " s");
          }
        }).build(), plan);

    HostFigures dead = report.hosts().get("dead.test");
    assertThat(dead.count(Outcome.FAILED)).isEqualTo(10);
    assertThat(dead.breakerOpens()).isEqualTo(BreakerSettings.DEFAULT_GIVE_UP_AFTER);
    assertThat(report.problems()).hasSize(10).allSatisfy(p -> assertThat(p.detail())
        .contains("breaker open: host given up after 3 openings in a row"));
    assertThat(report.hosts().get("ok.test").count(Outcome.WARMED)).isEqualTo(10);
    assertThat(events).containsExactly(
        "opened dead.test", "paused dead.test: breaker open for 30 s",
        "opened dead.test", "paused dead.test: breaker open for 30 s",
        "opened dead.test",
        "paused dead.test: breaker open: host given up after 3 openings in a row for 0 s");
    // Open, 30 s, a failed probe, 30 s, a failed probe: about a minute, not ten.
    assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(70));
    Instant lastSent = t.sent.stream().filter(s -> s.request().url().getHost().equals("dead.test"))
        .map(FakeTransport.Sent::at).max(Instant::compareTo).orElseThrow();
    assertThat(t.sent.stream().filter(s -> s.request().url().getHost().equals("dead.test"))
        .filter(s -> s.at().isAfter(lastSent.minusSeconds(29)))).hasSize(1);
  }

  @Test
  void giveUpAfterIsConfigurableAndZeroKeepsProbingUntilTheDeadline() {
    transport.byDefault(Reply.fail(FakeTransport.connectRefused()));
    BreakerSettings once = BreakerSettings.DEFAULTS.withGiveUpAfter(1);
    WarmReport quick = run(warmer().breaker(once).build(), plan(12));
    assertThat(quick.totals().breakerOpens()).isEqualTo(1);
    assertThat(quick.totals().count(Outcome.FAILED)).isEqualTo(12);
    assertThat(quick.elapsed()).isLessThan(Duration.ofSeconds(30));
    assertThat(quick.stopReason()).isNull();

    transport.sent.clear();
    WarmReport never = run(warmer().breaker(BreakerSettings.DEFAULTS.withGiveUpAfter(0))
        .deadline(Duration.ofMinutes(5)).build(), plan(12));
    assertThat(never.totals().breakerOpens()).isGreaterThan(5);
    assertThat(never.stopReason()).isEqualTo("deadline");
    assertThat(never.problems()).noneSatisfy(p -> assertThat(p.detail()).contains("given up"));

    assertThatThrownBy(() -> BreakerSettings.DEFAULTS.withGiveUpAfter(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("giveUpAfter");
  }

  @Test
  void aBreakerThatClosesStartsCountingOpeningsAfresh() {
    // 10 failures open it, a good probe closes it, 10 more failures open it again: with
    // giveUpAfter 2 that is not two openings in a row, so the host is not given up.
    List<Reply> script = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      script.add(Reply.fail(FakeTransport.connectRefused()));
    }
    script.add(status(200));
    for (int i = 0; i < 10; i++) {
      script.add(Reply.fail(FakeTransport.connectRefused()));
    }
    AtomicInteger calls = new AtomicInteger();
    FakeTransport t = new FakeTransport(time) {
      @Override
      public synchronized java.util.concurrent.CompletableFuture<WarmResponse> send(WarmRequest r) {
        int n = calls.getAndIncrement();
        on(r.url().getPath(), n < script.size() ? script.get(n) : status(200));
        return super.send(r);
      }
    };
    WarmReport report = run(Warmer.builder().transport(t).scheduler(time).random(new Random(3))
        .concurrency(1).retry(RetrySettings.NONE)
        .breaker(new BreakerSettings(10, 10, 0.5, Duration.ofSeconds(30), 1, 100,
            Duration.ZERO, 2)).build(), plan(40));
    assertThat(report.totals().breakerOpens()).isEqualTo(2);
    assertThat(report.problems()).noneSatisfy(p -> assertThat(p.detail()).contains("given up"));
    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(20);
  }

  @Test
  void requestBudgetStopsBeforeItIsExceeded() {
    List<String> paused = new ArrayList<>();
    WarmReport report = run(warmer().maxRequests(5).listener(new WarmListener() {
      @Override
      public void paused(String host, String reason, Duration d) {
        paused.add(host + ": " + reason);
      }
    }).build(), plan(10));
    assertThat(transport.sent).hasSize(5);
    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(5);
    assertThat(report.totals().skipped()).containsEntry(SkipReason.BUDGET, 5L);
    assertThat(report.stopReason()).isEqualTo("request budget");
    assertThat(paused).singleElement().asString().startsWith("*: request budget reached");
  }

  @Test
  void byteBudgetStopsWhenTheExpectedSizeNoLongerFits() {
    transport.byDefault(status(200).bytes(1000));
    WarmReport report = run(warmer().concurrency(1).maxBytes(3500).build(), plan(10));
    assertThat(report.totals().bodyBytes()).isEqualTo(3000).isLessThanOrEqualTo(3500);
    assertThat(report.totals().skipped()).containsEntry(SkipReason.BUDGET, 7L);
    assertThat(report.stopReason()).isEqualTo("byte budget");
  }

  @Test
  void byteBudgetUsesSizeHintsBeforeAnythingWasSeen() {
    WarmPlan plan = WarmPlan.builder().entry("http://a.test/big", 2, "t", 5000)
        .entry("http://a.test/small", 1, "t", 10).build();
    WarmReport report = run(warmer().maxBytes(1000).build(), plan);
    assertThat(transport.sent).isEmpty();
    assertThat(report.totals().skipped()).containsEntry(SkipReason.BUDGET, 2L);
  }

  @Test
  void deadlineSkipsUnstartedWorkAndCancelsInFlightAfterGrace() {
    transport.byDefault(status(200).after(Duration.ofSeconds(4)));
    transport.on("/p1", Reply.hanging());
    WarmPlan plan = plan(10);
    WarmReport report = run(warmer().noRateLimit().concurrency(2)
        .deadline(Duration.ofSeconds(10), Duration.ofSeconds(2)).build(), plan);
    // t=0: p0,p1; t=4: p0 done, p2; t=8: p2 done, p3; t=10 deadline; t=12 grace: p3 finishes at 12.
    assertThat(report.stopReason()).isEqualTo("deadline");
    assertThat(report.totals().skipped().get(SkipReason.DEADLINE)).isEqualTo(6);
    assertThat(report.totals().count(Outcome.CANCELLED)).isEqualTo(1);
    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(3);
    assertThat(transport.sent).hasSize(4);
  }

  @Test
  void cancelAccountsForQueuedRetryingAndInFlightTargets() {
    transport.byDefault(status(200).after(Duration.ofSeconds(1)));
    transport.on("/p0", status(503));
    WarmPlan plan = plan(20);
    WarmRun run = warmer().noRateLimit().concurrency(3).build().start(plan);
    time.advance(Duration.ofMillis(1500));
    run.cancel();
    run.cancel();
    time.runUntilIdle(Duration.ofMinutes(1));
    assertThat(run.isDone()).as("run finished: %s", run).isTrue();
    WarmReport report = run.completion().join();
    assertAccounted(report, plan);
    assertThat(report.stopReason()).isEqualTo("cancelled");
    // p0 fails fast and waits to retry; p1..p3 finish at 1 s; p4..p6 are in flight at 1.5 s.
    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(3);
    assertThat(report.totals().count(Outcome.CANCELLED)).isEqualTo(17);
    assertThat(report.problems()).filteredOn(p -> p.detail().contains("not retried: cancelled"))
        .singleElement().satisfies(p -> assertThat(p.detail()).startsWith("HTTP 503"));
  }

  @Test
  void validatorsMakeTheNextRunConditionalAndUncacheableUrlsAreDropped(@TempDir Path dir) {
    Path file = dir.resolve("validators.json");
    transport.on("/p0", status(200, "ETag", "\"v1\"", "Last-Modified",
        "Wed, 01 Jan 2025 00:00:00 GMT"), status(304));
    transport.on("/p1", status(200, "Cache-Control", "no-store"));
    ValidatorStore store = ValidatorStore.file(file);
    WarmReport first = run(warmer().validators(store).build(), plan(3));
    assertThat(first.totals().fullFetches()).isEqualTo(3);
    assertThat(first.totals().count(Outcome.UNCACHEABLE)).isEqualTo(1);
    assertThat(file).exists();

    ValidatorStore reopened = ValidatorStore.file(file);
    WarmReport second = run(warmer().validators(reopened).build(), plan(3));
    WarmRequest conditional = transport.requestsFor("/p0").get(1);
    assertThat(conditional.headers()).containsEntry("If-None-Match", "\"v1\"")
        .containsEntry("If-Modified-Since", "Wed, 01 Jan 2025 00:00:00 GMT");
    assertThat(second.totals().count(Outcome.REVALIDATED)).isEqualTo(1);
    assertThat(second.totals().conditionalFetches()).isEqualTo(1);
    assertThat(second.totals().skipped()).containsEntry(SkipReason.KNOWN_UNCACHEABLE, 1L);
    assertThat(transport.requestsFor("/p1")).hasSize(1);
  }

  @Test
  void restartedRunResumesFromCheckpointsWithoutRedoingWork(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("checkpoints.jsonl");
    transport.byDefault(status(200).after(Duration.ofSeconds(1)));
    WarmPlan plan = plan(10);
    CheckpointStore first = CheckpointStore.file(file);
    WarmRun run = warmer().noRateLimit().concurrency(2).checkpoints(first).build().start(plan);
    time.advance(Duration.ofMillis(2500));
    run.cancel();
    time.runUntilIdle(Duration.ofMinutes(1));
    assertThat(run.isDone()).as("run finished: %s", run).isTrue();
    WarmReport cancelled = run.completion().join();
    first.close();
    long warmed = cancelled.totals().count(Outcome.WARMED);
    assertThat(warmed).isEqualTo(4);
    // Simulate a crash mid-write: a torn last line.
    Files.writeString(file, Files.readString(file) + "{\"plan\":\"" + plan.hash() + "\",\"ke",
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);

    int sentBefore = transport.sent.size();
    CheckpointStore second = CheckpointStore.file(file);
    WarmReport resumed = run(warmer().noRateLimit().checkpoints(second).build(), plan);
    second.close();
    assertThat(resumed.totals().skipped()).containsEntry(SkipReason.CHECKPOINTED, warmed);
    assertThat(resumed.totals().count(Outcome.WARMED)).isEqualTo(10 - warmed);
    assertThat(transport.sent.size() - sentBefore).isEqualTo(10 - (int) warmed);
    // the resumed run completed: its checkpoints are cleared, so the next run warms again
    assertThat(CheckpointStore.file(file).finished(plan.hash())).isEmpty();
    int sentBeforeThird = transport.sent.size();
    WarmReport third = run(warmer().noRateLimit().checkpoints(CheckpointStore.file(file)).build(),
        plan);
    assertThat(third.totals().count(Outcome.WARMED)).isEqualTo(10);
    assertThat(transport.sent.size() - sentBeforeThird).isEqualTo(10);
    // checkpointed targets were warmed by the earlier run: they count for the SLO
    assertThat(resumed.slo().achievedShare()).isEqualTo(1.0);
    assertThat(resumed.slo().met()).isTrue();
  }

  @Test
  void verificationUsesBrowserHeadersAndListsWarmedKeysThatStillMiss() {
    transport.byDefault(status(200, "X-Cache", "MISS"));
    List<String> uaByVerify = new ArrayList<>();
    FakeTransport verifyingCache = new FakeTransport(time) {
      @Override
      public synchronized java.util.concurrent.CompletableFuture<WarmResponse> send(WarmRequest r) {
        if (!r.headers().containsKey("X-Preheat")) {
          uaByVerify.add(r.headers().get("User-Agent"));
          // The cache keys on Accept-Language: only the "en" variant is stored.
          boolean hit = "en".equals(r.headers().get("Accept-Language"));
          on(r.url().getPath(), status(200, "X-Cache", hit ? "HIT" : "MISS"));
        } else {
          on(r.url().getPath(), status(200, "X-Cache", "MISS"));
        }
        return super.send(r);
      }
    };
    WarmPlan plan = plan(10, WarmVariant.of("en", "Accept-Language", "en"),
        WarmVariant.of("fr", "Accept-Language", "fr"));
    Warmer warmer = Warmer.builder().transport(verifyingCache).scheduler(time)
        .cacheStatusReader(X_CACHE).verify(VerifySettings.sample(0.2)).build();
    WarmRun run = warmer.start(plan);
    time.runUntilIdle(Duration.ofHours(1));
    assertThat(run.isDone()).as("run finished: %s", run).isTrue();
    WarmReport report = run.completion().join();
    assertAccounted(report, plan);
    WarmReport.Verification v = report.verification();
    assertThat(v).isNotNull();
    assertThat(v.sampled()).isEqualTo(4);
    assertThat(v.hits()).isEqualTo(2);
    assertThat(v.hitRatio()).isEqualTo(0.5);
    assertThat(v.misses()).hasSize(2).allSatisfy(m -> assertThat(m).startsWith("fr "));
    assertThat(uaByVerify).hasSize(4).allSatisfy(ua -> assertThat(ua)
        .isEqualTo(VerifySettings.DEFAULT_USER_AGENT));
    assertThat(report.totals().requestsSent()).as("verification is not warm traffic").isEqualTo(20);
  }

  @Test
  void verificationSamplesAtLeastOneTarget() {
    WarmReport report = run(warmer().verify(VerifySettings.sample(0.001)).build(), plan(3));
    assertThat(report.verification()).isNotNull();
    assertThat(report.verification().sampled()).isEqualTo(1);
  }

  @Test
  void deniedPathsAreSkippedAndNeverRequested() {
    WarmPlan plan = WarmPlan.builder().baseUrl(java.net.URI.create("http://a.test"))
        .entry("/admin/x", 3, "t").entry("/shop/a", 2, "t").entry("/blog/b", 1, "t").build();
    WarmReport report = run(warmer().allowPathPrefix("/shop").allowPathPrefix("/admin")
        .denyPathPrefix("/admin").build(), plan);
    assertThat(report.totals().skipped()).containsEntry(SkipReason.DENIED, 2L);
    assertThat(transport.sent).singleElement()
        .satisfies(s -> assertThat(s.request().url().getPath()).isEqualTo("/shop/a"));
  }

  @Test
  void aThrowingListenerNeverStopsTheRun() {
    AtomicInteger finished = new AtomicInteger();
    WarmListener thrower = new WarmListener() {
      @Override
      public void targetFinished(TargetResult result) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void runStarted(WarmPlan plan) {
        throw new IllegalStateException("boom");
      }
    };
    WarmListener counter = new WarmListener() {
      @Override
      public void targetFinished(TargetResult result) {
        finished.incrementAndGet();
      }
    };
    WarmReport report = run(warmer().listener(WarmListener.composite(thrower, counter)).build(),
        plan(5));
    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(5);
    assertThat(finished).hasValue(5);
  }

  @Test
  void queryValuesAreRedactedInReportsByDefault() {
    WarmPlan plan = WarmPlan.builder().entry("http://a.test/s?token=abc123&q=x", 1, "t").build();
    transport.byDefault(status(404));
    WarmReport report = run(warmer().build(), plan);
    assertThat(report.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).matches("default http://a\\.test/s\\?token=~[0-9a-f]{8}&q=~[0-9a-f]{8}")
          .doesNotContain("abc123");
      assertThat(p.detail()).isEqualTo("HTTP 404");
    });
    WarmReport shown = run(warmer().showQueryValues(true).build(), plan);
    assertThat(shown.problems().get(0).key()).contains("token=abc123");
  }

  @Test
  void sloVerdictCountsGoodOutcomesWithinTheWindow() {
    transport.byDefault(status(200).after(Duration.ofSeconds(10)));
    WarmReport report = run(warmer().noRateLimit().concurrency(1)
        .slo(0.5, Duration.ofSeconds(55)).build(), plan(10));
    assertThat(report.slo().achievedShare()).isEqualTo(0.5);
    assertThat(report.slo().met()).isTrue();
    assertThat(report.elapsed()).isEqualTo(Duration.ofSeconds(100));
  }

  @Test
  void sloCountsOnlyWarmableTargets() {
    transport.byDefault(status(200));
    transport.on("/p0", status(200, "Cache-Control", "no-store"));
    transport.on("/p1", status(200, "Cache-Control", "private, max-age=60"));
    WarmReport report = run(warmer().noRateLimit().denyPathPrefix("/p2")
        .slo(1.0, Duration.ofMinutes(15)).build(), plan(10));
    assertThat(report.totals().count(Outcome.UNCACHEABLE)).isEqualTo(2);
    assertThat(report.totals().skipped()).containsEntry(SkipReason.DENIED, 1L);
    assertThat(report.slo().achievedShare()).isEqualTo(1.0);
    assertThat(report.slo().met()).isTrue();
  }

  @Test
  void listenersSeeEveryWarmResponseWithItsHeaders() {
    transport.on("/p0", status(503), status(200, "Surrogate-Key", "a b"));
    transport.on("/p1", status(404));
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    WarmListener listener = new WarmListener() {
      @Override
      public void responseReceived(WarmTarget target, WarmResponse response) {
        seen.add(target.entry().url().getPath() + " " + response.status() + " "
            + response.header("Surrogate-Key"));
      }
    };
    run(warmer().noRateLimit().listener(listener).build(), plan(2));
    assertThat(seen).containsExactlyInAnyOrder(
        "/p0 503 null", "/p0 200 a b", "/p1 404 null");
  }

  @Test
  void builderRejectsBadAndRepeatedSettings() {
    assertThatThrownBy(() -> Warmer.builder().concurrency(0))
        .hasMessage("concurrency must be >= 1 but was 0");
    assertThatThrownBy(() -> Warmer.builder().rateLimit(5).rateLimit(6))
        .isInstanceOf(IllegalStateException.class).hasMessage("rateLimit was already set to 5.0");
    assertThatThrownBy(() -> Warmer.builder().maxBytes(-1))
        .hasMessage("maxBytes must be >= 1 but was -1");
    assertThatThrownBy(() -> Warmer.builder().build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("transport is required");
    assertThatThrownBy(() -> new RetrySettings(0, Duration.ofMillis(1), Duration.ofMillis(1)))
        .hasMessage("maxAttempts must be >= 1 but was 0");
    assertThatThrownBy(() -> Warmer.builder().userAgent("x\r\nX-Evil: 1"))
        .hasMessageContaining("carriage return (CR");
  }
}
