package dev.preheat.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.source.LogFormat;
import dev.preheat.source.LogReader;
import dev.preheat.source.TrafficRecord;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares the simulator with a naive replay written here from the documented model (a
 * LinkedHashMap in access order, string keys, sorting and counting with the JDK): hit counts,
 * hit bytes and warm figures must be exactly equal.
 */
class SimulatorTest {

  private static final long HOUR = 3_600_000L;
  private static final long BASE = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

  /** One cache configuration of the naive replay. */
  record Config(String name, long windowMs, long maxEntries, long maxBytes,
      ToLongFunction<String> ttlMs, boolean purge, int[] sizes) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Config> configs() {
    int[] sizes = {1, 3, 10, 30, 100};
    return Stream.of(
        new Config("unlimited", HOUR, 0, 0, u -> Long.MAX_VALUE, true, sizes),
        new Config("8 entries", HOUR, 8, 0, u -> Long.MAX_VALUE, true, sizes),
        new Config("20 KiB", HOUR, 0, 20_000, u -> Long.MAX_VALUE, true, sizes),
        new Config("ttl 10m, css 0", HOUR, 0, 0,
            u -> u.endsWith(".css") ? 0 : 600_000L, true, sizes),
        new Config("no purge, 12 entries, ttl 25m", HOUR, 12, 0, u -> 1_500_000L, false, sizes),
        new Config("no purge, 30 KiB, 2h windows", 2 * HOUR, 0, 30_000,
            u -> u.contains("/a") ? 3_000_000L : Long.MAX_VALUE, false, sizes));
  }

