package dev.preheat.hotset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.source.TrafficRecord;
import dev.preheat.source.TrafficSink;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The selection ranks only the prefix it can select (weights sorted as primitives, candidates at
 * or above the threshold weight sorted by weight then URL). These tests pin that it selects
 * exactly what a full ranking of every URL selects, including among many ties at the cut, with
 * counts split over several sinks (workers) that hold different {@code String} instances of the
 * same URL.
 */
class PrefixRankingTest {

  /** One URL's true demand: requests and bytes. */
  private record Demand(String url, long requests, long bytes) {
    long weight(Weight w) {
      return w == Weight.REQUESTS ? requests : bytes;
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    long[] seeds = {1, 2, 3};
    for (long seed : seeds) {
      for (Weight w : Weight.values()) {
        out.add(Arguments.of(seed, w, 1, null, 10, null));
        out.add(Arguments.of(seed, w, 2, null, 37, null));
        out.add(Arguments.of(seed, w, 3, 0.5, null, null));
        out.add(Arguments.of(seed, w, 2, 0.9, null, 25));
        out.add(Arguments.of(seed, w, 2, 0.95, 40, null));
        out.add(Arguments.of(seed, w, 1, 1.0, null, null));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "seed={0} weight={1} sinks={2} coverage={3} top={4} max={5}")
  @MethodSource("cases")
  void selectsWhatAFullRankingSelects(long seed, Weight weight, int sinks, Double coverage,
      Integer top, Integer max) {
    List<Demand> demand = demand(seed);
    HotsetSelector.Builder b = HotsetSelector.builder().weight(weight);
    if (coverage != null) {
      b.coverage(coverage);
    }
    if (top != null) {
      b.top(top);
    }
    if (max != null) {
      b.max(max);
    }
    HotsetSelector selector = b.build();
    HotsetSelector.Tally tally = selector.newTally();
    List<TrafficSink> workers = new ArrayList<>();
    for (int i = 0; i < sinks; i++) {
      workers.add(tally.newSink());
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (Demand d : demand) {
      // one record per request, spread over the sinks, each with its own String instance
      for (long r = 0; r < d.requests; r++) {
        long bytes = r == 0 ? d.bytes : 0;
        workers.get(random.nextInt(sinks)).accept(new TrafficRecord(
            "GET", new String(d.url.toCharArray()), 200, bytes, TrafficRecord.NO_TIMESTAMP, null,
            1));
      }
    }
    Hotset hotset = tally.select(List.of());

    List<Demand> ranked = new ArrayList<>(demand);
    ranked.sort(Comparator.comparingLong((Demand d) -> d.weight(weight)).reversed()
        .thenComparing(Demand::url));
    long total = ranked.stream().mapToLong(d -> d.weight(weight)).sum();
    int wanted = 0;
    long cum = 0;
    while (wanted < ranked.size()
        && !((top != null && wanted >= top)
            || (coverage != null && cum >= coverage * total * (1 - 1e-12)))) {
      cum += ranked.get(wanted).weight(weight);
      wanted++;
    }
    int limit = max == null ? HotsetSelector.DEFAULT_MAX : max;
    List<Demand> expected = ranked.subList(0, Math.min(wanted, limit));

    assertThat(hotset.entries()).extracting(HotsetEntry::url)
        .containsExactlyElementsOf(expected.stream().map(Demand::url).toList());
    assertThat(hotset.entries()).extracting(HotsetEntry::count)
        .containsExactlyElementsOf(expected.stream().map(Demand::requests).toList());
    assertThat(hotset.entries()).extracting(HotsetEntry::bytes)
        .containsExactlyElementsOf(expected.stream().map(Demand::bytes).toList());
    assertThat(hotset.distinctUrls()).isEqualTo(demand.size());
    assertThat(hotset.demandWeight()).isEqualTo(total);
    long cut = wanted - expected.size();
    assertThat(hotset.clamps().stream().filter(c -> c.kind() == Clamp.Kind.MAX)
        .mapToLong(Clamp::count).sum()).isEqualTo(cut);
    assertThat(hotset.coverageCurve()).isEqualTo(curve(ranked, weight, total, expected.size()));
  }

  @Test
  void tiesAtTheCutAreBrokenByUrl() {
    HotsetSelector selector = HotsetSelector.builder().top(3).build();
    Hotset hotset = selector.select(List.of(
        HotsetSelectorTest.hits("/z", 9), HotsetSelectorTest.hits("/d", 4),
        HotsetSelectorTest.hits("/c", 4), HotsetSelectorTest.hits("/b", 4),
        HotsetSelectorTest.hits("/a", 1)));
    assertThat(hotset.urls()).containsExactly("/z", "/b", "/c");
  }

  /** 3,000 URLs with Zipf-like requests (many ties among the rare ones) and random sizes. */
  private static List<Demand> demand(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Demand> out = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      long requests = Math.max(1, 200 / (i + 1)) + (random.nextInt(4) == 0 ? 1 : 0);
      long bytes = random.nextInt(5) == 0 ? 0 : random.nextInt(1, 5) * 100L;
      out.add(new Demand("/p/" + Integer.toString(random.nextInt(1 << 30), 36) + "/" + i,
          requests, bytes));
    }
    return out;
  }

  /** The curve as defined on Hotset: sizes 1, 10, 100, ..., all, and the selected size. */
  private static List<CoveragePoint> curve(List<Demand> ranked, Weight w, long total, int size) {
    if (ranked.isEmpty() || total <= 0) {
      return List.of();
    }
    TreeSet<Integer> sizes = new TreeSet<>();
    for (long s = 1; s < ranked.size(); s *= 10) {
      sizes.add((int) s);
    }
    sizes.add(ranked.size());
    if (size >= 1) {
      sizes.add(size);
    }
    List<CoveragePoint> points = new ArrayList<>();
    for (int s : sizes) {
      long cum = ranked.subList(0, s).stream().mapToLong(d -> d.weight(w)).sum();
      points.add(new CoveragePoint(s, Math.min(1.0, (double) cum / total)));
    }
    return points;
  }
}
