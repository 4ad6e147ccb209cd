package dev.preheat.benchmarks;

import dev.preheat.key.UrlCanonicalizer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** URL canonicalization cost: the already-canonical fast path and a URL that needs every rule. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CanonicalizerBenchmark {

  private final UrlCanonicalizer canonicalizer = UrlCanonicalizer.defaults();
  public String canonical = "/products/12345/reviews?page=2&sort=new";
  public String messy = "HTTPS://Www.Example.COM:443/a/./b/../c/%7euser?utm_source=x&q=%41%2f#frag";

  @Benchmark
  public String canonicalTarget() {
    return canonicalizer.canonicalize(canonical);
  }

  @Benchmark
  public String messyAbsoluteUrl() {
    return canonicalizer.canonicalize(messy);
  }
}
