package dev.preheat.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.report.ReportWriter;
import dev.preheat.report.StageReport;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.BudgetLedger;
import dev.preheat.spi.Transport;
import dev.preheat.spi.TransportFactory;
import dev.preheat.testing.FakeTime;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stages, gates, canaries and region budgets on a fake clock with fake caches. */
@org.junit.jupiter.api.Timeout(20)
class StagedWarmTest {

  final FakeTime time = new FakeTime();
  /** Every fake cache by host, and every request in the order sent. */
  final Map<String, FakeCache> caches = new LinkedHashMap<>();
  final List<String> log = new ArrayList<>();
  final List<String> opened = new ArrayList<>();
  final List<String> closed = new ArrayList<>();

  @TempDir Path tmp;

  /**
   * A cache in front of nothing: a URL seen before is a HIT, else a MISS that stores it, unless
   * the cache is broken (never stores) or down (answers 502).
   */
  final class FakeCache implements Transport {
    final String host;
    final Set<String> stored = new HashSet<>();
    final List<Instant> times = new ArrayList<>();
    boolean stores = true;
    boolean down;
    int inFlight;
    int maxInFlight;

    FakeCache(String host) {
      this.host = host;
    }

    @Override
    public synchronized CompletableFuture<WarmResponse> send(WarmRequest request) {
      times.add(time.clock().instant());
      boolean marker = request.headers().containsKey("X-Preheat");
      log.add(host + " " + request.url().getRawPath() + (marker ? "" : " (browser)"));
      CompletableFuture<WarmResponse> f = new CompletableFuture<>();
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      String key = request.url().toString();
      time.schedule(() -> {
        synchronized (this) {
          inFlight--;
        }
        if (down) {
          f.complete(new WarmResponse(502, Map.of(), 10, Duration.ofMillis(5),
              Duration.ofMillis(10), "http/1.1"));
          return;
        }
        boolean hit;
        synchronized (this) {
          hit = stored.contains(key);
          if (stores) {
            stored.add(key);
          }
        }
        f.complete(new WarmResponse(200, Map.of("X-Cache", List.of(hit ? "HIT" : "MISS")), 1000,
            Duration.ofMillis(5), Duration.ofMillis(10), "http/1.1"));
      }, Duration.ofMillis(10));
      return f;
    }

    @Override
    public void close() {
      closed.add(host);
    }
  }

  FakeCache cache(String host) {
    return caches.computeIfAbsent(host, FakeCache::new);
  }

  /** Opens the fake cache named by the stage's target host (without {@code .test}). */
  final TransportFactory factory = stage -> {
    String host = stage.target() == null ? "site.test"
        : stage.target().getHost().replace(".test", "");
    opened.add(stage.name());
    return cache(host);
  };

  Warmer.Builder warmer() {
    return Warmer.builder().transport(cache("site.test")).scheduler(time).random(new Random(7))
        .noRateLimit().cacheStatusReader(WarmerTest.X_CACHE);
  }

  static WarmPlan plan(int entries) {
    WarmPlan.Builder b = WarmPlan.builder().baseUrl(URI.create("http://site.test"));
    for (int i = 0; i < entries; i++) {
      b.entry("/p" + i + "?q=" + i, entries - i, "test");
    }
    return b.build();
  }

  static Stage.Builder stage(String name) {
    return Stage.builder(name).target(URI.create("http://" + name + ".test"));
  }

  static Gate hitGate() {
    return Gate.builder().minHitRatio(0.9).maxErrorRate(0.01).build();
  }

  WarmReport run(Warmer warmer, WarmPlan plan, Stages stages) {
    WarmRun run = warmer.start(plan, stages, factory);
    time.runUntilIdle(Duration.ofHours(3));
    assertThat(run.isDone()).as("staged run finished: %s", run).isTrue();
    WarmReport report = run.completion().join();
    assertThat(report.totals().outcomeSum()).isEqualTo(report.totals().targets());
    assertThat(report.totals().targets()).isEqualTo(
        report.stages().stream().mapToLong(StageReport::targets).sum());
    return report;
  }

