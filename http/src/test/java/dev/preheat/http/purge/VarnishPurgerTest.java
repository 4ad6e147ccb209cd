package dev.preheat.http.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.http.OkHttpTransport;
import dev.preheat.http.testing.TestOrigin;
import dev.preheat.http.testing.VarnishServer;
import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import dev.preheat.spi.Purger;
import dev.preheat.purge.RewarmBatch;
import dev.preheat.purge.RewarmListener;
import dev.preheat.purge.Rewarmer;
import dev.preheat.purge.TagRecorder;
import dev.preheat.purge.TagRegistry;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.WarmListener;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.Warmer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link VarnishPurger} against real Varnish caches started by the test, with a VCL that accepts
 * {@code PURGE} and {@code BAN} from loopback only; and purge-then-warm through a real chain
 * edge -> shield -> origin.
 */
@Timeout(120)
class VarnishPurgerTest {

  /** Purging VCL: PURGE and BAN from loopback; tags derived from the path for /p/N. */
  static final String PURGE_VCL = """
      import std;
      acl purgers { "127.0.0.1"; }
      sub vcl_recv {
        if (req.method == "PURGE") {
          if (client.ip !~ purgers) { return (synth(405, "Not allowed")); }
          return (purge);
        }
        if (req.method == "BAN") {
          if (client.ip !~ purgers) { return (synth(405, "Not allowed")); }
          if (req.http.X-Ban-Tag) {
            std.ban("obj.http.Surrogate-Key ~ (^|[[:space:]])" + req.http.X-Ban-Tag
                + "([[:space:]]|$)");
          } else if (req.http.X-Ban-Url) {
            std.ban("obj.http.X-Host == " + req.http.host + " && obj.http.X-Url ~ "
                + req.http.X-Ban-Url);
          } else {
            return (synth(400, "X-Ban-Tag or X-Ban-Url required"));
          }
          return (synth(200, "Banned"));
        }
      }
      sub vcl_backend_response {
        set beresp.http.X-Url = bereq.url;
        set beresp.http.X-Host = bereq.http.host;
        if (bereq.url ~ "^/p/") {
          set beresp.http.Surrogate-Key = "product-" + regsub(bereq.url, "^/p/([^/?]*).*$", "\\1")
              + " products";
        }
      }
      """;

  /** What {@link #get} sends (OkHttp's transparent gzip), so warm and check share a variant. */
  static final dev.preheat.warm.WarmVariant GZIP =
      dev.preheat.warm.WarmVariant.of("gzip", "Accept-Encoding", "gzip");

  static TestOrigin origin;
  static VarnishServer shield;
  static VarnishServer edge;
  static final OkHttpClient CLIENT = new OkHttpClient.Builder()
      .readTimeout(20, TimeUnit.SECONDS).build();

  @BeforeAll
  static void start() {
    origin = TestOrigin.start();
    shield = VarnishServer.start(origin.port(), PURGE_VCL);
    edge = VarnishServer.start(shield.port(), PURGE_VCL);
  }

