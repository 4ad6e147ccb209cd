package dev.preheat.hotset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.source.TrafficRecord;
import dev.preheat.source.TrafficSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Counting under a memory budget, and per-worker sinks merged, against exact counting. */
class BoundedCountingTest {

  static final int TOP = 1_000;
  static final int DRAWS = 500_000;
  static List<TrafficRecord> records;
  static Hotset exact;
  static Map<String, Long> exactCounts = new HashMap<>();

  @BeforeAll
  static void zipfTraffic() {
    Zipf zipf = new Zipf(100_000, 1.0, 42);
    records = new ArrayList<>(DRAWS);
    for (int i = 0; i < DRAWS; i++) {
      records.add(new TrafficRecord("GET", zipf.next(), 200, 1_000, TrafficRecord.NO_TIMESTAMP,
          null, 1));
    }
    exact = HotsetSelector.builder().top(TOP).build().select(records);
    records.forEach(r -> exactCounts.merge(r.url(), 1L, Long::sum));
  }

  static double recall(Hotset hs) {
    Set<String> got = new HashSet<>(hs.urls());
    got.retainAll(exact.urls());
    return got.size() / (double) TOP;
  }

  static Hotset selectOnThreads(HotsetSelector sel, int threads) throws InterruptedException {
    HotsetSelector.Tally tally = sel.newTally();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int from = records.size() * t / threads;
      int to = records.size() * (t + 1) / threads;
      TrafficSink sink = tally.newSink();
      workers.add(new Thread(() -> records.subList(from, to).forEach(sink::accept)));
    }
    workers.forEach(Thread::start);
    for (Thread w : workers) {
      w.join();
    }
    return tally.select(List.of());
  }

  @Test
  void exactCountingIsTheDefaultUnderTheBudget() {
    assertThat(exact.countingMode()).isEqualTo(CountingMode.EXACT);
    assertThat(exact.errorBound()).isZero();
    assertThat(exact.distinctUrls()).isGreaterThan(60_000);
    assertThat(exact.clamps()).isEmpty();
  }

  @Test
  void perWorkerSinksMergeToTheSameExactResult() throws InterruptedException {
    Hotset merged = selectOnThreads(HotsetSelector.builder().top(TOP).build(), 4);
    assertThat(merged.entries()).isEqualTo(exact.entries());
    assertThat(merged.distinctUrls()).isEqualTo(exact.distinctUrls());
    assertThat(merged.recordsSeen()).isEqualTo(DRAWS);
  }

  @ParameterizedTest(name = "budget {0} bytes on {1} threads")
  @CsvSource({"2097152, 1", "4194304, 2", "8388608, 4"})
  void switchesToBoundedCountingPastTheBudgetAndKeepsTheTop(long budget, int threads)
      throws InterruptedException {
    Hotset bounded =
        selectOnThreads(HotsetSelector.builder().top(TOP).memoryBudget(budget).build(), threads);
    System.out.printf("budget=%d threads=%d capacity=%d errorBound=%d recall=%.4f distinct=%d"
            + " (exact %d)%n", budget, threads, bounded.sketchCapacity(), bounded.errorBound(),
        recall(bounded), bounded.distinctUrls(), exact.distinctUrls());
    assertThat(bounded.countingMode()).isEqualTo(CountingMode.BOUNDED);
    assertThat(bounded.clamps()).extracting(Clamp::kind).contains(Clamp.Kind.MEMORY_BUDGET);
    assertThat(bounded.errorBound()).isPositive();
    if (threads == 1) {
      assertThat(bounded.errorBound())
          .isLessThanOrEqualTo(bounded.demandWeight() / bounded.sketchCapacity());
    }
    assertThat(recall(bounded)).isGreaterThanOrEqualTo(0.99);
    assertThat(bounded.demandWeight()).isEqualTo(exact.demandWeight());
    assertThat((double) bounded.distinctUrls())
        .isBetween(exact.distinctUrls() * 0.97, exact.distinctUrls() * 1.03);
    for (HotsetEntry e : bounded.entries()) {
      long truth = exactCounts.get(e.url());
      assertThat(e.count()).as(e.url()).isBetween(truth, truth + e.error());
      assertThat(e.error()).isLessThanOrEqualTo(bounded.errorBound());
    }
    assertThat(bounded.toString()).contains("counting BOUNDED (capacity");
  }
}