  @Test
  void stagesRunInOrderEachAgainstItsOwnTargetWithItsOwnCaps() {
    WarmPlan plan = plan(20);
    Stages stages = Stages.builder().site(URI.create("http://site.test"))
        .stage(stage("shield").concurrency(2).gate(hitGate()).build())
        .stage(stage("edge").concurrency(6).rateLimit(1000).gate(hitGate()).build())
        .build();

    WarmReport report = run(warmer().concurrency(4).build(), plan, stages);

    FakeCache shield = cache("shield");
    FakeCache edge = cache("edge");
    assertThat(shield.times).hasSize(20 + 2);
    assertThat(edge.times).hasSize(20 + 2);
    Instant shieldLast = shield.times.get(shield.times.size() - 1);
    assertThat(edge.times.get(0)).as("edge starts after the shield and its gate")
        .isAfter(shieldLast);
    assertThat(shield.maxInFlight).isEqualTo(2);
    assertThat(edge.maxInFlight).isEqualTo(6);
    assertThat(cache("site.test").times).as("the site itself is never asked").isEmpty();
    assertThat(log).filteredOn(l -> l.startsWith("shield")).first().isEqualTo("shield /p0");
    assertThat(opened).containsExactly("shield", "edge");
    assertThat(closed).containsExactly("shield", "edge");

    assertThat(report.stopReason()).isNull();
    assertThat(report.stages()).extracting(StageReport::name, StageReport::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("shield", StageReport.Status.PASSED),
            org.assertj.core.groups.Tuple.tuple("edge", StageReport.Status.PASSED));
    StageReport edgeReport = report.stages().get(1);
    assertThat(edgeReport.rate()).isEqualTo(1000.0);
    assertThat(edgeReport.concurrency()).isEqualTo(6);
    assertThat(edgeReport.gateDecisions()).singleElement().satisfies(d -> {
      assertThat(d.passed()).isTrue();
      assertThat(d.hitRatio()).isEqualTo(1.0);
      assertThat(d.sampled()).isEqualTo(2);
      assertThat(d.action()).isEqualTo("proceed");
    });
    assertThat(report.totals().targets()).isEqualTo(40);
    assertThat(report.totals().count(Outcome.WARMED)).isEqualTo(40);
    assertThat(report.hosts()).containsOnlyKeys("shield.test", "edge.test");
    String text = ReportWriter.text().write(report);
    assertThat(text).contains("stage 1 shield -> http://shield.test (rate unlimited,"
        + " concurrency 2, 20 targets): PASSED", "stage 2 edge -> http://edge.test (rate 1000/s,"
        + " concurrency 6, 20 targets): PASSED", "gate (run 1): passed - hit ratio 100.0% of 2");
  }

  @Test
  void aFailingGateStopsTheFanOutAndSaysWhy() {
    cache("canary").stores = false;
    Stages stages = Stages.builder().site(URI.create("http://site.test"))
        .stage(stage("shield").gate(hitGate()).build())
        .stage(stage("canary").gate(hitGate()).build())
        .stage(stage("wave1").build())
        .build();

    WarmReport report = run(warmer().build(), plan(10), stages);

    assertThat(opened).containsExactly("shield", "canary");
    assertThat(caches).doesNotContainKey("wave1");
    assertThat(report.stopReason()).isEqualTo("gate failed after stage 'canary'");
    assertThat(report.failedGate()).get().extracting(StageReport::name).isEqualTo("canary");
    StageReport canary = report.stages().get(1);
    assertThat(canary.status()).isEqualTo(StageReport.Status.GATE_FAILED);
    assertThat(canary.detail()).isEqualTo("hit ratio 0.0% < 90.0%");
    assertThat(canary.gateDecisions()).singleElement().satisfies(d -> {
      assertThat(d.passed()).isFalse();
      assertThat(d.action()).isEqualTo("stop");
    });
    StageReport wave = report.stages().get(2);
    assertThat(wave.status()).isEqualTo(StageReport.Status.NOT_RUN);
    assertThat(wave.detail()).isEqualTo("gate failed after stage 'canary'");
    assertThat(wave.attempts()).isZero();
    assertThat(report.totals().skipped().get(SkipReason.STAGE_NOT_RUN)).isEqualTo(10);
    assertThat(report.hosts().get("wave1.test").skipped().get(SkipReason.STAGE_NOT_RUN))
        .isEqualTo(10);
    assertThat(ReportWriter.text().write(report)).contains(
        "(stopped: gate failed after stage 'canary')",
        "gate (run 1): FAILED - hit ratio 0.0% of 1, error rate 0.0% (hit ratio 0.0% < 90.0%)"
            + " -> stop", "stage 3 wave1 -> http://wave1.test", "NOT_RUN");
  }

  @Test
  void anErrorRateGateFailsWhenTheStageCannotReachItsOrigin() {
    cache("shield").down = true;
    Stages stages = Stages.builder().site(URI.create("http://site.test"))
        .stage(stage("shield").gate(Gate.builder().maxErrorRate(0.01).build()).build())
        .stage(stage("edge").build())
        .build();

    WarmReport report = run(warmer().retry(RetrySettings.NONE).build(), plan(5), stages);

    assertThat(report.stages().get(0).detail()).isEqualTo("error rate 100.0% > 1.0%");
    assertThat(caches).doesNotContainKey("edge");
  }

