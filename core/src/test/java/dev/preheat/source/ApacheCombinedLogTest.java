package dev.preheat.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real 10,000-line Apache combined log. Expected values were computed once with the shell:
 * {@code awk '{print $7}' | sort | uniq -c} for URL counts, {@code awk -F'"' 'NF!=7'} for the one
 * truncated line (8899: the user agent lacks its closing quote), and the bot count with
 * {@code awk -F'"' 'NF==7 && tolower($6) ~ /bot|crawler|spider|slurp|facebookexternalhit|bingpreview/'}.
 */
class ApacheCombinedLogTest {

  private static final Path LOG = LogFixtures.realLog();

  private static LogReader unfiltered() {
    return LogFixtures.reader(LogFormat.combined()).excludeUserAgents(List.of()).build();
  }

  @Test
  void countsEveryLineAndReportsTheTruncatedOne() throws IOException {
    LogFixtures.Collected c = LogFixtures.read(unfiltered(), LOG);

    assertThat(c.stats.files()).isEqualTo(1);
    assertThat(c.stats.lines()).isEqualTo(10_000);
    assertThat(c.stats.records()).isEqualTo(9_999);
    assertThat(c.stats.malformedLines()).isEqualTo(1);
    assertThat(c.stats.oversizedLines()).isZero();
    assertThat(c.stats.filteredByUserAgent()).isZero();
    assertThat(c.stats.bytesRead()).isEqualTo(LOG.toFile().length());
    assertThat(c.stats.samples()).singleElement().satisfies(m -> {
      assertThat(m.source()).isEqualTo(LOG.toString());
      assertThat(m.lineNumber()).isEqualTo(8899);
      assertThat(m.reason()).contains("$http_user_agent").contains("truncated");
      assertThat(m.excerpt()).startsWith("46.118.127.106 - - [20/May/2015:12:05:17 +0000]");
    });
  }

  @Test
  void recordsCarryMethodStatusBytesAndTime() throws IOException {
    LogFixtures.Collected c = LogFixtures.read(unfiltered(), LOG);

    TrafficRecord first = c.records.get(0);
    assertThat(first.method()).isEqualTo("GET");
    assertThat(first.url())
        .isEqualTo("/presentations/logstash-monitorama-2013/images/kibana-search.png");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.bytes()).isEqualTo(203_023);
    assertThat(first.timestamp()).isEqualTo(Instant.parse("2015-05-17T10:05:03Z"));
    assertThat(first.cacheStatus()).isNull();
    assertThat(first.count()).isEqualTo(1);

    assertThat(c.records.stream().filter(r -> r.method().equals("HEAD")).count()).isEqualTo(42);
    assertThat(c.records.stream().filter(r -> r.status() == 304).count()).isEqualTo(445);
    assertThat(c.records.stream().mapToLong(TrafficRecord::bytes).sum()).isEqualTo(2_747_282_505L);
  }

  @ParameterizedTest
  @CsvSource({
    "/favicon.ico, 807",
    "/style2.css, 546",
    "/reset.css, 538",
    "/images/jordan-80.png, 533",
    "/images/web/2009/banner.png, 516",
    "/blog/tags/puppet?flav=rss20, 488",
    "/presentations/logstash-monitorama-2013/images/kibana-search.png, 6",
  })
  void urlCountsMatchAwk(String url, long expected) throws IOException {
    ReadStats[] stats = new ReadStats[1];
    Map<String, Long> counts = LogFixtures.countSequential(unfiltered(), List.of(LOG), stats);

    assertThat(counts.get(url)).isEqualTo(expected);
  }

  @Test
  void defaultFilterDropsBotsButNothingElse() throws IOException {
    LogReader reader = LogFixtures.reader(LogFormat.combined()).build();

    LogFixtures.Collected c = LogFixtures.read(reader, LOG);

    assertThat(c.stats.filteredByUserAgent()).isEqualTo(1419);
    assertThat(c.stats.records()).isEqualTo(9_999 - 1419);
    assertThat(c.stats.lines()).isEqualTo(10_000);
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 100, 4096, 65_536, 1 << 20})
  void parallelReadWithAnyChunkSizeMatchesSequential(long chunkBytes) throws IOException {
    ReadStats[] seq = new ReadStats[1];
    ReadStats[] par = new ReadStats[1];
    Map<String, Long> expected = LogFixtures.countSequential(unfiltered(), List.of(LOG), seq);
    LogReader chunked = LogFixtures.reader(LogFormat.combined())
        .excludeUserAgents(List.of()).workers(3).chunkBytes(chunkBytes).build();

    Map<String, Long> actual = LogFixtures.countParallel(chunked, List.of(LOG), par);

    assertThat(actual).isEqualTo(expected);
    assertThat(par[0].lines()).isEqualTo(seq[0].lines());
    assertThat(par[0].records()).isEqualTo(seq[0].records());
    assertThat(par[0].malformedLines()).isEqualTo(seq[0].malformedLines());
    assertThat(par[0].bytesRead()).isEqualTo(seq[0].bytesRead());
    assertThat(par[0].samples()).isEqualTo(seq[0].samples());
  }

  @Test
  void latestTimestampIsTheLatestNearTheEnd() throws IOException {
    assertThat(unfiltered().latestTimestamp(List.of(LOG)))
        .contains(Instant.parse("2015-05-20T21:05:59Z"));
  }
}
