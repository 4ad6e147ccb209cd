package dev.preheat.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoCacheTest {

  private final DemoClock clock = new DemoClock(Clock.systemUTC());
  private final DemoOrigin origin = DemoOrigin.start(
      Map.of("/page.html", 5000L, "/logo.png", 300L, "/feed?flav=rss", 100L), Instant.EPOCH);
  private final DemoCache cache = DemoCache.start(origin.baseUrl(), clock);
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    cache.close();
    origin.close();
  }

  private HttpResponse<byte[]> get(String target, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + cache.address().getPort() + target));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String status(HttpResponse<?> r) {
    return r.headers().firstValue("Cache-Status").orElse("");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    // first Accept-Encoding | second Accept-Encoding | second request's Cache-Status
    "gzip, br               | gzip                    | preheat-demo; hit",
    "gzip                   | identity                | preheat-demo; fwd=vary-miss; stored",
    "br, gzip;q=0.5         | gzip, deflate           | preheat-demo; hit",
  })
  void keysOnTheNormalizedVaryHeader(String first, String second, String expected)
      throws Exception {
    assertThat(status(get("/page.html", "Accept-Encoding", first)))
        .isEqualTo("preheat-demo; fwd=uri-miss; stored");
    assertThat(status(get("/page.html", "Accept-Encoding", second))).isEqualTo(expected);
  }

  @Test
  void hitsCarryAgeAndStaleCopiesAreRevalidatedWithTheOrigin() throws Exception {
    get("/logo.png");
    clock.advance(Duration.ofSeconds(10));
    HttpResponse<byte[]> hit = get("/logo.png");
    assertThat(status(hit)).isEqualTo("preheat-demo; hit");
    assertThat(hit.headers().firstValue("Age")).hasValue("10");
    assertThat(hit.body()).hasSize(300);

    clock.advance(Duration.ofSeconds(DemoOrigin.MAX_AGE_SECONDS));
    String etag = hit.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> revalidated = get("/logo.png", "If-None-Match", etag);
    assertThat(revalidated.statusCode()).isEqualTo(304);
    assertThat(status(revalidated)).isEqualTo("preheat-demo; fwd=stale; fwd-status=304; stored");
    assertThat(origin.notModifiedResponses()).isEqualTo(1);
    assertThat(origin.fullResponses()).isEqualTo(1);
  }

  @Test
  void noStoreIsNeverServedFromCache() throws Exception {
    get("/feed?flav=rss");
    HttpResponse<byte[]> again = get("/feed?flav=rss");
    assertThat(status(again)).isEqualTo("preheat-demo; fwd=uri-miss");
    assertThat(again.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(origin.fullResponses()).isEqualTo(2);
    assertThat(cache.hits()).isZero();
  }

  @Test
  void gzipOnlyWhenAcceptedAndUnknownPathsAre404() throws Exception {
    HttpResponse<byte[]> gz = get("/page.html", "Accept-Encoding", "gzip");
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(gz.headers().firstValue("Vary")).hasValue("Accept-Encoding");
    assertThat(gz.body().length).isLessThan(5000);
    HttpResponse<byte[]> plain = get("/page.html");
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(plain.body()).hasSize(5000);
    assertThat(get("/nope").statusCode()).isEqualTo(404);
  }
}