  @Test
  void aFailedGateCanPauseAndRetryTheStage() {
    FakeCache edge = cache("edge");
    edge.stores = false;
    Gate gate = Gate.builder().minHitRatio(0.9).pauseAndRetry(Duration.ofSeconds(30), 2).build();
    Stages stages = Stages.builder().site(URI.create("http://site.test"))
        .stage(stage("edge").gate(gate).build())
        .stage(stage("wave").build())
        .build();
    WarmRun run = warmer().build().start(plan(10), stages, factory);
    time.advance(Duration.ofSeconds(5));
    assertThat(edge.times).hasSize(11);
    // The cache is fixed while the run pauses: the retry passes.
    edge.stores = true;
    time.advance(Duration.ofSeconds(20));
    assertThat(edge.times).as("nothing is sent during the pause").hasSize(11);
    time.runUntilIdle(Duration.ofHours(1));
    WarmReport report = run.completion().join();

    StageReport s = report.stages().get(0);
    assertThat(s.status()).isEqualTo(StageReport.Status.PASSED);
    assertThat(s.attempts()).isEqualTo(2);
    assertThat(s.gateDecisions()).extracting(StageReport.GateDecision::action)
        .containsExactly("retry in 30 s", "proceed");
    assertThat(Duration.between(s.gateDecisions().get(0).at(), edge.times.get(11)))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(report.stages().get(1).status()).isEqualTo(StageReport.Status.COMPLETED);
    assertThat(report.totals().targets()).as("a retried stage counts its targets once")
        .isEqualTo(20);
  }

  @Test
  void listenersHearEachStageStartItsGateDecisionsAndItsEnd() {
    FakeCache edge = cache("edge");
    edge.stores = false;
    Gate gate = Gate.builder().minHitRatio(0.9).pauseAndRetry(Duration.ofSeconds(30), 1).build();
    Stages stages = Stages.builder().site(URI.create("http://site.test"))
        .stage(stage("shield").build())
        .stage(stage("edge").gate(gate).build())
        .stage(stage("wave").build())
        .build();
    List<String> events = new ArrayList<>();
    dev.preheat.spi.WarmListener recorder = new dev.preheat.spi.WarmListener() {
      @Override
      public void runStarted(WarmPlan plan) {
        events.add("run " + plan.targetCount());
      }

      @Override
      public void stageStarted(Stage stage, int attempt, long targets) {
        events.add("start " + stage.name() + " #" + attempt + " " + targets);
      }

      @Override
      public void gateDecided(Stage stage, StageReport.GateDecision d) {
        events.add("gate " + stage.name() + " #" + d.attempt() + " " + d.action());
      }

      @Override
      public void stageFinished(StageReport r) {
        events.add("end " + r.name() + " " + r.status() + " after " + r.attempts());
      }
    };
    dev.preheat.spi.WarmListener throwing = new dev.preheat.spi.WarmListener() {
      @Override
      public void stageStarted(Stage stage, int attempt, long targets) {
        throw new IllegalStateException("listener bug");
      }
    };
    WarmPlan plan = WarmPlan.builder().baseUrl(URI.create("http://site.test"))
        .variant(WarmVariant.of("a", "Accept-Encoding", "gzip"))
        .variant(WarmVariant.of("b", "Accept-Encoding", "br"))
        .entry("/x", 2, "t").entry("/y", 1, "t").build();

    WarmReport report = run(warmer().listener(dev.preheat.spi.WarmListener.composite(throwing,
        recorder)).build(), plan, stages);

    assertThat(events).containsExactly(
        "start shield #1 4", "run 4", "end shield COMPLETED after 1",
        "start edge #1 4", "run 4", "gate edge #1 retry in 30 s",
        "start edge #2 4", "run 4", "gate edge #2 stop", "end edge GATE_FAILED after 2");
    assertThat(report.stages().get(2).status()).isEqualTo(StageReport.Status.NOT_RUN);
  }

