package dev.preheat.benchmarks;

import dev.preheat.key.UrlCanonicalizer;
import dev.preheat.source.LogFormat;
import dev.preheat.source.LogReader;
import dev.preheat.source.ReadStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Log parsing throughput: a generated combined log (Zipf URLs) read sequentially and with one
 * worker per core, records passed to a sink that only consumes them. The score is seconds per
 * file; lines/s = {@code lines} / score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogReaderBenchmark {

  @Param({"200000"})
  public int lines;

  private Path log;
  private LogReader sequential;
  private LogReader parallel;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    log = Files.createTempFile("preheat-bench", ".log");
    GenerateLog.write(log, lines, lines / 4, 1.0, 42);
    sequential = reader(1);
    parallel = reader(Runtime.getRuntime().availableProcessors());
  }

  private static LogReader reader(int workers) {
    return LogReader.builder()
        .format(LogFormat.combined())
        .canonicalizer(UrlCanonicalizer.defaults())
        .workers(workers)
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(log);
  }

  @Benchmark
  public ReadStats sequential(Blackhole bh) throws IOException {
    return sequential.read(List.of(log), bh::consume);
  }

  @Benchmark
  public ReadStats parallel(Blackhole bh) throws IOException {
    return parallel.read(List.of(log), () -> bh::consume);
  }
}
