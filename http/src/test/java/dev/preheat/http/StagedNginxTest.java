package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.http.testing.NginxServer;
import dev.preheat.http.testing.TestOrigin;
import dev.preheat.report.ReportWriter;
import dev.preheat.report.StageReport;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.Transport;
import dev.preheat.spi.TransportFactory;
import dev.preheat.status.CacheStatus;
import dev.preheat.status.CacheStatusReader;
import dev.preheat.warm.Gate;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import dev.preheat.warm.Stage;
import dev.preheat.warm.Stages;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import dev.preheat.warm.WarmVariant;
import dev.preheat.warm.Warmer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Staged warming through two real nginx caches chained on loopback, as a CDN is: an edge whose
 * upstream is a shield whose upstream is the origin. Both stages warm the same site URL, each
 * pinned to its cache's address (PoP pinning), so the edge is warmed through the shield.
 */
class StagedNginxTest {

  static final String SITE = "http://www.shop.test";
  static final WarmVariant GZIP = WarmVariant.of("gzip", "Accept-Encoding", "gzip");

  /** Every warm or verification request, tagged with the stage whose transport sent it. */
  final List<String> sent = Collections.synchronizedList(new ArrayList<>());
  final List<String> opened = Collections.synchronizedList(new ArrayList<>());

  /** The public per-stage OkHttp factory (pins, concurrency), recording what each stage sends. */
  final TransportFactory transports = recording(OkHttpTransport.factory(URI.create(SITE),
      b -> b.readTimeout(Duration.ofSeconds(10)).maxConcurrency(4)));

  TransportFactory recording(TransportFactory okhttpFactory) {
    return stage -> {
      opened.add(stage.name());
      Transport okhttp = okhttpFactory.open(stage);
      return new Transport() {
        @Override
        public CompletableFuture<WarmResponse> send(WarmRequest request) {
          sent.add(stage.name() + " " + request.url().getPath());
          return okhttp.send(request);
        }

        @Override
        public void close() {
          okhttp.close();
        }
      };
    };
  }

  static WarmPlan plan(int pages) {
    WarmPlan.Builder plan = WarmPlan.builder().baseUrl(URI.create(SITE)).variant(GZIP);
    for (int i = 0; i < pages; i++) {
      plan.entry("/product/" + i, pages - i, "test");
    }
    return plan.build();
  }

  static Stage.Builder pinned(String name, NginxServer cache) {
    return Stage.builder(name).connectTo("127.0.0.1", cache.port());
  }

  static Warmer warmer() {
    return Warmer.builder().transport(OkHttpTransport.create()).noRateLimit().concurrency(4)
        .requestTimeout(Duration.ofSeconds(10)).build();
  }

  static Gate gate() {
    return Gate.builder().minHitRatio(0.9).maxErrorRate(0.01).build();
  }