  @Test
  void retriesAreBoundedThenTheRunStops() {
    cache("edge").stores = false;
    Gate gate = Gate.builder().minHitRatio(0.5).pauseAndRetry(Duration.ofMinutes(1), 2).build();
    Stages stages = Stages.builder()
        .stage(stage("edge").gate(gate).build()).stage(stage("wave").build()).build();

    WarmReport report = run(warmer().build(), plan(4), stages);

    StageReport s = report.stages().get(0);
    assertThat(s.status()).isEqualTo(StageReport.Status.GATE_FAILED);
    assertThat(s.gateDecisions()).extracting(StageReport.GateDecision::action)
        .containsExactly("retry in 1 min", "retry in 1 min", "stop");
    assertThat(caches).doesNotContainKey("wave");
  }

  @Test
  void aCanaryWarmsTheHottestSliceAndReportsTheUplift() {
    Stages stages = Stages.builder().site(URI.create("http://site.test"))
        .stage(stage("canary").canary(0.1).verifySample(1.0)
            .gate(Gate.builder().minHitRatio(0.9).minUplift(0.5).build()).build())
        .stage(stage("wave").build())
        .build();

    WarmReport report = run(warmer().build(), plan(40), stages);

    FakeCache canary = cache("canary");
    // 4 control probes first (entries 5..8, browser-like), then the slice, then its verification.
    assertThat(log.subList(0, 4)).containsExactly("canary /p4 (browser)", "canary /p5 (browser)",
        "canary /p6 (browser)", "canary /p7 (browser)");
    assertThat(log.subList(4, 8)).containsExactly("canary /p0", "canary /p1", "canary /p2",
        "canary /p3");
    assertThat(canary.times).hasSize(4 + 4 + 4);
    StageReport s = report.stages().get(0);
    assertThat(s.targets()).isEqualTo(4);
    assertThat(s.canary()).isNotNull();
    assertThat(s.canary().entries()).isEqualTo(4);
    assertThat(s.canary().sampledBefore()).isEqualTo(4);
    assertThat(s.canary().hitRatioBefore()).isEqualTo(0.0);
    assertThat(s.canary().hitRatioAfter()).isEqualTo(1.0);
    assertThat(s.canary().uplift()).isEqualTo(1.0);
    assertThat(s.gateDecisions().get(0).uplift()).isEqualTo(1.0);
    assertThat(s.status()).isEqualTo(StageReport.Status.PASSED);
    assertThat(report.stages().get(1).targets()).isEqualTo(40);
    assertThat(ReportWriter.text().write(report)).contains("canary: hottest 4 entries; HIT ratio"
        + " before 0.0% (control sample of 4), after 100.0% (4 sampled); uplift +100.0 points");
  }

  @Test
  void aCanaryWhoseWarmingDoesNotReachBrowsersFailsItsUpliftGate() {
    cache("canary").stores = false;
    Stages stages = Stages.builder()
        .stage(stage("canary").canary(0.25).gate(Gate.builder().minUplift(0.5).build()).build())
        .stage(stage("wave").build())
        .build();

    WarmReport report = run(warmer().build(), plan(8), stages);

    assertThat(report.stages().get(0).detail()).isEqualTo("uplift +0.0 points < +50.0");
    assertThat(caches).doesNotContainKey("wave");
  }

  @Test
  void aRegionPausesAtItsBudgetShareAndASecondRunTheSameDaySeesTheUsage() {
    Path ledgerFile = tmp.resolve("budgets.json");
    RegionBudget budget = RegionBudget.perDay(20, 0).pausingAt(0.5);
    Stages stages = Stages.builder()
        .stage(stage("eu").budget(budget).build())
        .stage(stage("us").build())
        .build();

    WarmReport first;
    try (BudgetLedger ledger = BudgetLedger.file(ledgerFile)) {
      first = run(warmer().budgetLedger(ledger).concurrency(1).build(), plan(16), stages);
    }
    StageReport eu = first.stages().get(0);
    assertThat(eu.status()).isEqualTo(StageReport.Status.BUDGET_PAUSED);
    assertThat(eu.detail()).isEqualTo("region 'eu' paused during the stage at 50% of its daily"
        + " budget: 10 of 20 requests used on 2025-01-01");
    assertThat(eu.budget().paused()).isTrue();
    assertThat(eu.budget().requestsAfter()).isEqualTo(10);
    assertThat(cache("eu").times).hasSize(10);
    assertThat(first.stopReason()).isEqualTo("budget of region 'eu'");
    assertThat(first.stages().get(1).status()).isEqualTo(StageReport.Status.NOT_RUN);

    // A new process the same day: the ledger file remembers the 10 requests.
    try (BudgetLedger ledger = BudgetLedger.file(ledgerFile)) {
      assertThat(ledger.used("eu", java.time.LocalDate.parse("2025-01-01")).requests())
          .isEqualTo(10);
      WarmReport second = run(warmer().budgetLedger(ledger).build(), plan(16), stages);
      assertThat(second.stages().get(0).status()).isEqualTo(StageReport.Status.BUDGET_PAUSED);
      assertThat(second.stages().get(0).detail()).contains("paused before the stage started");
      assertThat(second.totals().skipped().get(SkipReason.BUDGET)).isEqualTo(16);
      assertThat(cache("eu").times).as("nothing sent").hasSize(10);

      // The next day the budget is fresh.
      time.advance(Duration.ofDays(1));
      WarmReport third = run(warmer().budgetLedger(ledger).build(), plan(16), stages);
      assertThat(third.stages().get(0).budget().requestsBefore()).isZero();
      assertThat(third.stages().get(0).budget().day()).isEqualTo("2025-01-02");
    }
  }

