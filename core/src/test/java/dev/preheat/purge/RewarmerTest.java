package dev.preheat.purge;

import dev.preheat.spi.Purger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.spi.Transport;
import dev.preheat.spi.WarmListener;
import dev.preheat.testing.FakeTime;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import dev.preheat.warm.WarmVariant;
import dev.preheat.warm.Warmer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Purge-then-warm on a fake clock: coalescing, ordering, single flight, rate cap, failures. */
@org.junit.jupiter.api.Timeout(20)
class RewarmerTest {

  final FakeTime time = new FakeTime();
  /** Everything that happened, in order: "purge NAME urls tags" and "GET path". */
  final List<String> log = new CopyOnWriteArrayList<>();
  final List<RewarmBatch> batches = new CopyOnWriteArrayList<>();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  final TagRegistry tags = TagRegistry.inMemory(1000);
  final Origin origin = new Origin();

  /** The origin behind the cache: answers 200 with the scripted tags, or a scripted status. */
  final class Origin implements Transport {
    final Map<String, String> surrogateKeys = new HashMap<>();
    final Map<String, Integer> status = new HashMap<>();

    @Override
    public CompletableFuture<WarmResponse> send(WarmRequest request) {
      String path = request.url().getPath();
      log.add("GET " + path + " at " + time.elapsed().toMillis());
      Map<String, List<String>> headers = new HashMap<>();
      String keys = surrogateKeys.get(path);
      if (keys != null) {
        headers.put("Surrogate-Key", List.of(keys));
      }
      return CompletableFuture.completedFuture(new WarmResponse(status.getOrDefault(path, 200),
          headers, 10, Duration.ZERO, Duration.ZERO, "http/1.1"));
    }

    @Override
    public void close() {}

    long fetches(String path) {
      return log.stream().filter(l -> l.startsWith("GET " + path + " ")).count();
    }
  }

  /** A purger that logs its calls; URLs listed in {@code failing} fail; can be held open. */
  final class LoggingPurger implements Purger {
    final String name;
    final Set<String> failing = new HashSet<>();
    final List<CompletableFuture<PurgeResult>> held = new ArrayList<>();
    boolean hold;
    final List<PurgeRequest> requests = new CopyOnWriteArrayList<>();

    LoggingPurger(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean supportsTags() {
      return true;
    }

    @Override
    public CompletableFuture<PurgeResult> purge(PurgeRequest request) {
      requests.add(request);
      log.add("purge " + name + " " + request.urls().stream().map(URI::getPath).toList() + " "
          + request.tags() + " at " + time.elapsed().toMillis());
      List<PurgeResult.Item> items = new ArrayList<>();
      for (URI u : request.urls()) {
        boolean fail = failing.contains(u.getPath());
        items.add(new PurgeResult.Item(PurgeResult.Kind.URL, u.toString(),
            fail ? PurgeResult.Status.FAILED : PurgeResult.Status.PURGED,
            fail ? "HTTP 500" : null, 1));
      }
      for (String t : request.tags()) {
        items.add(new PurgeResult.Item(PurgeResult.Kind.TAG, t, PurgeResult.Status.PURGED,
            null, 1));
      }
      PurgeResult result = new PurgeResult(name, items);
      if (hold) {
        CompletableFuture<PurgeResult> f = new CompletableFuture<>();
        held.add(f);
        return f.thenApply(x -> result);
      }
      return CompletableFuture.completedFuture(result);
    }

    long calls() {
      return requests.size();
    }
  }

  final LoggingPurger shield = new LoggingPurger("shield");
  final LoggingPurger edge = new LoggingPurger("edge");

  Rewarmer.Builder rewarmer() {
    return Rewarmer.builder()
        .warmer(events -> Warmer.builder().transport(origin).scheduler(time).noRateLimit()
            .listener(WarmListener.composite(events, TagRecorder.of(tags))).build())
        .scheduler(time)
        .tagRegistry(tags)
        .purgers(List.of(shield, edge))
        .listener(new RewarmListener() {
          @Override
          public void batchFinished(RewarmBatch batch) {
            batches.add(batch);
          }

          @Override
          public void rejected(String item, String reason) {
            rejected.add(item + ": " + reason);
          }
        });
  }

  static URI url(String path) {
    return URI.create("http://shop.test" + path);
  }

  void settle() {
    time.runUntilIdle(Duration.ofMinutes(10));
  }

  @Test
  void aUrlChangedFiveTimesInASecondIsPurgedAndWarmedOnce() {
    Rewarmer r = rewarmer().debounce(Duration.ofSeconds(1)).build();
    for (int i = 0; i < 5; i++) {
      r.urlsChanged(List.of(url("/a")));
      time.advance(Duration.ofMillis(190));
    }
    settle();

    assertThat(shield.calls()).isEqualTo(1);
    assertThat(edge.calls()).isEqualTo(1);
    assertThat(origin.fetches("/a")).isEqualTo(1);
    assertThat(batches).hasSize(1);
    assertThat(batches.get(0).warmed()).containsExactly(url("/a"));
    assertThat(batches.get(0).failed()).isEmpty();
    assertThat(r.idle()).isDone();
  }