  @Test
  void theShieldIsSeededFirstAndTheEdgeIsWarmedThroughIt() throws Exception {
    try (TestOrigin origin = TestOrigin.start();
        NginxServer shield = NginxServer.start(origin.port());
        NginxServer edge = NginxServer.start(shield.port())) {
      Stages stages = Stages.builder().site(URI.create(SITE))
          .stage(pinned("shield", shield).concurrency(2).gate(gate()).verifySample(1.0).build())
          .stage(pinned("edge", edge).concurrency(4).gate(gate()).verifySample(1.0).build())
          .build();

      WarmReport report = warmer().start(plan(12), stages, transports)
          .await(Duration.ofSeconds(60));

      // Order: every shield request (warm and verify) before the first edge request.
      int firstEdge = sent.indexOf(sent.stream().filter(s -> s.startsWith("edge")).findFirst()
          .orElseThrow());
      assertThat(sent.subList(0, firstEdge)).hasSize(24).allMatch(s -> s.startsWith("shield "));
      assertThat(sent.subList(firstEdge, sent.size())).hasSize(24)
          .allMatch(s -> s.startsWith("edge "));
      // The origin answered each page once: the shield's warm. The edge filled from the shield.
      for (int i = 0; i < 12; i++) {
        assertThat(origin.hits("/product/" + i)).as("origin hits of /product/%d", i).isEqualTo(1);
      }
      assertThat(report.stopReason()).as(ReportWriter.text().write(report)).isNull();
      assertThat(report.stages()).extracting(StageReport::status)
          .containsExactly(StageReport.Status.PASSED, StageReport.Status.PASSED);
      for (StageReport s : report.stages()) {
        assertThat(s.report().totals().count(Outcome.WARMED)).as(s.name()).isEqualTo(12);
        assertThat(s.gateDecisions()).singleElement().satisfies(d -> {
          assertThat(d.hitRatio()).isEqualTo(1.0);
          assertThat(d.sampled()).isEqualTo(12);
        });
      }
      assertThat(report.stages().get(1).connectTo()).isEqualTo("127.0.0.1:" + edge.port());
      // A browser at the edge now gets a HIT without reaching the shield or the origin.
      int before = origin.totalHits();
      try (OkHttpTransport browser = OkHttpTransport.builder()
          .connectTo("www.shop.test", new InetSocketAddress("127.0.0.1", edge.port())).build()) {
        WarmResponse r = browser.send(WarmRequest.get(URI.create(SITE + "/product/3"),
            Map.of("Accept-Encoding", "gzip"))).get(10, TimeUnit.SECONDS);
        assertThat(CacheStatusReader.standard().read(r).kind()).isEqualTo(CacheStatus.Kind.HIT);
      }
      assertThat(origin.totalHits()).isEqualTo(before);
      // The shield's log shows the edge's fetches arriving after the shield was warmed.
      List<String> shieldLog = Files.readAllLines(shield.accessLog());
      assertThat(shieldLog).hasSize(24 + 12);
    }
  }

  @Test
  void aFailingGateStopsTheFanOutBeforeAnyEdgeIsAsked() throws Exception {
    TestOrigin origin = TestOrigin.start();
    int deadOrigin = origin.port();
    // The origin is down: the shield answers 502 for everything.
    origin.close();
    try (NginxServer shield = NginxServer.start(deadOrigin);
        NginxServer canary = NginxServer.start(shield.port());
        NginxServer wave = NginxServer.start(shield.port())) {
      Stages stages = Stages.builder().site(URI.create(SITE))
          .stage(pinned("shield", shield).gate(gate()).build())
          .stage(pinned("canary", canary).canary(0.2).gate(gate()).build())
          .stage(pinned("wave", wave).build())
          .build();

      WarmReport report = Warmer.builder().transport(OkHttpTransport.create()).noRateLimit()
          .retry(dev.preheat.warm.RetrySettings.NONE).build()
          .start(plan(10), stages, transports).await(Duration.ofSeconds(60));

      assertThat(opened).containsExactly("shield");
      assertThat(sent).allMatch(s -> s.startsWith("shield "));
      assertThat(Files.readAllLines(canary.accessLog())).isEmpty();
      assertThat(Files.readAllLines(wave.accessLog())).isEmpty();
      StageReport s = report.stages().get(0);
      assertThat(s.status()).isEqualTo(StageReport.Status.GATE_FAILED);
      assertThat(s.detail()).isEqualTo("hit ratio unknown: no target was verified (nothing"
          + " warmed); error rate 100.0% > 1.0%");
      assertThat(report.stopReason()).isEqualTo("gate failed after stage 'shield'");
      assertThat(report.stages().subList(1, 3)).extracting(StageReport::status)
          .containsOnly(StageReport.Status.NOT_RUN);
      assertThat(report.totals().skipped().get(SkipReason.STAGE_NOT_RUN)).isEqualTo(2 + 10);
      assertThat(report.totals().count(Outcome.FAILED)).isEqualTo(10);
    }
  }
}