  @Test
  void stagesWithoutTargetWarmThePlanUrlsAndSharedTransportsRefusePins() {
    Stages pinned = Stages.builder().stage(Stage.builder("pop").connectTo("10.0.0.7", 443)
        .build()).build();
    assertThatThrownBy(() -> warmer().build().start(plan(1), pinned))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stage 'pop' pins");

    Stages plain = Stages.builder().stage(Stage.builder("all").build()).build();
    WarmRun run = warmer().build().start(plan(3), plain);
    time.runUntilIdle(Duration.ofMinutes(1));
    assertThat(run.completion().join().stages().get(0).status())
        .isEqualTo(StageReport.Status.COMPLETED);
    assertThat(cache("site.test").times).hasSize(3);
  }

  @Test
  void cancellingStopsTheCurrentStageAndTheRestAreCancelled() {
    Stages stages = Stages.builder()
        .stage(stage("shield").build()).stage(stage("edge").build()).build();
    WarmRun run = warmer().concurrency(1).build().start(plan(50), stages, factory);
    time.advance(Duration.ofMillis(105));
    run.cancel();
    time.runUntilIdle(Duration.ofMinutes(1));
    WarmReport report = run.completion().join();
    assertThat(report.stopReason()).isEqualTo("cancelled");
    assertThat(report.stages().get(1).status()).isEqualTo(StageReport.Status.NOT_RUN);
    assertThat(report.totals().count(Outcome.CANCELLED)).isGreaterThanOrEqualTo(50);
    assertThat(report.totals().outcomeSum()).isEqualTo(100);
    assertThat(caches).doesNotContainKey("edge");
  }

  @Test
  void buildersValidate() {
    assertThatThrownBy(() -> Gate.builder().build()).hasMessageContaining("needs a threshold");
    assertThatThrownBy(() -> Gate.builder().minHitRatio(1.5))
        .hasMessageContaining("minHitRatio must be in 0..1 but was 1.5");
    assertThatThrownBy(() -> Gate.builder().stopOnFail().pauseAndRetry(Duration.ZERO, 1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Stage.builder("a b")).hasMessageContaining("stage name");
    assertThatThrownBy(() -> Stage.builder("s").target(URI.create("ftp://x")))
        .hasMessageContaining("stage 's': target must be an absolute http(s) URL");
    assertThatThrownBy(() -> Stage.builder("s").concurrency(2).concurrency(3))
        .hasMessageContaining("concurrency was already set to 2");
    assertThatThrownBy(() -> Stages.builder().stage(Stage.builder("s").build())
        .stage(Stage.builder("s").build())).hasMessageContaining("'s' was already added");
    assertThatThrownBy(() -> RegionBudget.perDay(0, 0)).hasMessageContaining("needs a request");
    assertThatThrownBy(() -> RegionBudget.perDay(10, 0).pausingAt(0))
        .hasMessageContaining("pauseAt must be in (0, 1]");
  }

  @Test
  void retargetingKeepsPathsQueriesAndOtherHosts() {
    Stages s = Stages.builder().site(URI.create("https://www.example.com/"))
        .stage(Stage.builder("x").target(URI.create("http://10.0.0.7:8080")).build()).build();
    Stage x = s.stages().get(0);
    assertThat(s.retarget(URI.create("https://www.example.com/a/b?c=1&d"), x))
        .hasToString("http://10.0.0.7:8080/a/b?c=1&d");
    assertThat(s.retarget(URI.create("https://www.example.com"), x))
        .hasToString("http://10.0.0.7:8080");
    assertThat(s.retarget(URI.create("https://www.example.community/a"), x))
        .hasToString("https://www.example.community/a");
    assertThat(s.retarget(URI.create("https://cdn.example.com/a"), x))
        .hasToString("https://cdn.example.com/a");
  }
}