  @Test
  void changesInSeparateWindowsMakeSeparateBatches() {
    Rewarmer r = rewarmer().debounce(Duration.ofMillis(500)).build();
    r.urlsChanged(List.of(url("/a")));
    time.advance(Duration.ofSeconds(2));
    r.urlsChanged(List.of(url("/a")));
    settle();
    assertThat(shield.calls()).isEqualTo(2);
    assertThat(origin.fetches("/a")).isEqualTo(2);
  }

  @Test
  void purgesTheShieldThenTheEdgesThenWarms() {
    Rewarmer r = rewarmer().variants(List.of(WarmVariant.of("br", "Accept-Encoding", "br"),
        WarmVariant.of("gzip", "Accept-Encoding", "gzip"))).build();
    r.urlsChanged(List.of(url("/a"), url("/b")));
    settle();

    assertThat(log).hasSize(2 + 4);
    assertThat(log.get(0)).startsWith("purge shield [/a, /b] []");
    assertThat(log.get(1)).startsWith("purge edge [/a, /b] []");
    assertThat(log.subList(2, 6)).allMatch(l -> l.startsWith("GET "));
    assertThat(origin.fetches("/a")).as("one fetch per variant").isEqualTo(2);
    assertThat(batches.get(0).warmed()).containsExactlyInAnyOrder(url("/a"), url("/b"));
    assertThat(batches.get(0).purges()).extracting(PurgeResult::purger)
        .containsExactly("shield", "edge");
  }

  @Test
  void tagsResolveToTheUrlsWhoseResponsesCarriedThem() throws Exception {
    origin.surrogateKeys.put("/p/1", "product-1 category-shoes");
    origin.surrogateKeys.put("/c/shoes", "category-shoes");
    origin.surrogateKeys.put("/p/2", "product-2");
    Rewarmer r = rewarmer().build();
    // A normal warm run through the same kind of warmer feeds the registry.
    Warmer first = Warmer.builder().transport(origin).scheduler(time).noRateLimit()
        .listener(TagRecorder.of(tags)).build();
    var run = first.start(dev.preheat.warm.WarmPlan.builder().baseUrl(url("/"))
        .entry("/p/1", 3, "t").entry("/c/shoes", 2, "t").entry("/p/2", 1, "t").build());
    settle();
    assertThat(run.isDone()).isTrue();
    assertThat(tags.urls("category-shoes")).containsExactlyInAnyOrder(url("/p/1"),
        url("/c/shoes"));
    log.clear();

    r.tagsChanged(List.of("category-shoes"));
    settle();

    assertThat(shield.requests).hasSize(1);
    PurgeRequest sent = shield.requests.get(0);
    assertThat(sent.tags()).containsExactly("category-shoes");
    assertThat(sent.urls()).containsExactlyInAnyOrder(url("/p/1"), url("/c/shoes"));
    assertThat(origin.fetches("/p/1")).isEqualTo(1);
    assertThat(origin.fetches("/c/shoes")).isEqualTo(1);
    assertThat(origin.fetches("/p/2")).as("untouched").isZero();
    assertThat(log.indexOf(log.stream().filter(l -> l.startsWith("purge edge")).findFirst()
        .orElseThrow())).isLessThan(log.indexOf(log.stream().filter(l -> l.startsWith("GET"))
        .findFirst().orElseThrow()));
  }

  @Test
  void aUrlInFlightIsNotPurgedTwiceAtOnceAndIsPurgedAgainAfterwards() {
    shield.hold = true;
    Rewarmer r = rewarmer().debounce(Duration.ofMillis(100)).build();
    r.urlsChanged(List.of(url("/a")));
    time.advance(Duration.ofMillis(150));
    assertThat(shield.calls()).isEqualTo(1);

    // Changes while /a is being purged: /a waits, /b goes on in its own batch.
    r.urlsChanged(List.of(url("/a"), url("/b")));
    time.advance(Duration.ofSeconds(5));
    assertThat(shield.requests).hasSize(2);
    assertThat(shield.requests.get(1).urls()).containsExactly(url("/b"));
    assertThat(origin.fetches("/a")).isZero();

    shield.hold = false;
    shield.held.forEach(f -> f.complete(null));
    settle();
    assertThat(shield.requests).hasSize(3);
    assertThat(shield.requests.get(2).urls()).containsExactly(url("/a"));
    assertThat(origin.fetches("/a")).as("warmed once per batch it was in").isEqualTo(2);
    assertThat(r.idle()).isDone();
  }

  @Test
  void aFloodOfChangesIsSpreadAtTheRateCap() {
    Rewarmer r = rewarmer().debounce(Duration.ofMillis(100)).maxUrlsPerSecond(10).maxBatch(20)
        .build();
    r.urlsChanged(IntStream.range(0, 100).mapToObj(i -> url("/p" + i)).toList());
    settle();

    assertThat(shield.requests).hasSize(5).allSatisfy(q -> assertThat(q.urls()).hasSize(20));
    List<Long> at = log.stream().filter(l -> l.startsWith("purge shield"))
        .map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).toList();
    assertThat(at).containsExactly(100L, 2100L, 4100L, 6100L, 8100L);
    assertThat(batches.stream().mapToInt(b -> b.warmed().size()).sum()).isEqualTo(100);
  }

