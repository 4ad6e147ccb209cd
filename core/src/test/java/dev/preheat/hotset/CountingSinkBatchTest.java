package dev.preheat.hotset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.internal.source.AggregateSink;
import dev.preheat.source.TrafficRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CountingSink#addAll} (how the log reader hands its sums over, with the lookups' memory
 * loads started ahead) counts exactly as {@link CountingSink#add} one sum at a time: the same
 * hotset, in exact mode and when the memory budget runs out in the middle of a batch, with
 * batches of every size and URLs whose hash codes collide.
 */
class CountingSinkBatchTest {

  /** One sum as the reader hands it over. */
  private record Sum(String url, int window, long requests, long bytes) {}

  @ParameterizedTest(name = "seed={0} budget={1}")
  @CsvSource({"1, 0", "2, 0", "3, 100000", "4, 300000"})
  void addAllCountsAsAddDoes(long seed, long budget) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Sum> sums = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      // Skewed, with a long tail of URLs seen a few times each.
      int rank = random.nextInt(4) == 0 ? random.nextInt(4_000)
          : (int) Math.min(4_000, Math.floor(1 / (random.nextDouble() + 1e-3)));
      sums.add(new Sum(new String(url(rank).toCharArray()), 0, 1 + random.nextInt(3),
          random.nextInt(10_000)));
    }
    HotsetSelector selector = selector(budget);
    HotsetSelector.Tally one = selector.newTally();
    HotsetSelector.Tally batched = selector.newTally();
    AggregateSink a = (AggregateSink) one.newSink();
    AggregateSink b = (AggregateSink) batched.newSink();
    for (Sum s : sums) {
      admit(a, s);
      admit(b, s);
    }
    for (Sum s : sums) {
      a.add(s.url, s.window, s.requests, s.bytes);
    }
    String[] urls = new String[64];
    int[] windows = new int[64];
    long[] requests = new long[64];
    long[] bytes = new long[64];
    for (int i = 0; i < sums.size(); ) {
      int n = Math.min(sums.size() - i, random.nextInt(10) == 0 ? 17 + random.nextInt(48)
          : 1 + random.nextInt(16));
      for (int k = 0; k < n; k++) {
        Sum s = sums.get(i + k);
        urls[k] = s.url;
        windows[k] = s.window;
        requests[k] = s.requests;
        bytes[k] = s.bytes;
      }
      b.addAll(urls, windows, requests, bytes, n);
      i += n;
    }
    Hotset expected = one.select(List.of());
    Hotset actual = batched.select(List.of());
    assertThat(actual.countingMode()).isEqualTo(expected.countingMode());
    if (budget == 0) {
      assertThat(actual.countingMode()).isEqualTo(CountingMode.EXACT);
    } else {
      assertThat(actual.countingMode()).isEqualTo(CountingMode.BOUNDED);
    }
    assertThat(actual.entries()).isEqualTo(expected.entries());
    assertThat(actual.distinctUrls()).isEqualTo(expected.distinctUrls());
    assertThat(actual.demandWeight()).isEqualTo(expected.demandWeight());
  }

  private static HotsetSelector selector(long budget) {
    HotsetSelector.Builder b = HotsetSelector.builder().top(200);
    if (budget > 0) {
      b.memoryBudget(budget);
    }
    return b.build();
  }

  private static void admit(AggregateSink sink, Sum s) {
    for (long r = 0; r < s.requests; r++) {
      sink.admit("GET", 200, TrafficRecord.NO_TIMESTAMP, false);
    }
  }

  /**
   * The URL of a rank: "Aa" and "BB" have the same hash code, so URLs that differ only in which
   * of the two their blocks are collide, and lookups must compare them.
   */
  private static String url(int rank) {
    StringBuilder sb = new StringBuilder("/p/");
    for (int bit = 0; bit < 13; bit++) {
      sb.append((rank >>> bit & 1) == 0 ? "Aa" : "BB");
    }
    return sb.toString();
  }
}
