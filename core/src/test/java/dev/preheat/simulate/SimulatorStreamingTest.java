package dev.preheat.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.simulate.SimulatorTest.Config;
import dev.preheat.simulate.SimulatorTest.Naive;
import dev.preheat.source.LogFormat;
import dev.preheat.source.LogReader;
import dev.preheat.source.TrafficRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming side of the simulator: late requests, several files merged by time, and memory
 * bounded by the window rather than by the length of the log.
 */
class SimulatorStreamingTest {

  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;
  private static final long BASE = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
  private static final int[] SIZES = {1, 3, 10, 30};
  private static final DateTimeFormatter CLF =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void requestsOlderThanTheReorderAllowanceAreCountedAsLateAndTheRestReplayedExactly() {
    SplittableRandom random = new SplittableRandom(7);
    List<TrafficRecord> log = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      long t = BASE + (5 * HOUR * i / 4_000) / 1000 * 1000;
      if (random.nextInt(40) == 0) {
        t -= (1 + random.nextInt(80)) * MINUTE; // up to 80 minutes back: some are late
      }
      int rank = (int) Math.floor(Math.pow(61, random.nextDouble())) - 1;
      log.add(new TrafficRecord("GET", "/p/" + rank, 200, 1_000 + rank, t, null, 1));
    }
    long reorder = 10 * MINUTE;
    // The rule, written independently: a request is late when a request replayed before it is
    // at least the allowance past the end of its window.
    List<TrafficRecord> onTime = new ArrayList<>();
    long newest = Long.MIN_VALUE;
    long late = 0;
    for (TrafficRecord r : log) {
      long end = Math.floorDiv(r.epochMillis(), HOUR) * HOUR + HOUR;
      if (newest != Long.MIN_VALUE && end <= newest - reorder) {
        late++;
      } else {
        onTime.add(r);
        newest = Math.max(newest, r.epochMillis());
      }
    }
    assertThat(late).isBetween(20L, 90L);