  @Test
  void aUrlTheShieldFailedToPurgeIsNeitherPurgedAtTheEdgeNorWarmed() {
    shield.failing.add("/bad");
    Rewarmer r = rewarmer().build();
    r.urlsChanged(List.of(url("/bad"), url("/good")));
    settle();

    assertThat(edge.requests.get(0).urls()).containsExactly(url("/good"));
    assertThat(origin.fetches("/bad")).isZero();
    assertThat(origin.fetches("/good")).isEqualTo(1);
    RewarmBatch b = batches.get(0);
    assertThat(b.warmed()).containsExactly(url("/good"));
    assertThat(b.failed().get(url("/bad"))).contains("not purged by shield", "HTTP 500",
        "later purgers skipped");
  }

  @Test
  void aFailedReWarmIsReportedAndTheUrlStaysPurged() {
    origin.status.put("/gone", 404);
    Rewarmer r = rewarmer().build();
    r.urlsChanged(List.of(url("/gone")));
    settle();

    assertThat(edge.calls()).isEqualTo(1);
    RewarmBatch b = batches.get(0);
    assertThat(b.warmed()).isEmpty();
    assertThat(b.failed().get(url("/gone"))).contains("re-warm FAILED", "HTTP 404",
        "stays purged");
    assertThat(shield.calls()).as("no retry purge, no stale refill").isEqualTo(1);
  }

  @Test
  void withoutPurgersChangedUrlsAreOnlyWarmed() {
    Rewarmer r = Rewarmer.builder()
        .warmer(events -> Warmer.builder().transport(origin).scheduler(time).listener(events)
            .build())
        .scheduler(time).build();
    r.urlsChanged(List.of(url("/a")));
    settle();
    assertThat(origin.fetches("/a")).isEqualTo(1);
  }

  @Test
  void badItemsAndOverflowAreRejectedOneByOne() {
    Rewarmer r = rewarmer().maxPending(2).build();
    r.onChange(List.of(URI.create("/relative"), url("/a"), url("/b"), url("/c")),
        List.of("bad tag", "ok"));
    assertThat(rejected).hasSize(4);
    assertThat(rejected.get(0)).startsWith("/relative: ").contains("absolute http(s) URL");
    assertThat(rejected.get(1)).startsWith("bad tag: ").contains("whitespace");
    assertThat(rejected.get(2)).startsWith("http://shop.test/c: ").contains("pending queue");
    assertThat(r.pending()).isEqualTo(2);
    settle();
    assertThat(origin.fetches("/a") + origin.fetches("/b")).isEqualTo(2);

    r.close();
    assertThatThrownBy(() -> r.urlsChanged(List.of(url("/a"))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aTagResolvingToMoreUrlsThanMayWaitIsPurgedAndTheOverflowReported() {
    for (int i = 0; i < 5; i++) {
      tags.put(url("/t" + i), List.of("big"));
    }
    Rewarmer r = rewarmer().maxPending(3).build();
    r.tagsChanged(List.of("big"));
    settle();
    assertThat(shield.requests.get(0).tags()).containsExactly("big");
    assertThat(shield.requests.get(0).urls()).hasSize(3);
    assertThat(rejected).singleElement().asString()
        .startsWith("big: 2 of its 5 URLs are over the pending bound (3)");
  }

  @Test
  void aFailingRegistryStillPurgesTheTag() {
    TagRegistry broken = new TagRegistry() {
      @Override
      public void put(URI url, java.util.Collection<String> t) {}

      @Override
      public Set<URI> urls(String tag) {
        throw new IllegalStateException("redis down");
      }

      @Override
      public Set<String> tags(URI url) {
        return Set.of();
      }

      @Override
      public void remove(URI url) {}

      @Override
      public int size() {
        return 0;
      }
    };
    Rewarmer r = Rewarmer.builder()
        .warmer(events -> Warmer.builder().transport(origin).scheduler(time).listener(events)
            .build())
        .scheduler(time).tagRegistry(broken).purgers(List.of(shield))
        .listener(new RewarmListener() {
          @Override
          public void rejected(String item, String reason) {
            rejected.add(item + ": " + reason);
          }
        }).build();
    r.tagsChanged(List.of("x"));
    settle();
    assertThat(shield.requests).singleElement().satisfies(q ->
        assertThat(q.tags()).containsExactly("x"));
    assertThat(rejected).singleElement().asString().contains("redis down");
    assertThat(r.idle()).isDone();
  }

  @Test
  void builderChecksSettings() {
    assertThatThrownBy(() -> Rewarmer.builder().build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("warmer is required");
    assertThatThrownBy(() -> Rewarmer.builder().maxUrlsPerSecond(0))
        .hasMessageContaining("maxUrlsPerSecond must be > 0");
    assertThatThrownBy(() -> Rewarmer.builder().debounce(Duration.ofSeconds(1))
        .debounce(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class)
        .hasMessage("debounce was already set to PT1S");
  }
}