  @AfterAll
  static void stop() {
    if (edge != null) {
      edge.close();
    }
    if (shield != null) {
      shield.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  static URI at(VarnishServer cache, String path) {
    return URI.create("http://127.0.0.1:" + cache.port() + path);
  }

  /** GETs {@code path} from {@code cache}; returns its X-Cache. */
  static String get(VarnishServer cache, String path) throws IOException {
    try (Response r = CLIENT.newCall(new Request.Builder().url(at(cache, path).toString())
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      r.body().string();
      return r.header("X-Cache");
    }
  }

  static PurgeResult purge(Purger purger, PurgeRequest request) {
    return purger.purge(request).orTimeout(60, TimeUnit.SECONDS).join();
  }

  @Test
  void purgeRemovesExactlyThatUrl() throws IOException {
    get(shield, "/purge/a");
    get(shield, "/purge/b");
    assertThat(get(shield, "/purge/a")).isEqualTo("HIT");
    try (VarnishPurger purger = VarnishPurger.builder(at(shield, "/")).build()) {
      PurgeResult r = purge(purger, PurgeRequest.urls(at(shield, "/purge/a")));
      assertThat(r.allPurged()).as("%s", r).isTrue();
      assertThat(r.items().get(0).detail()).isEqualTo("HTTP 200");
    }
    assertThat(get(shield, "/purge/a")).isEqualTo("MISS");
    assertThat(get(shield, "/purge/b")).isEqualTo("HIT");
    assertThat(origin.hits("/purge/a")).isEqualTo(2);
    assertThat(origin.hits("/purge/b")).isEqualTo(1);
  }

  @Test
  void banByTagRemovesEverythingTaggedAndNothingElse() throws IOException {
    for (String p : List.of("/p/t1", "/p/t2", "/untagged")) {
      get(shield, p);
    }
    try (VarnishPurger purger = VarnishPurger.builder(at(shield, "/")).build()) {
      assertThat(purge(purger, PurgeRequest.tags("product-t1")).allPurged()).isTrue();
      assertThat(get(shield, "/p/t1")).isEqualTo("MISS");
      assertThat(get(shield, "/p/t2")).isEqualTo("HIT");

      assertThat(purge(purger, PurgeRequest.tags("products")).allPurged()).isTrue();
    }
    assertThat(get(shield, "/p/t1")).isEqualTo("MISS");
    assertThat(get(shield, "/p/t2")).isEqualTo("MISS");
    assertThat(get(shield, "/untagged")).isEqualTo("HIT");
  }

  @Test
  void tagsAreMatchedLiterallyNotAsRegularExpressions() throws IOException {
    get(shield, "/p/v1.2");
    get(shield, "/p/v1x2");
    try (VarnishPurger purger = VarnishPurger.builder(at(shield, "/")).build()) {
      assertThat(purge(purger, PurgeRequest.tags("product-v1.2")).allPurged()).isTrue();
      assertThat(get(shield, "/p/v1x2")).as("'.' is not a wildcard").isEqualTo("HIT");
      assertThat(get(shield, "/p/v1.2")).isEqualTo("MISS");
      assertThat(purge(purger, PurgeRequest.tags(".*")).allPurged()).isTrue();
    }
    assertThat(get(shield, "/p/v1x2")).as("a hostile '.*' bans nothing").isEqualTo("HIT");
  }

  @Test
  void banByUrlPatternMatchesThePathAndQueryExactly() throws IOException {
    get(shield, "/q?x=1");
    get(shield, "/q?x=10");
    try (VarnishPurger purger = VarnishPurger.builder(at(shield, "/")).banUrls("X-Ban-Url")
        .build()) {
      assertThat(purge(purger, PurgeRequest.urls(at(shield, "/q?x=1"))).allPurged()).isTrue();
    }
    assertThat(get(shield, "/q?x=1")).isEqualTo("MISS");
    assertThat(get(shield, "/q?x=10")).as("a prefix match would have banned it").isEqualTo("HIT");
  }

  @Test
  void aRefusedPurgeIsAFailedItemWithVarnishsReason() {
    try (VarnishPurger purger = VarnishPurger.builder(at(shield, "/")).tagHeader("X-Wrong")
        .build()) {
      PurgeResult r = purge(purger, PurgeRequest.tags("x"));
      assertThat(r.tag("x").status()).isEqualTo(PurgeResult.Status.FAILED);
      assertThat(r.tag("x").detail()).startsWith("HTTP 400").contains("X-Ban-Tag or X-Ban-Url");
      assertThat(r.tag("x").attempts()).as("4xx is not retried").isEqualTo(1);
    }
  }

  /** Wraps a purger and logs when it is called, so the test sees the order. */
  record Logged(Purger delegate, List<String> log) implements Purger {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public boolean supportsTags() {
      return delegate.supportsTags();
    }

    @Override
    public CompletableFuture<PurgeResult> purge(PurgeRequest request) {
      log.add("purge " + name());
      return delegate.purge(request).whenComplete((r, e) -> log.add("purged " + name()));
    }
  }

  @Test
  void aBurstOfChangesIsPurgedShieldFirstThenEdgeAndReWarmedOnceThroughTheChain()
      throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    List<RewarmBatch> batches = new CopyOnWriteArrayList<>();
    TagRegistry tags = TagRegistry.inMemory(1000);
    // The edge's URLs are what users request; the shield is purged with the same Host.
    URI edgeBase = at(edge, "/");
    try (OkHttpTransport transport = OkHttpTransport.builder().build();
        VarnishPurger shieldPurger = VarnishPurger.builder(at(shield, "/")).name("shield")
            .build();
        VarnishPurger edgePurger = VarnishPurger.builder(edgeBase).name("edge").build()) {
      WarmListener seen = new WarmListener() {
        @Override
        public void targetStarted(dev.preheat.warm.WarmTarget target, int attempt) {
          log.add("GET " + target.entry().url().getPath());
        }
      };
      Warmer seed = Warmer.builder().transport(transport)
          .listener(WarmListener.composite(TagRecorder.of(tags), seen)).build();
      WarmPlan plan = WarmPlan.builder().baseUrl(edgeBase).entry("/p/c1", 3, "t")
          .entry("/p/c2", 2, "t").entry("/p/c3", 1, "t").variant(GZIP).build();
      WarmReport first = seed.start(plan).await(Duration.ofSeconds(60));
      assertThat(first.totals().count(dev.preheat.warm.Outcome.WARMED)).isEqualTo(3);
      assertThat(tags.urls("product-c1")).containsExactly(at(edge, "/p/c1"));
      assertThat(origin.hits("/p/c1")).isEqualTo(1);
      log.clear();

      Rewarmer rewarmer = Rewarmer.builder()
          .warmer(events -> Warmer.builder().transport(transport)
              .listener(WarmListener.composite(events, TagRecorder.of(tags), seen)).build())
          .purgers(List.of(new Logged(shieldPurger, log), new Logged(edgePurger, log)))
          .tagRegistry(tags)
          .variants(List.of(GZIP))
          .debounce(Duration.ofMillis(300))
          .listener(new RewarmListener() {
            @Override
            public void batchFinished(RewarmBatch batch) {
              batches.add(batch);
            }
          })
          .build();
      for (int i = 0; i < 5; i++) {
        rewarmer.tagsChanged(List.of("product-c1"));
        rewarmer.urlsChanged(List.of(at(edge, "/p/c2")));
      }
      rewarmer.idle().get(60, TimeUnit.SECONDS);
      rewarmer.close();

      assertThat(batches).hasSize(1);
      RewarmBatch b = batches.get(0);
      assertThat(b.failed()).isEmpty();
      assertThat(b.warmed()).containsExactlyInAnyOrder(at(edge, "/p/c1"), at(edge, "/p/c2"));
      assertThat(log.subList(0, 4)).containsExactly("purge shield", "purged shield",
          "purge edge", "purged edge");
      assertThat(log.subList(4, log.size())).containsExactlyInAnyOrder("GET /p/c1", "GET /p/c2");
      // Ten change events, one purge each and one origin fetch per changed URL: the shield was
      // purged before the edge refilled through it, so the new content came from the origin.
      assertThat(origin.hits("/p/c1")).isEqualTo(2);
      assertThat(origin.hits("/p/c2")).isEqualTo(2);
      assertThat(origin.hits("/p/c3")).isEqualTo(1);
      assertThat(get(edge, "/p/c1")).as("re-warmed at the edge").isEqualTo("HIT");
      assertThat(get(edge, "/p/c3")).isEqualTo("HIT");
      assertThat(origin.hits("/p/c1")).isEqualTo(2);
    }
  }
}
