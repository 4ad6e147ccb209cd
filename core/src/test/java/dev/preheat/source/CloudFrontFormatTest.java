package dev.preheat.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudFrontFormatTest {

  @TempDir Path dir;

  // Lines in the shape of the examples in the CloudFront developer guide (standard logs v1.0).
  private static final String HEADER = "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes"
      + " c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query"
      + " cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes"
      + " time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type"
      + " cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte"
      + " x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n";

  private static String line(String date, String time, String method, String stem, String status,
      String agent, String query, String result) {
    return String.join("\t", date, time, "LAX1", "392", "192.0.2.100", method,
        "d111111abcdef8.cloudfront.net", stem, status, "-", agent, query, "-", result,
        "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==", "d111111abcdef8.cloudfront.net",
        "https", "23", "0.001", "-", "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", result, "HTTP/2.0",
        "-", "-", "11040", "0.001", result, "text/html", "78", "-", "-") + "\n";
  }

  private static final String CHROME = "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)"
      + "%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36";

  @Test
  void readsStandardLogLines() throws IOException {
    String log = HEADER
        + line("2019-12-04", "21:02:31", "GET", "/index.html", "200", CHROME, "-", "Hit")
        + line("2019-12-04", "21:02:32", "HEAD", "/search", "304", CHROME, "q=a%20b&p=2", "RefreshHit");

    LogFixtures.Collected c = LogFixtures.read(LogFormat.cloudFront(), log, dir);

    assertThat(c.stats.lines()).isEqualTo(4);
    assertThat(c.stats.malformedLines()).isZero();
    assertThat(c.records).hasSize(2);
    TrafficRecord first = c.records.get(0);
    assertThat(first.method()).isEqualTo("GET");
    assertThat(first.url()).isEqualTo("/index.html");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.bytes()).isEqualTo(392);
    assertThat(first.timestamp()).isEqualTo(Instant.parse("2019-12-04T21:02:31Z"));
    assertThat(first.cacheStatus()).isEqualTo("Hit");
    TrafficRecord second = c.records.get(1);
    assertThat(second.url()).isEqualTo("/search?q=a%20b&p=2");
    assertThat(second.cacheStatus()).isEqualTo("RefreshHit");
  }

  @Test
  void userAgentIsUrlDecodedForFilters() throws IOException {
    String log = HEADER
        + line("2019-12-04", "21:02:31", "GET", "/a", "200", "Preheat/1.0%20(warm)", "-", "Miss")
        + line("2019-12-04", "21:02:31", "GET", "/b", "200",
            "Mozilla/5.0%20(compatible;%20Googlebot/2.1)", "-", "Miss")
        + line("2019-12-04", "21:02:31", "GET", "/c", "200", CHROME, "-", "Miss");

    LogFixtures.Collected c = LogFixtures.read(LogFormat.cloudFront(), log, dir);

    assertThat(c.records).extracting(TrafficRecord::url).containsExactly("/c");
    assertThat(c.stats.filteredByUserAgent()).isEqualTo(2);
  }

  @Test
  void genericW3cLogWithItsOwnFieldsAndSpaces() throws IOException {
    String log = "#Software: Microsoft Internet Information Services 10.0\n"
        + "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs(User-Agent) sc-status\n"
        + "2024-03-01 10:00:00 10.0.0.1 GET /default.htm id=3 443 Mozilla/5.0+(Windows) 200\n"
        + "2024-03-01 10:00:01 10.0.0.1 GET /bad.htm - 443 Mozilla/5.0 2OO\n";

    LogFixtures.Collected c = LogFixtures.read(LogFormat.cloudFront(), log, dir);

    assertThat(c.only().url()).isEqualTo("/default.htm?id=3");
    assertThat(c.only().timestamp()).isEqualTo(Instant.parse("2024-03-01T10:00:00Z"));
    assertThat(c.only().bytes()).isZero();
    assertThat(c.stats.samples()).singleElement().satisfies(m -> {
      assertThat(m.lineNumber()).isEqualTo(4);
      assertThat(m.reason()).contains("sc-status");
    });
  }

  @Test
  void invalidDatesAndShortLinesAreMalformed() throws IOException {
    String log = HEADER
        + line("2019-13-04", "21:02:31", "GET", "/a", "200", CHROME, "-", "Hit")
        + "2019-12-04\t21:02:31\tLAX1\n";

    LogFixtures.Collected c = LogFixtures.read(LogFormat.cloudFront(), log, dir);

    assertThat(c.records).isEmpty();
    assertThat(c.stats.samples()).extracting(MalformedLine::reason)
        .anySatisfy(r -> assertThat(r).contains("invalid date"))
        .anySatisfy(r -> assertThat(r).contains("fields but found 3"));
  }

  @Test
  void latestTimestampReadsTheWholeFile() throws IOException {
    Path log = LogFixtures.write(dir, "cf.log", HEADER
        + line("2019-12-04", "21:02:31", "GET", "/a", "200", CHROME, "-", "Hit")
        + line("2019-12-05", "01:00:00", "GET", "/b", "200", CHROME, "-", "Hit")
        + line("2019-12-04", "23:59:59", "GET", "/c", "200", CHROME, "-", "Hit"));

    assertThat(LogFixtures.reader(LogFormat.cloudFront()).build().latestTimestamp(List.of(log)))
        .contains(Instant.parse("2019-12-05T01:00:00Z"));
  }
}
