package dev.preheat.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NginxFormatTest {

  @TempDir Path dir;

  private static final String TIMED =
      "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
          + " \"$http_referer\" \"$http_user_agent\" $request_time $upstream_cache_status";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # format | line | method | url | status | bytes | time | cache status
      $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_cache_status | 10.0.0.1 - - [17/May/2015:10:05:03 +0200] "GET /a?b=1 HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux)" 0.004 HIT | GET | /a?b=1 | 200 | 512 | 2015-05-17T08:05:03Z | HIT
      $remote_addr [$time_iso8601] "$request" $status $bytes_sent $upstream_cache_status | 10.0.0.1 [2024-01-02T03:04:05+00:00] "HEAD /x HTTP/2.0" 304 0 EXPIRED | HEAD | /x | 304 | 0 | 2024-01-02T03:04:05Z | EXPIRED
      $msec $request_method $request_uri $status $body_bytes_sent | 1704164645.250 POST /api/v1?q=%20 201 - | POST | /api/v1?q=%20 | 201 | 0 | 2024-01-02T03:04:05.250Z |
      $time_local;$uri;$args;$status;$upstream_cache_status | 02/Jan/2024:03:04:05 +0000;/search;q=shoes;200;- | GET | /search?q=shoes | 200 | 0 | 2024-01-02T03:04:05Z |
      $time_local;$uri;$args;$status | 02/Jan/2024:03:04:05 +0000;/home;-;200 | GET | /home | 200 | 0 | 2024-01-02T03:04:05Z |
      $scheme://$host "$request" $status | https://shop.example.com "GET /cart HTTP/1.1" 200 | GET | https://shop.example.com/cart | 200 | 0 | |
      ${remote_addr} "$request" $status rt=$request_time ucs=$upstream_cache_status | ::1 "GET /p HTTP/1.1" 200 rt=0.120 ucs=MISS | GET | /p | 200 | 0 | | MISS
      """)
  void readsFieldsOfALogFormat(String format, String line, String method, String url, int status,
      long bytes, String time, String cache) throws IOException {
    TrafficRecord r =
        LogFixtures.read(LogFormat.nginx(format), line + "\n", dir).only();

    assertThat(r.method()).isEqualTo(method);
    assertThat(r.url()).isEqualTo(url);
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.bytes()).isEqualTo(bytes);
    if (time == null) {
      assertThat(r.hasTimestamp()).isFalse();
    } else {
      assertThat(r.timestamp()).isEqualTo(Instant.parse(time));
    }
    assertThat(r.cacheStatus()).isEqualTo(cache);
  }

  @Test
  void quotedValuesMayContainSpacesAndEscapedQuotes() throws IOException {
    String line = "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /q HTTP/1.1\" 200 5"
        + " \"http://r/ \\\"x\\\" y\" \"Agent \\\"quoted\\\" (with spaces)\" 0.010 MISS\n";

    TrafficRecord r = LogFixtures.read(LogFormat.nginx(TIMED), line, dir).only();

    assertThat(r.url()).isEqualTo("/q");
    assertThat(r.cacheStatus()).isEqualTo("MISS");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /q HTTP/1.1" 200 5 "-" "A" 0.010 | expected ' ' after $request_time
      1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /q HTTP/1.1" 200 5 "-" "A" 0.010 HIT extra | expected
      1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /q HTTP/1.1" 2x0 5 "-" "A" 0.010 HIT | status is not a three-digit number
      1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /q HTTP/1.1" 200 five "-" "A" 0.010 HIT | $body_bytes_sent is not a number
      1.2.3.4 - - [31/Feb/2015:10:05:03 +0000] "GET /q HTTP/1.1" 200 5 "-" "A" 0.010 HIT | invalid time
      """)
  void linesNotInTheFormatAreMalformed(String line, String reason) throws IOException {
    LogFixtures.Collected c = LogFixtures.read(LogFormat.nginx(TIMED), line + "\n", dir);

    assertThat(c.records).isEmpty();
    assertThat(c.stats.malformedLines()).isEqualTo(1);
    assertThat(c.stats.samples().get(0).reason()).contains(reason);
  }

  @Test
  void formatWithoutRequestVariableIsRejected() {
    assertThatThrownBy(() -> LogFormat.nginx("$remote_addr $status"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$request, $request_uri or $uri");
  }

  @Test
  void adjacentVariablesAreRejected() {
    assertThatThrownBy(() -> LogFormat.nginx("$request$status"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$request and $status");
  }

  @Test
  void commonFormatReadsLinesWithoutUserAgent() throws IOException {
    TrafficRecord r = LogFixtures.read(LogFormat.common(),
        "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326\n",
        dir).only();

    assertThat(r.url()).isEqualTo("/apache_pb.gif");
    assertThat(r.timestamp()).isEqualTo(Instant.parse("2000-10-10T20:55:36Z"));
    assertThat(r.bytes()).isEqualTo(2326);
  }

  @Test
  void combinedIgnoresFieldsAppendedAfterTheUserAgent() throws IOException {
    TrafficRecord r = LogFixtures.read(LogFormat.combined(),
        "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"UA\" 0.002 HIT\r\n",
        dir).only();

    assertThat(r.url()).isEqualTo("/a");
    assertThat(r.cacheStatus()).isNull();
  }
}