    for (Config config : List.of(
        new Config("unlimited", HOUR, 0, 0, u -> Long.MAX_VALUE, true, SIZES),
        new Config("no purge, 8 entries, ttl 20m", HOUR, 8, 0, u -> 20 * MINUTE, false, SIZES),
        new Config("no purge, 9 KB", HOUR, 0, 9_000, u -> Long.MAX_VALUE, false, SIZES))) {
      SimulationResult result = Simulator.of(settings(config)
          .reorder(Duration.ofMillis(reorder)).build()).simulate(log);
      assertThat(result.lateRequests()).as(config.name()).isEqualTo(late);
      assertThat(result.replayedRequests()).isEqualTo(onTime.size());
      assertEqualsNaive(result, new Naive(config, onTime), config);
    }
  }

  @Test
  void aReorderAllowanceLongerThanTheWindowIsRejected() {
    assertThatThrownBy(() -> SimulationSettings.builder().window(Duration.ofHours(1))
        .reorder(Duration.ofHours(2)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be longer than the window");
    assertThat(SimulationSettings.builder().window(Duration.ofMinutes(5)).build().reorder())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(SimulationSettings.defaults().reorder()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void severalFilesAreMergedByTimeAsIfTheyWereOneLog() throws IOException {
    // Two servers logging the same 4 hours, plus a third, older rotated file given last.
    SplittableRandom random = new SplittableRandom(3);
    List<List<TrafficRecord>> perFile = List.of(new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>());
    List<Path> files = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      StringBuilder text = new StringBuilder();
      long from = f == 2 ? BASE - 2 * HOUR : BASE;
      long span = f == 2 ? 2 * HOUR : 4 * HOUR;
      for (int i = 0; i < 3_000; i++) {
        long t = from + (span * i / 3_000) / 1000 * 1000;
        int rank = (int) Math.floor(Math.pow(81, random.nextDouble())) - 1;
        String url = "/f/" + rank;
        long bytes = 500 + rank * 13L;
        text.append("10.0.0.").append(f).append(" - - [")
            .append(CLF.format(Instant.ofEpochMilli(t)))
            .append("] \"GET ").append(url).append(" HTTP/1.1\" 200 ").append(bytes)
            .append(" \"-\" \"Mozilla/5.0\"\n");
        perFile.get(f).add(new TrafficRecord("GET", url, 200, bytes, t, null, 1));
      }
      Path file = dir.resolve("access-" + f + ".log");
      Files.writeString(file, text, StandardCharsets.UTF_8);
      files.add(file);
    }
    List<TrafficRecord> all = new ArrayList<>();
    perFile.forEach(all::addAll); // the naive replay sorts stably: ties keep the file order
    LogReader reader = LogReader.builder().format(LogFormat.combined()).build();
    for (Config config : List.of(
        new Config("unlimited", HOUR, 0, 0, u -> Long.MAX_VALUE, true, SIZES),
        new Config("no purge, 20 entries", HOUR, 20, 0, u -> Long.MAX_VALUE, false, SIZES))) {
      SimulationResult result = Simulator.of(settings(config).build()).simulate(reader, files);
      assertThat(result.readStats().files()).isEqualTo(3);
      assertThat(result.readStats().records()).isEqualTo(9_000);
      assertThat(result.lateRequests()).isZero();
      assertThat(result.windows()).hasSize(6);
      assertEqualsNaive(result, new Naive(config, all), config);
    }
  }

  @Test
  void aMissingFileIsNamed() {
    LogReader reader = LogReader.builder().format(LogFormat.combined()).build();
    Path missing = dir.resolve("nope.log");
    assertThatThrownBy(() -> Simulator.of(SimulationSettings.defaults())
        .simulate(reader, List.of(missing)))
        .isInstanceOf(IOException.class).hasMessageContaining("nope.log");
  }

  @Test
  void memoryIsBoundedByTheWindowNotByTheLengthOfTheLog() {
    // 20 windows of 20,000 requests; each window has URLs of its own (the log's distinct URLs
    // grow with its length) besides shared ones.
    int windows = 20;
    int perWindow = 20_000;
    for (boolean purge : new boolean[] {true, false}) {
      SimulationSettings.Builder b = SimulationSettings.builder().window(Duration.ofHours(1))
          .sizes(10, 100, 1_000, 10_000).purgeEachWindow(purge).workers(2);
      if (!purge) {
        b.maxEntries(2_000);
      }
      SimulationResult r = Simulator.of(b.build()).simulate(generated(windows, perWindow, 9));
      assertThat(r.windows()).hasSize(windows);
      assertThat(r.replayedRequests()).isEqualTo((long) windows * perWindow);
      int maxDistinct = r.windows().stream().mapToInt(SimulatedWindow::distinctUrls).max()
          .orElseThrow();
      // Buffered: one window plus the 10 minutes of the next one read ahead (1/6 of a window).
      assertThat(r.peakBufferedRequests()).as("purge " + purge)
          .isLessThanOrEqualTo(perWindow + perWindow / 6 + 10);
      // URL ids: this window's, the previous one's, and what the caches hold.
      assertThat(r.peakUrlIds()).as("purge " + purge)
          .isLessThanOrEqualTo(2L * maxDistinct + (purge ? 0 : 2_000));
      assertThat(r.distinctUrls()).as("the log's distinct URLs, estimated")
          .isGreaterThan(6 * maxDistinct);
    }
  }

  /**
   * Runs {@link LongLog} in a JVM whose heap (48 MiB) is smaller than the arrays the whole-log
   * replay needed for its 2,000,000 requests (20 bytes each: 40 MB, and 63 MB while they grew).
   */
  @Test
  void aLongLogRunsInAHeapSmallerThanTheLogsRequests() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path out = dir.resolve("long-log.out");
    Process p = new ProcessBuilder(java.toString(), "-Xmx48m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), LongLog.class.getName())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(out);
    assertThat(done).as(output).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("requests=2000000").contains("windows=20");
  }

  /** A generated log, produced lazily: nothing but the simulator holds it. */
  static Iterable<TrafficRecord> generated(int windows, int perWindow, long seed) {
    return () -> new Iterator<>() {
      final SplittableRandom random = new SplittableRandom(seed);
      final long total = (long) windows * perWindow;
      long i;

      @Override
      public boolean hasNext() {
        return i < total;
      }

      @Override
      public TrafficRecord next() {
        long w = i / perWindow;
        long t = BASE + w * HOUR + (HOUR * (i % perWindow) / perWindow) / 1000 * 1000;
        i++;
        int rank = (int) Math.floor(Math.pow(20_001, random.nextDouble())) - 1;
        String url = rank % 2 == 0 ? "/shared/" + rank : "/w" + w + "/" + rank;
        return new TrafficRecord("GET", url, 200, 200 + rank % 1_000, t, null, 1);
      }
    };
  }

  /** The long log of {@link #aLongLogRunsInAHeapSmallerThanTheLogsRequests}. */
  static final class LongLog {
    public static void main(String[] args) {
      SimulationResult r = Simulator.of(SimulationSettings.builder()
          .window(Duration.ofHours(1))
          .sizes(100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000)
          .maxEntries(20_000).workers(2).build())
          .simulate(generated(20, 100_000, 11));
      System.out.println("requests=" + r.replayedRequests() + " windows=" + r.windows().size()
          + " peakBuffered=" + r.peakBufferedRequests() + " peakIds=" + r.peakUrlIds()
          + " maxHeap=" + Runtime.getRuntime().maxMemory());
    }
  }

  private static SimulationSettings.Builder settings(Config config) {
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
    if (config.ttlMs().applyAsLong("/") != Long.MAX_VALUE) {
      b.defaultTtl(Duration.ofMillis(config.ttlMs().applyAsLong("/")));
    }
    return b;
  }

  private static void assertEqualsNaive(SimulationResult result, Naive naive, Config config) {
    assertThat(figures(result.baseline())).as(config.name() + ", baseline")
        .containsExactly(naive.replay(0, false));
    for (SweepPoint p : result.points()) {
      assertThat(figures(p.warmed())).as(config.name() + ", warmed " + p.size())
          .containsExactly(naive.replay(p.size(), false));
      assertThat(figures(p.oracle())).as(config.name() + ", oracle " + p.size())
          .containsExactly(naive.replay(p.size(), true));
    }
  }

  private static long[] figures(CacheFigures f) {
    return new long[] {f.requests(), f.hits(), f.bytes(), f.hitBytes(), f.warmRequests(),
        f.warmBytes(), f.warmFills()};
  }
}
