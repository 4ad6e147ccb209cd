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

class JsonLinesFormatTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {"method":"GET","url":"/a?x=1","status":200,"bytes":10,"time":"2024-01-02T03:04:05Z"} | GET | /a?x=1 | 200 | 10 | 2024-01-02T03:04:05Z
      {"method":"head","path":"/p","query":"q=1","status":"304","timestamp":1704164645} | HEAD | /p?q=1 | 304 | 0 | 2024-01-02T03:04:05Z
      {"path":"/p","query":"","status":200,"ts":1704164645250} | GET | /p | 200 | 0 | 2024-01-02T03:04:05.250Z
      {"url":"/z","time":"2024-01-02T05:04:05.5+02:00","extra":{"nested":[1,2,{"a":null}]}} | GET | /z | 0 | 0 | 2024-01-02T03:04:05.500Z
      {"url":"/f","ts":1704164645.123} | GET | /f | 0 | 0 | 2024-01-02T03:04:05.123Z
      """)
  void readsDefaultFields(String line, String method, String url, int status, long bytes,
      String time) throws IOException {
    TrafficRecord r = LogFixtures.read(LogFormat.jsonLines(), line + "\n", dir).only();

    assertThat(r.method()).isEqualTo(method);
    assertThat(r.url()).isEqualTo(url);
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.bytes()).isEqualTo(bytes);
    assertThat(r.timestamp()).isEqualTo(Instant.parse(time));
  }

  @Test
  void caddyStyleNestedFieldsWithAMapping() throws IOException {
    String line = "{\"level\":\"info\",\"ts\":1704164645.5,\"request\":{\"method\":\"GET\","
        + "\"uri\":\"/shop?page=2\",\"headers\":{\"User-Agent\":[\"Mozilla/5.0\"]}},"
        + "\"status\":200,\"size\":4321,\"resp_headers\":{\"X-Cache\":[\"HIT\"]}}\n";
    LogFormat format = LogFormat.jsonLines(JsonLogFields.builder()
        .method("request.method").url("request.uri").userAgent("request.headers.User-Agent")
        .cacheStatus("resp_headers.X-Cache").build());

    TrafficRecord r = LogFixtures.read(format, line, dir).only();

    assertThat(r.url()).isEqualTo("/shop?page=2");
    assertThat(r.bytes()).isEqualTo(4321);
    assertThat(r.timestamp()).isEqualTo(Instant.parse("2024-01-02T03:04:05.500Z"));
    assertThat(r.cacheStatus()).isEqualTo("HIT");
  }

  @Test
  void userAgentFilterAppliesToJson() throws IOException {
    String log = "{\"url\":\"/a\",\"user_agent\":\"Mozilla/5.0 (compatible; bingbot/2.0)\"}\n"
        + "{\"url\":\"/b\",\"user_agent\":\"Preheat/0.1\"}\n"
        + "{\"url\":\"/c\",\"user_agent\":\"Mozilla/5.0\"}\n";

    LogFixtures.Collected c = LogFixtures.read(LogFormat.jsonLines(), log, dir);

    assertThat(c.records).extracting(TrafficRecord::url).containsExactly("/c");
    assertThat(c.stats.filteredByUserAgent()).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {"url":"/a","status":"ok"}          | status is not a number
      {"url":"/a","time":"yesterday"}     | invalid time
      {"status":200}                      | no URL field
      {"url":"/a"                         | invalid JSON
      [1,2,3]                             | not a JSON object
      {"url":"/a\\r\\nX-Evil: 1"}         | control character
      {"url":"/a","bytes":-5}             | bytes is not a non-negative number
      """)
  void badObjectsAreMalformed(String line, String reason) throws IOException {
    LogFixtures.Collected c = LogFixtures.read(LogFormat.jsonLines(), line + "\n", dir);

    assertThat(c.records).isEmpty();
    assertThat(c.stats.malformedLines()).isEqualTo(1);
    assertThat(c.stats.samples().get(0).reason()).contains(reason);
  }

  @Test
  void mappingRejectsUnknownRolesAndRepeatedSettings() {
    assertThatThrownBy(() -> JsonLogFields.builder().field("referer", "ref"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown JSON field role");
    assertThatThrownBy(() -> JsonLogFields.builder().url("a").url("b"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("url fields were already set");
  }
}