  static Stream<Arguments> randomLogs() {
    List<Arguments> cases = new ArrayList<>();
    configs().forEach(c -> {
      for (long seed = 1; seed <= 4; seed++) {
        cases.add(Arguments.of(c, seed));
      }
    });
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("randomLogs")
  void equalsNaiveReplayOnRandomLogs(Config config, long seed) {
    List<TrafficRecord> records = randomLog(seed, 3_000, 60);
    compare(config, records);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void equalsNaiveReplayOnTheRealLog(Config config) throws IOException {
    List<TrafficRecord> records = new ArrayList<>();
    LogReader.builder().format(LogFormat.combined()).build()
        .read(List.of(realLog()), records::add);
    assertThat(records).hasSizeGreaterThan(8_000);
    Config daily = new Config(config.name(), 24 * HOUR, config.maxEntries() * 10,
        config.maxBytes() * 50, config.ttlMs(), config.purge(), new int[] {10, 100, 1000});
    compare(daily, records);
    Config hourly = new Config(config.name(), HOUR, config.maxEntries(), config.maxBytes() * 10,
        config.ttlMs(), config.purge(), new int[] {5, 50, 500});
    compare(hourly, records);
  }

  private static Path realLog() {
    try {
      return Path.of(SimulatorTest.class.getResource("/logs/apache-combined-10k.log").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void compare(Config config, List<TrafficRecord> records) {
    SimulationSettings.Builder b = SimulationSettings.builder()
        .window(Duration.ofMillis(config.windowMs()))
        .sizes(config.sizes())
        .purgeEachWindow(config.purge())
        .workers(2);
    if (config.maxEntries() > 0) {
      b.maxEntries(config.maxEntries());
    }
    if (config.maxBytes() > 0) {
      b.maxBytes(config.maxBytes());
    }
    // Express the naive TTL function as exact per-URL max-ages.
    Map<String, Duration> ages = new HashMap<>();
    for (TrafficRecord r : records) {
      long ttl = config.ttlMs().applyAsLong(r.url());
      if (ttl != Long.MAX_VALUE) {
        ages.put(r.url(), Duration.ofMillis(ttl));
      }
    }
    b.maxAges(ages);
    SimulationResult result = Simulator.of(b.build()).simulate(records);

    Naive naive = new Naive(config, records);
    long[] base = naive.replay(0, false);
    assertThat(figures(result.baseline())).as("baseline").containsExactly(base);
    assertThat(result.replayedRequests()).isEqualTo(naive.requests.size());
    assertThat(result.lateRequests()).isZero();
    assertThat(result.points()).hasSize(config.sizes().length);
    for (SweepPoint p : result.points()) {
      assertThat(figures(p.warmed())).as("warmed, size " + p.size())
          .containsExactly(naive.replay(p.size(), false));
      assertThat(figures(p.oracle())).as("oracle, size " + p.size())
          .containsExactly(naive.replay(p.size(), true));
    }
  }

  private static long[] figures(CacheFigures f) {
    return new long[] {f.requests(), f.hits(), f.bytes(), f.hitBytes(), f.warmRequests(),
        f.warmBytes(), f.warmFills()};
  }

  /** Requests over 5 hours, Zipf-like over {@code urls} URLs, with noise and disorder. */
  private static List<TrafficRecord> randomLog(long seed, int lines, int urls) {
    SplittableRandom random = new SplittableRandom(seed);
    List<TrafficRecord> out = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      // Mostly increasing time with coarse (1 s) resolution and some out-of-order lines.
      long t = BASE + (5 * HOUR * i / lines) / 1000 * 1000;
      if (random.nextInt(20) == 0) {
        t -= random.nextInt(120) * 1000L;
      }
      int rank = (int) Math.floor(Math.pow(urls + 1, random.nextDouble())) - 1;
      String url = (rank % 3 == 0 ? "/a/" : "/b/") + rank + (rank % 7 == 0 ? ".css" : "");
      String method = random.nextInt(50) == 0 ? "POST" : random.nextInt(30) == 0 ? "HEAD" : "GET";
      int status = random.nextInt(25) == 0 ? 404 : random.nextInt(10) == 0 ? 304 : 200;
      long bytes = status == 304 ? 0 : 500 + (rank * 997L) % 4_000 + random.nextInt(50);
      long time = random.nextInt(200) == 0 ? TrafficRecord.NO_TIMESTAMP : t;
      out.add(new TrafficRecord(method, url, status, bytes, time, null, 1));
    }
    return out;
  }

  /** The naive replay: strings, a LinkedHashMap in access order, JDK sorting. */
  static final class Naive {
    final Config config;
    final List<TrafficRecord> requests = new ArrayList<>();
    /** Per window, per URL, the largest body logged. */
    final Map<Integer, Map<String, Long>> largest = new HashMap<>();
    final long firstWindow;
    final int windows;

    Naive(Config config, List<TrafficRecord> records) {
      this.config = config;
      for (TrafficRecord r : records) {
        boolean method = r.method().equals("GET") || r.method().equals("HEAD");
        boolean status = r.status() == 200 || r.status() == 304;
        if (r.hasTimestamp() && method && status) {
          requests.add(r);
        }
      }
      requests.sort(Comparator.comparingLong(TrafficRecord::epochMillis)); // stable
      firstWindow = Math.floorDiv(requests.get(0).epochMillis(), config.windowMs());
      windows = (int) (Math.floorDiv(requests.get(requests.size() - 1).epochMillis(),
          config.windowMs()) - firstWindow + 1);
      for (TrafficRecord r : requests) {
        largest.computeIfAbsent(window(r), w -> new HashMap<>())
            .merge(r.url(), r.bytes(), Math::max);
      }
    }

    /** A copy's weight in window w: the largest body logged in windows w - 1 and w. */
    long size(String url, int w) {
      long a = largest.getOrDefault(w, Map.of()).getOrDefault(url, 0L);
      long b = largest.getOrDefault(w - 1, Map.of()).getOrDefault(url, 0L);
      return Math.max(a, b);
    }

    int window(TrafficRecord r) {
      return (int) (Math.floorDiv(r.epochMillis(), config.windowMs()) - firstWindow);
    }

    List<String> top(int window, int n) {
      Map<String, Long> counts = new HashMap<>();
      for (TrafficRecord r : requests) {
        if (window(r) == window) {
          counts.merge(r.url(), 1L, Long::sum);
        }
      }
      List<Map.Entry<String, Long>> ranked = new ArrayList<>(counts.entrySet());
      ranked.sort(Map.Entry.<String, Long>comparingByValue().reversed()
          .thenComparing(Map.Entry.comparingByKey()));
      List<String> out = new ArrayList<>();
      for (int i = 0; i < Math.min(n, ranked.size()); i++) {
        out.add(ranked.get(i).getKey());
      }
      return out;
    }

    /** {requests, hits, bytes, hitBytes, warmRequests, warmBytes, warmFills}. */
    long[] replay(int warmSize, boolean oracle) {
      // URL -> {stored at, weight}
      LinkedHashMap<String, long[]> cache = new LinkedHashMap<>(16, 0.75f, true);
      long[] cached = {0};
      long[] f = new long[7];
      int current = -1;
      for (TrafficRecord r : requests) {
        int w = window(r);
        while (current < w) {
          current++;
          if (config.purge()) {
            cache.clear();
            cached[0] = 0;
          }
          if (warmSize > 0 && current > 0) {
            long start = (firstWindow + current) * config.windowMs();
            for (String url : top(oracle ? current : current - 1, warmSize)) {
              f[4]++;
              f[5] += size(url, current);
              if (!lookup(cache, url, start)) {
                f[6]++;
                store(cache, cached, url, start, size(url, current));
              }
            }
          }
        }
        boolean hit = lookup(cache, r.url(), r.epochMillis());
        if (!hit) {
          store(cache, cached, r.url(), r.epochMillis(), size(r.url(), w));
        }
        if (w > 0) {
          f[0]++;
          f[2] += r.bytes();
          if (hit) {
            f[1]++;
            f[3] += r.bytes();
          }
        }
      }
      return f;
    }

    boolean lookup(LinkedHashMap<String, long[]> cache, String url, long now) {
      long[] stored = cache.get(url); // moves it to the most recently used end
      return stored != null && now - stored[0] < config.ttlMs().applyAsLong(url);
    }

    void store(LinkedHashMap<String, long[]> cache, long[] cached, String url, long now,
        long weight) {
      long[] old = cache.remove(url);
      if (old != null) {
        cached[0] -= old[1];
      }
      long maxBytes = config.maxBytes() == 0 ? Long.MAX_VALUE : config.maxBytes();
      long maxEntries = config.maxEntries() == 0 ? Long.MAX_VALUE : config.maxEntries();
      if (config.ttlMs().applyAsLong(url) <= 0 || weight > maxBytes) {
        return;
      }
      cache.put(url, new long[] {now, weight});
      cached[0] += weight;
      Iterator<Map.Entry<String, long[]>> eldest = cache.entrySet().iterator();
      while (cache.size() > maxEntries || cached[0] > maxBytes) {
        long[] victim = eldest.next().getValue();
        eldest.remove();
        cached[0] -= victim[1];
      }
    }
  }

  @Test
  void handComputedTwoWindows() {
    // Window 0 (00:00-01:00): /x three times, /y twice, /z once. Window 1: /y, /x, /w, /x.
    List<TrafficRecord> log = List.of(
        rec("/x", 0, 100), rec("/y", 1, 10), rec("/x", 2, 100), rec("/z", 3, 1),
        rec("/y", 4, 10), rec("/x", 5, 100),
        rec("/y", 60, 10), rec("/x", 61, 100), rec("/w", 62, 5), rec("/x", 63, 100));
    SimulationResult r = Simulator.of(SimulationSettings.builder()
        .window(Duration.ofHours(1)).sizes(1, 2, 5).minGain(1).workers(1).build()).simulate(log);
    assertThat(r.windows()).hasSize(2);
    assertThat(r.windows().get(0).evaluated()).isFalse();
    // Cold cache in window 1: only the second /x hits.
    assertThat(r.baseline().requests()).isEqualTo(4);
    assertThat(r.baseline().hits()).isEqualTo(1);
    assertThat(r.baseline().hitBytes()).isEqualTo(100);
    assertThat(r.baseline().bytes()).isEqualTo(215);
    SweepPoint one = r.points().get(0);
    assertThat(one.warmed().warmRequests()).isEqualTo(1); // /x
    assertThat(one.warmed().warmBytes()).isEqualTo(100);
    assertThat(one.warmed().hits()).isEqualTo(2);
    assertThat(one.marginalGain()).isEqualTo(1.0);
    SweepPoint two = r.points().get(1);
    assertThat(two.warmed().hits()).isEqualTo(3); // /x, /y
    SweepPoint five = r.points().get(2);
    assertThat(five.warmed().warmRequests()).isEqualTo(3); // only 3 URLs in window 0
    assertThat(five.warmed().hits()).isEqualTo(3); // /z warmed for nothing
    assertThat(five.marginalGain()).isEqualTo(0.0);
    assertThat(five.oracle().hits()).isEqualTo(4); // /y /x /w all warmed
    assertThat(r.recommended()).map(SweepPoint::size).contains(2);
  }

  @Test
  void aCopyIsFreshUntilExactlyItsMaxAgeAndTheLruEvictsTheLeastRecentlyUsed() {
    // Window 1 starts at minute 60; warming stores /a and /b there (top 2 of window 0).
    List<TrafficRecord> log = List.of(
        rec("/a", 0, 1), rec("/a", 1, 1), rec("/b", 2, 1), rec("/b", 3, 1), rec("/c", 4, 1),
        rec("/a", 69, 1), // 9 min after the warm: fresh (max-age 10 min)
        rec("/b", 70, 1), // exactly 10 min: stale, a miss that stores it again
        rec("/b", 71, 1), // fresh again
        rec("/c", 72, 1), // miss; with 2 entries it evicts /a (least recently used)
        rec("/a", 73, 1)); // miss
    SimulationResult r = Simulator.of(SimulationSettings.builder()
        .window(Duration.ofHours(1)).sizes(2).maxEntries(2).defaultTtl(Duration.ofMinutes(10))
        .workers(1).build()).simulate(log);
    assertThat(r.baseline().hits()).isEqualTo(1); // only /b at 71
    CacheFigures warmed = r.points().get(0).warmed();
    assertThat(warmed.warmRequests()).isEqualTo(2);
    assertThat(warmed.warmFills()).isEqualTo(2);
    assertThat(warmed.hits()).isEqualTo(2); // /a at 69, /b at 71
  }

  @Test
  void roiFollowsTheCostModel() {
    CostModel costs = new CostModel(0.09, 0.0000004, 20, 0.04);
    CacheFigures before = new CacheFigures(1_000, 200, 10L << 30, 2L << 30, 0, 0, 0, List.of());
    CacheFigures after = new CacheFigures(1_000, 700, 10L << 30, 6L << 30, 600, 5L << 30, 500,
        List.of());
    Roi roi = Roi.of(costs, before, after);
    double perMiss = 20 / 3_600_000.0 * 0.04 + 0.0000004;
    assertThat(roi.missCostBefore()).isCloseTo(800 * perMiss + 8 * 0.09, within());
    assertThat(roi.missCostAfter()).isCloseTo(300 * perMiss + 4 * 0.09, within());
    assertThat(roi.warmCost()).isCloseTo(600 * 0.0000004 + 5 * 0.09, within());
    assertThat(roi.savings())
        .isCloseTo(roi.missCostBefore() - roi.missCostAfter() - roi.warmCost(), within());
    // Bytes alone save 4 GB and cost 5 GB: breakeven needs CPU savings worth the difference.
    double needed = 5 * 0.09 + 600 * 0.0000004 - 4 * 0.09 - 500 * 0.0000004;
    assertThat(roi.breakevenMsPerMiss()).isCloseTo(needed / (500 * 0.04 / 3_600_000.0), within());
    Roi atBreakeven = Roi.of(new CostModel(0.09, 0.0000004, roi.breakevenMsPerMiss(), 0.04),
        before, after);
    assertThat(atBreakeven.savings()).isCloseTo(0, within());
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  @Test
  void singleWindowIsRejectedWithAHint() {
    List<TrafficRecord> log = List.of(rec("/a", 0, 1), rec("/a", 5, 1));
    assertThatThrownBy(() -> Simulator.of(SimulationSettings.defaults()).simulate(log))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("single window").hasMessageContaining("shorter window");
  }

  @Test
  void noReplayableRequestIsRejected() {
    List<TrafficRecord> log = List.of(TrafficRecord.of("/a"),
        new TrafficRecord("POST", "/b", 200, 1, BASE, null, 1));
    assertThatThrownBy(() -> Simulator.of(SimulationSettings.defaults()).simulate(log))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no request to replay")
        .hasMessageContaining("1 without timestamp, 1 other methods");
  }

  @Test
  void defaultSizesBeyondEveryWindowAreDropped() {
    List<TrafficRecord> log = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      log.add(rec("/" + i, i, 1));
    }
    for (int i = 0; i < 50; i++) {
      log.add(rec("/" + i, 60 + i, 1));
    }
    SimulationResult r = Simulator.of(SimulationSettings.builder().window(Duration.ofHours(1))
        .build()).simulate(log);
    assertThat(r.points()).extracting(SweepPoint::size).containsExactly(10, 30, 100);
    assertThat(r.droppedSizes()).startsWith(300).endsWith(100_000);
    assertThat(r.points().get(2).warmed().hitRatio()).isEqualTo(1.0);
  }

  @Test
  void settingsValidateAndRefuseASecondValue() {
    assertThatThrownBy(() -> SimulationSettings.builder().sizes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and");
    assertThatThrownBy(() -> SimulationSettings.builder().maxEntries(5).maxEntries(6))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set to 5");
    assertThatThrownBy(() -> SimulationSettings.builder().window(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1s");
    assertThatThrownBy(() -> new CostModel(-1, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("egressPerGb");
    assertThatThrownBy(() -> TtlRule.of("([", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'(['");
    assertThat(SimulationSettings.builder().sizes(100, 10, 100).build().sizes())
        .containsExactly(10, 100);
    SimulationSettings s = SimulationSettings.builder()
        .maxAges(Map.of("/a.css", Duration.ofDays(1)))
        .ttlRules(List.of(TtlRule.of("\\.css$", Duration.ofHours(1))))
        .defaultTtl(Duration.ofMinutes(5)).build();
    assertThat(s.maxAgeOf("/a.css")).isEqualTo(Duration.ofDays(1));
    assertThat(s.maxAgeOf("/b.css")).isEqualTo(Duration.ofHours(1));
    assertThat(s.maxAgeOf("/b")).isEqualTo(Duration.ofMinutes(5));
  }

  private static TrafficRecord rec(String url, int minute, long bytes) {
    return new TrafficRecord("GET", url, 200, bytes, BASE + minute * 60_000L, null, 1);
  }
}
