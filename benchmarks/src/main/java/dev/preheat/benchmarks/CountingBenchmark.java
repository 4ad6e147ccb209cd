package dev.preheat.benchmarks;

import dev.preheat.hotset.HeavyHitters;
import dev.preheat.hotset.Hotset;
import dev.preheat.hotset.HotsetSelector;
import dev.preheat.source.TrafficRecord;
import dev.preheat.source.TrafficSink;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Counting throughput on a Zipf(1.0) stream of records: exact counting through the selector's
 * sink plus selection of the top 1,000, and the bounded heavy-hitters sketch alone. The score is
 * milliseconds per {@code records} records.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CountingBenchmark {

  @Param({"1000000"})
  public int records;

  @Param({"200000"})
  public int distinct;

  private TrafficRecord[] stream;

  @Setup(Level.Trial)
  public void setUp() {
    String[] urls = new String[distinct];
    for (int i = 0; i < distinct; i++) {
      urls[i] = "/articles/" + ((i * 2654435761L) & 0xffffff) + ".html";
    }
    double[] cdf = new double[distinct];
    double sum = 0;
    for (int i = 0; i < distinct; i++) {
      sum += 1.0 / (i + 1);
      cdf[i] = sum;
    }
    SplittableRandom random = new SplittableRandom(7);
    stream = new TrafficRecord[records];
    for (int i = 0; i < records; i++) {
      double u = random.nextDouble() * sum;
      int lo = 0;
      int hi = distinct - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      stream[i] = new TrafficRecord("GET", urls[lo], 200, 1000, TrafficRecord.NO_TIMESTAMP, null, 1);
    }
  }

  @Benchmark
  public Hotset exactCountAndSelectTop1000() {
    HotsetSelector.Tally tally = HotsetSelector.builder().top(1000).build().newTally();
    TrafficSink sink = tally.newSink();
    for (TrafficRecord r : stream) {
      sink.accept(r);
    }
    return tally.select(List.of());
  }

  @Benchmark
  public HeavyHitters sketch16k() {
    HeavyHitters sketch = HeavyHitters.withCapacity(16_384);
    for (TrafficRecord r : stream) {
      sketch.add(r.url(), 1);
    }
    return sketch;
  }
}
