package dev.preheat.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogReaderTest {

  @TempDir Path dir;

  private static String line(String url, String agent, int second) {
    return String.format("10.0.0.1 - - [02/Jan/2024:03:04:%02d +0000] \"GET %s HTTP/1.1\" 200 7"
        + " \"-\" \"%s\"\n", second, url, agent);
  }

  /** A combined log with Zipf-like URL popularity, random user agents and a few bad lines. */
  private static String generated(int lines, long seed) {
    Random random = new Random(seed);
    String[] agents = {"Mozilla/5.0 (X11)", "Googlebot/2.1", "curl/8.0", "Preheat/0.1", "Safari"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      if (i % 997 == 0) {
        sb.append("garbage line ").append(i).append('\n');
        continue;
      }
      int rank = (int) Math.floor(Math.pow(random.nextDouble(), 3) * 2000);
      sb.append(line("/item/" + rank + "?v=" + (rank % 3), agents[random.nextInt(agents.length)],
          i % 60));
    }
    return sb.toString();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 3, 64, 1000, 8191})
  void parallelMatchesSequentialWithChunksEndingMidLine(long chunkBytes) throws IOException {
    Path a = LogFixtures.write(dir, "a.log", generated(3000, 1));
    Path b = LogFixtures.write(dir, "b.log", generated(2000, 2));
    List<Path> files = List.of(a, b);
    ReadStats[] seq = new ReadStats[1];
    ReadStats[] par = new ReadStats[1];
    Map<String, Long> expected = LogFixtures.countSequential(
        LogFixtures.reader(LogFormat.combined()).maxMalformedSamples(10).build(), files, seq);
    LogReader chunked = LogFixtures.reader(LogFormat.combined()).maxMalformedSamples(10)
        .workers(4).chunkBytes(chunkBytes).build();

    Map<String, Long> actual = LogFixtures.countParallel(chunked, files, par);

    assertThat(actual).isEqualTo(expected);
    assertThat(par[0].lines()).isEqualTo(5000);
    assertThat(par[0].records()).isEqualTo(seq[0].records());
    assertThat(par[0].filteredByUserAgent()).isEqualTo(seq[0].filteredByUserAgent()).isPositive();
    assertThat(par[0].malformedLines()).isEqualTo(seq[0].malformedLines()).isEqualTo(4 + 3);
    assertThat(par[0].samples()).isEqualTo(seq[0].samples());
    assertThat(par[0].samples()).extracting(MalformedLine::lineNumber)
        .containsExactly(1L, 998L, 1995L, 2992L, 1L, 998L, 1995L);
    assertThat(par[0].samples().get(4).source()).isEqualTo(b.toString());
  }

  @Test
  void gzipIsDetectedByMagicBytesNotByName() throws IOException {
    String content = line("/a", "M", 1) + line("/b", "M", 2);
    Path gzNamedLog = LogFixtures.gzip(dir, "rotated.log", content.getBytes(StandardCharsets.UTF_8));
    Path plainNamedGz = LogFixtures.write(dir, "plain.gz", content);

    LogFixtures.Collected c =
        LogFixtures.read(LogFixtures.reader(LogFormat.combined()).build(), gzNamedLog, plainNamedGz);

    assertThat(c.records).extracting(TrafficRecord::url).containsExactly("/a", "/b", "/a", "/b");
    assertThat(c.stats.files()).isEqualTo(2);
    assertThat(c.stats.bytesRead()).isEqualTo(Files.size(gzNamedLog) + Files.size(plainNamedGz));
  }

  @Test
  void gzipOfTheRealLogReadsLikeThePlainFile() throws IOException {
    Path gz = LogFixtures.gzip(dir, "access.log.gz", Files.readAllBytes(LogFixtures.realLog()));
    LogReader reader = LogFixtures.reader(LogFormat.combined()).workers(2).build();
    ReadStats[] plain = new ReadStats[1];
    ReadStats[] zipped = new ReadStats[1];

    Map<String, Long> expected =
        LogFixtures.countParallel(reader, List.of(LogFixtures.realLog()), plain);
    Map<String, Long> actual = LogFixtures.countParallel(reader, List.of(gz), zipped);

    assertThat(actual).isEqualTo(expected);
    assertThat(zipped[0].lines()).isEqualTo(10_000);
    assertThat(zipped[0].samples()).isEqualTo(plain[0].samples().stream()
        .map(m -> new MalformedLine(gz.toString(), m.lineNumber(), m.reason(), m.excerpt()))
        .toList());
    assertThat(reader.latestTimestamp(List.of(gz))).contains(Instant.parse("2015-05-20T21:05:59Z"));
  }

  @Test
  void truncatedGzipKeepsWhatWasReadAndReportsTheDamage() throws IOException {
    byte[] whole = Files.readAllBytes(
        LogFixtures.gzip(dir, "full.gz", generated(5000, 3).getBytes(StandardCharsets.UTF_8)));
    Path cut = LogFixtures.write(dir, "cut.gz", Arrays.copyOf(whole, whole.length / 2));
    Path after = LogFixtures.write(dir, "after.log", line("/after", "M", 1));

    LogFixtures.Collected c = LogFixtures.read(
        LogFixtures.reader(LogFormat.combined()).maxMalformedSamples(100).build(), cut, after);

    assertThat(c.records).isNotEmpty();
    assertThat(c.records.get(c.records.size() - 1).url()).isEqualTo("/after");
    assertThat(c.stats.samples()).anySatisfy(m -> {
      assertThat(m.source()).isEqualTo(cut.toString());
      assertThat(m.reason()).contains("gzip data is corrupt or truncated");
    });
  }

  @Test
  void preheatTrafficIsAlwaysExcludedUnlessIncluded() throws IOException {
    Path log = LogFixtures.write(dir, "a.log", line("/warm", "preheat/1.2 (+https://x)", 1)
        + line("/bot", "Googlebot", 2) + line("/user", "Mozilla", 3));

    LogFixtures.Collected noBotFilter = LogFixtures.read(
        LogFixtures.reader(LogFormat.combined()).excludeUserAgents(List.of()).build(), log);
    LogFixtures.Collected opted = LogFixtures.read(LogFixtures.reader(LogFormat.combined())
        .excludeUserAgents(List.of()).includePreheatTraffic(true).build(), log);

    assertThat(noBotFilter.records).extracting(TrafficRecord::url).containsExactly("/bot", "/user");
    assertThat(noBotFilter.stats.filteredByUserAgent()).isEqualTo(1);
    assertThat(opted.records).extracting(TrafficRecord::url)
        .containsExactly("/warm", "/bot", "/user");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) | true
      Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp) | true
      Baiduspider+(+http://www.baidu.com/search/spider.htm) | true
      facebookexternalhit/1.1 | true
      Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36 | false
      curl/8.4.0 | false
      - | false
      """)
  void defaultExclusions(String agent, boolean excluded) throws IOException {
    LogFixtures.Collected c = LogFixtures.read(LogFixtures.reader(LogFormat.combined()).build(),
        LogFixtures.write(dir, "a.log", line("/x", agent, 1)));

    assertThat(c.stats.filteredByUserAgent()).isEqualTo(excluded ? 1 : 0);
    assertThat(c.records).hasSize(excluded ? 0 : 1);
  }

  @Test
  void customExclusionsReplaceTheDefaults() throws IOException {
    Path log = LogFixtures.write(dir, "a.log",
        line("/1", "CURL/8.0", 1) + line("/2", "Googlebot", 2) + line("/3", "Mozilla", 3));

    LogFixtures.Collected c = LogFixtures.read(
        LogFixtures.reader(LogFormat.combined()).excludeUserAgents(List.of("curl/")).build(), log);

    assertThat(c.records).extracting(TrafficRecord::url).containsExactly("/2", "/3");
  }

  @Test
  void latestTimestampLooksAcrossFilesAndPastUnparseableTails() throws IOException {
    Path older = LogFixtures.write(dir, "older.log", line("/a", "M", 5));
    StringBuilder tail = new StringBuilder(line("/b", "M", 59));
    tail.append(line("/c", "M", 7));
    for (int i = 0; i < 5000; i++) {
      tail.append("this tail line is not a log line and is long enough to fill the window\n");
    }
    Path newer = LogFixtures.write(dir, "newer.log", tail.toString());
    LogReader reader = LogFixtures.reader(LogFormat.combined()).build();

    assertThat(reader.latestTimestamp(List.of(older, newer)))
        .contains(Instant.parse("2024-01-02T03:04:59Z"));
    assertThat(reader.latestTimestamp(List.of(older)))
        .contains(Instant.parse("2024-01-02T03:04:05Z"));
    assertThat(reader.latestTimestamp(List.of())).isEmpty();
  }

  @Test
  void elapsedComesFromTheInjectedClock() throws IOException {
    Clock fixed = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
    LogReader reader = LogFixtures.reader(LogFormat.combined()).clock(fixed).build();

    ReadStats stats = reader.read(List.of(LogFixtures.write(dir, "a.log", line("/a", "M", 1))),
        r -> { });

    assertThat(stats.elapsed()).isEqualTo(Duration.ZERO);
  }

  @Test
  void emptyFileListReadsNothing() throws IOException {
    ReadStats stats = LogFixtures.reader(LogFormat.combined()).build().read(List.of(), r -> { });

    assertThat(stats.lines()).isZero();
    assertThat(stats.files()).isZero();
  }

  @Test
  void builderRequiresFormatAndDefaultsTheCanonicalizer() {
    assertThatThrownBy(() -> LogReader.builder().canonicalizer(u -> u).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("format is required");
    assertThat(LogReader.builder().format(LogFormat.combined()).build().canonicalizer()
        .canonicalize("/a/../b?utm_source=x")).isEqualTo("/b");
  }

  @Test
  void builderRejectsInvalidAndRepeatedSettings() {
    assertThatThrownBy(() -> LogReader.builder().workers(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("workers must be > 0 but was 0");
    assertThatThrownBy(() -> LogReader.builder().maxLineLength(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was -1");
    assertThatThrownBy(() -> LogReader.builder().maxMalformedSamples(-2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxMalformedSamples must be >= 0 but was -2");
    assertThatThrownBy(() -> LogReader.builder().excludeUserAgents(List.of("")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogReader.builder().format(LogFormat.common()).format(LogFormat.common()))
        .isInstanceOf(IllegalStateException.class).hasMessage("format was already set to common");
    assertThatThrownBy(() -> LogReader.builder().workers(2).workers(3))
        .isInstanceOf(IllegalStateException.class).hasMessage("workers was already set to 2");
  }
}
