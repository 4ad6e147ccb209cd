package dev.preheat.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.hotset.Hotset;
import dev.preheat.hotset.HotsetSelector;
import dev.preheat.hotset.Weight;
import dev.preheat.key.UrlCanonicalizer;
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
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast path (the combined shortcut parsing through to the newline, and counting per raw target
 * in the scanner for the hotset tally's sinks) against the slow one (the general matcher, a plain
 * sink, then {@link HotsetSelector#select(Iterable)}): same hotset, same filter counts, same read
 * statistics and malformed samples, with tiny target caches that fill and drain all the time, many
 * chunks and workers, windows with sustain, bytes weighting, exclusions, crawlers, truncated and
 * oversized lines, CRLF, and URLs the canonicalizer rejects.
 */
class AggregatedCountingTest {

  private static final DateTimeFormatter CLF =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Instant END = Instant.parse("2026-11-01T03:00:00Z");

  @TempDir Path dir;

  private Path generate(int lines, long seed) throws IOException {
    Random random = new Random(seed);
    String[] methods = {"GET", "GET", "GET", "GET", "HEAD", "POST"};
    int[] statuses = {200, 200, 200, 304, 404, 500};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      // Zipf-like popularity over 400 URLs, some with tracking parameters or odd forms.
      int rank = (int) Math.floor(Math.pow(400, random.nextDouble()));
      String target = switch (random.nextInt(20)) {
        case 0 -> "/p/" + rank + "?utm_source=x" + random.nextInt(3);
        case 1 -> "/admin/" + rank;
        case 2 -> "/P/./" + rank + "/../" + rank;
        case 3 -> random.nextInt(10) == 0 ? "ftp://example.com/" + rank : "/p/" + rank;
        case 4 -> random.nextInt(10) == 0 ? "nonsense" + rank : "/p/" + rank;
        default -> "/p/" + rank;
      };
      Instant t = END.minusSeconds(random.nextInt(4 * 3600)).plusSeconds(random.nextInt(10) == 0 ? 60 : 0);
      String agent = random.nextInt(15) == 0 ? "Mozilla/5.0 (compatible; Googlebot/2.1)" : "Mozilla/5.0 (X11)";
      String line = "10.0.0." + random.nextInt(255) + " - - [" + CLF.format(t) + "] \""
          + methods[random.nextInt(methods.length)] + " " + target + " HTTP/1.1\" "
          + statuses[random.nextInt(statuses.length)] + " " + random.nextInt(100_000)
          + " \"-\" \"" + agent + "\"";
      switch (random.nextInt(40)) {
        case 0 -> line = line.substring(0, random.nextInt(line.length())); // truncated
        case 1 -> line = line.replace("HTTP/1.1\"", "HTTP/1.1\\\" x\""); // escaped quote
        case 2 -> line = line + "\r";
        case 3 -> line = line.replace("(X11)", "(X11) " + "x".repeat(300)); // oversized
        case 4 -> line = line.replace("\"-\"", "\"a\rb\""); // CR inside the referer
        case 5 -> line = line + " \"trailing field\"";
        case 6 -> line = line.substring(0, line.length() - 1); // no closing quote
        default -> { }
      }
      sb.append(line).append('\n');
    }
    Path log = dir.resolve("access-" + seed + ".log");
    Files.writeString(log, sb.toString(), StandardCharsets.UTF_8);
    return log;
  }

  private static LogScanner scanner(boolean fast, int cacheEntries, long cacheKeyBytes,
      long chunkBytes) {
    PatternLineParser parser = PatternLineParser.compile(PatternLineParser.COMBINED, true);
    PatternLineParser general = parser.withoutShortcut();
    return new LogScanner(fast ? parser::copy : general::copy,
        new UserAgentFilter(List.of("bot", "Preheat/")), UrlCanonicalizer.defaults(), 300, 50,
        chunkBytes, cacheEntries, cacheKeyBytes);
  }

  @ParameterizedTest
  @CsvSource({
    // cache entries, cache key bytes, chunk bytes, workers, windowed, weight
    "16, 512, 4096, 3, false, REQUESTS",
    "16, 512, 4096, 3, true, REQUESTS",
    "7, 100000, 100000, 2, true, BYTES",
    "131072, 8388608, 8388608, 1, false, BYTES",
    "16, 512, 4096, 1, true, BYTES",
    "131072, 8388608, 2048, 4, true, REQUESTS",
    // large caches never drained while reading: the sinks get disjoint shards of the URLs
    "131072, 8388608, 2048, 3, false, BYTES",
    "131072, 8388608, 4096, 2, false, REQUESTS",
  })
  void sameHotsetAndStatisticsAsRecordByRecord(int cacheEntries, long keyBytes, long chunkBytes,
      int workers, boolean windowed, Weight weight) throws IOException {
    Path log = generate(30_000, cacheEntries + chunkBytes);
    Supplier<HotsetSelector.Builder> config = () -> {
      HotsetSelector.Builder b = HotsetSelector.builder().top(300).weight(weight)
          .excludePaths("^/admin/");
      if (windowed) {
        b.window(Duration.ofHours(1), END).sustain(2, 3);
      }
      return b;
    };

    HotsetSelector.Tally tally = config.get().build().newTally();
    ScanResult aggregated = scanner(true, cacheEntries, keyBytes, chunkBytes)
        .scan(List.of(log), workers, tally::newSink);
    Hotset fast = tally.select(List.of());

    List<TrafficRecord> records = new ArrayList<>();
    ScanResult oneByOne = scanner(false, cacheEntries, keyBytes, chunkBytes)
        .scan(List.of(log), 1, () -> records::add);
    Hotset reference = config.get().build().select(records);

    assertThat(aggregated.lines()).isEqualTo(oneByOne.lines()).isEqualTo(30_000);
    assertThat(aggregated.records()).isEqualTo(oneByOne.records());
    assertThat(aggregated.malformed()).isEqualTo(oneByOne.malformed()).isGreaterThan(100);
    assertThat(aggregated.oversized()).isEqualTo(oneByOne.oversized()).isGreaterThan(100);
    if (workers == 1) {
      assertThat(aggregated.samples()).isEqualTo(oneByOne.samples());
    }
    assertThat(aggregated.filtered()).isEqualTo(oneByOne.filtered()).isGreaterThan(100);
    assertThat(fast.countingMode()).isEqualTo(reference.countingMode());
    assertThat(fast.recordsSeen()).isEqualTo(reference.recordsSeen());
    assertThat(fast.requestsSeen()).isEqualTo(reference.requestsSeen());
    assertThat(fast.demandRecords()).isEqualTo(reference.demandRecords());
    assertThat(fast.demandWeight()).isEqualTo(reference.demandWeight());
    assertThat(fast.filtered()).isEqualTo(reference.filtered());
    assertThat(fast.untimedRecords()).isEqualTo(reference.untimedRecords());
    assertThat(fast.distinctUrls()).isEqualTo(reference.distinctUrls());
    assertThat(fast.entries()).isNotEmpty().isEqualTo(reference.entries());
  }
}
