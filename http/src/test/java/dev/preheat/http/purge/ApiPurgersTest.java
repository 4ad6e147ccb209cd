package dev.preheat.http.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import dev.preheat.spi.Purger;
import dev.preheat.warm.RetrySettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Fastly, Cloudflare and nginx purgers against a local recording server (MockWebServer): request
 * shapes, auth headers, batching, soft purge, retries on 429/5xx, and errors in the vendors'
 * recorded JSON formats. (The vendor APIs cannot be reached from here; nginx's purge module is not
 * in Debian's nginx-light, so its request shape is checked here too.)
 */
@Timeout(60)
class ApiPurgersTest {

  static final String TOKEN = "s3cr3t-token-value";
  static final RetrySettings FAST = new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(5));
  static final ObjectMapper JSON = new ObjectMapper();

  @StartStop final MockWebServer server = new MockWebServer();

  URI base(String path) {
    return URI.create(server.url(path).toString());
  }

  RecordedRequest taken() throws InterruptedException {
    RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(r).as("a request reached the recording server").isNotNull();
    return r;
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
        .body(body).build();
  }

  static PurgeResult run(Purger purger, PurgeRequest request) {
    return purger.purge(request).orTimeout(30, TimeUnit.SECONDS).join();
  }

  static URI url(String s) {
    return URI.create(s);
  }

  FastlyPurger.Builder fastly() {
    return FastlyPurger.builder("SU1Z0isxPaozGVKXdv0eY", TOKEN).baseUrl(base("/")).retry(FAST);
  }

  CloudflarePurger.Builder cloudflare() {
    return CloudflarePurger.builder("023e105f4ecef8ad9ca31a8372d0c353", TOKEN)
        .baseUrl(base("/client/v4")).retry(FAST);
  }

  // ---------------------------------------------------------------- Fastly

  @Test
  void fastlyPurgesEachUrlWithItsKeyAndSoftHeader() throws Exception {
    server.enqueue(json(200, "{\"status\": \"ok\", \"id\": \"108-1391560174-974124\"}"));
    try (FastlyPurger p = fastly().build()) {
      PurgeResult r = run(p, PurgeRequest.urls(url("https://www.example.com/a/b%20c?x=1&y=%2F"))
          .asSoft());
      RecordedRequest q = taken();
      assertThat(q.getMethod()).isEqualTo("POST");
      assertThat(q.getTarget()).isEqualTo("/purge/www.example.com/a/b%20c%3Fx=1&y=%2F");
      assertThat(q.getHeaders().get("Fastly-Key")).isEqualTo(TOKEN);
      assertThat(q.getHeaders().get("Fastly-Soft-Purge")).isEqualTo("1");
      assertThat(q.getHeaders().get("Accept")).isEqualTo("application/json");
      assertThat(r.allPurged()).isTrue();
      assertThat(r.items().get(0).detail()).isEqualTo("purge id 108-1391560174-974124 (soft)");
    }
  }

  @Test
  void fastlyHardPurgeSendsNoSoftHeader() throws Exception {
    server.enqueue(json(200, "{\"status\": \"ok\", \"id\": \"1\"}"));
    try (FastlyPurger p = fastly().build()) {
      run(p, PurgeRequest.urls(url("http://shop.test:8080/")));
      RecordedRequest q = taken();
      assertThat(q.getTarget()).isEqualTo("/purge/shop.test:8080/");
      assertThat(q.getHeaders().get("Fastly-Soft-Purge")).isNull();
    }
  }

  @Test
  void fastlyPurgesSurrogateKeysInBatchesOfItsLimit() throws Exception {
    List<String> keys = IntStream.range(0, 300).mapToObj(i -> "key_" + i).toList();
    // The two batches go out concurrently: answer each with the ids of the keys it holds.
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        try {
          List<String> sent = new ArrayList<>();
          JSON.readTree(request.getBody().utf8()).get("surrogate_keys")
              .forEach(k -> sent.add(k.asString()));
          return json(200, idsFor(sent));
        } catch (tools.jackson.core.JacksonException e) {
          return json(400, "{\"msg\":\"bad json\"}");
        }
      }
    });
    try (FastlyPurger p = fastly().build()) {
      PurgeResult r = run(p, PurgeRequest.tags(keys));
      List<Integer> sizes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        RecordedRequest q = taken();
        assertThat(q.getMethod()).isEqualTo("POST");
        assertThat(q.getTarget()).isEqualTo("/service/SU1Z0isxPaozGVKXdv0eY/purge");
        assertThat(q.getHeaders().get("Fastly-Key")).isEqualTo(TOKEN);
        assertThat(q.getHeaders().get("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(q.getBody().utf8());
        sizes.add(body.get("surrogate_keys").size());
      }
      assertThat(sizes).containsExactlyInAnyOrder(256, 44);
      assertThat(r.items()).hasSize(300).allMatch(PurgeResult.Item::purged);
      assertThat(r.tag("key_7").detail()).isEqualTo("purge id id-key_7");
    }
  }

  @Test
  void fastlyKeyMissingFromTheAnswerFails() throws Exception {
    server.enqueue(json(200, "{\"a\": \"108-1\"}"));
    try (FastlyPurger p = fastly().build()) {
      PurgeResult r = run(p, PurgeRequest.tags("a", "b"));
      assertThat(r.tag("a").purged()).isTrue();
      assertThat(r.tag("b").status()).isEqualTo(PurgeResult.Status.FAILED);
      assertThat(r.tag("b").detail()).contains("no purge id");
    }
  }

  @Test
  void fastlyRetries429AndHonorsRetryAfter() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "1")
        .body("{\"msg\":\"Too many requests\"}").build());
    server.enqueue(json(200, "{\"status\": \"ok\", \"id\": \"2\"}"));
    try (FastlyPurger p = fastly().build()) {
      long start = System.nanoTime();
      PurgeResult r = run(p, PurgeRequest.urls(url("https://www.example.com/a")));
      assertThat(System.nanoTime() - start).as("waited for Retry-After")
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
      assertThat(r.allPurged()).isTrue();
      assertThat(r.items().get(0).attempts()).isEqualTo(2);
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void fastlyAuthErrorFailsAtOnceWithItsMessageAndNeverTheToken() throws Exception {
    server.enqueue(json(401, "{\"msg\":\"Provided credentials are missing or invalid\"}"));
    server.enqueue(json(403, "{\"msg\":\"Forbidden\",\"detail\":\"token lacks purge_select\"}"));
    try (FastlyPurger p = fastly().build()) {
      PurgeResult r = run(p, PurgeRequest.urls(url("https://www.example.com/a")));
      assertThat(r.items().get(0).status()).isEqualTo(PurgeResult.Status.FAILED);
      assertThat(r.items().get(0).detail())
          .isEqualTo("HTTP 401: Provided credentials are missing or invalid");
      PurgeResult k = run(p, PurgeRequest.tags("k"));
      assertThat(k.tag("k").detail()).isEqualTo("HTTP 403: Forbidden (token lacks purge_select)");
      assertThat(server.getRequestCount()).as("4xx not retried").isEqualTo(2);
      assertThat(p.toString()).doesNotContain(TOKEN).contains("token=***");
      assertThat(r.toString() + k).doesNotContain(TOKEN);
    }
  }

  @Test
  void fastlyServerErrorsAreRetriedThenReported() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(503).body("<html>busy</html>").build());
    }
    try (FastlyPurger p = fastly().build()) {
      PurgeResult r = run(p, PurgeRequest.urls(url("https://www.example.com/a")));
      assertThat(r.items().get(0).detail()).isEqualTo("HTTP 503 after 3 attempts: <html>busy</html>");
      assertThat(r.items().get(0).attempts()).isEqualTo(3);
    }
  }

  @Test
  void credentialsAndIdsAreCheckedWithoutEchoingTheToken() {
    assertThatThrownBy(() -> FastlyPurger.builder("svc", "tok en\n"))
        .hasMessageContaining("Fastly API token must be non-blank printable ASCII")
        .hasMessageNotContaining("tok en");
    assertThatThrownBy(() -> CloudflarePurger.builder("../zones", TOKEN))
        .hasMessageContaining("Cloudflare zone ID must be");
    assertThatThrownBy(() -> fastly().maxKeysPerRequest(0))
        .hasMessage("maxKeysPerRequest must be >= 1 but was 0");
    assertThatThrownBy(() -> cloudflare().baseUrl(base("/other")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("baseUrl was already set");
  }

  static String idsFor(List<String> keys) {
    StringBuilder b = new StringBuilder("{");
    for (String k : keys) {
      b.append(b.length() == 1 ? "" : ",").append('"').append(k).append("\":\"id-").append(k)
          .append('"');
    }
    return b.append('}').toString();
  }

  // ---------------------------------------------------------------- Cloudflare

  static final String CF_OK = """
      {"success": true, "errors": [], "messages": [], "result": {"id": "023e105f4ecef8ad9ca31a8372d0c353"}}
      """;

  @Test
  void cloudflarePurgesUrlsInBatchesWithABearerToken() throws Exception {
    List<URI> urls = IntStream.range(0, 250)
        .mapToObj(i -> url("https://www.example.com/p/" + i)).toList();
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(200, CF_OK));
    }
    try (CloudflarePurger p = cloudflare().build()) {
      PurgeResult r = run(p, PurgeRequest.urls(urls));
      List<String> sent = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RecordedRequest q = taken();
        assertThat(q.getMethod()).isEqualTo("POST");
        assertThat(q.getTarget())
            .isEqualTo("/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache");
        assertThat(q.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        JsonNode files = JSON.readTree(q.getBody().utf8()).get("files");
        sizes.add(files.size());
        files.forEach(f -> sent.add(f.asString()));
      }
      assertThat(sizes).containsExactlyInAnyOrder(100, 100, 50);
      assertThat(sent).containsExactlyInAnyOrderElementsOf(
          urls.stream().map(URI::toString).toList());
      assertThat(r.items()).hasSize(250).allMatch(PurgeResult.Item::purged);
      assertThat(p.toString()).doesNotContain(TOKEN);
    }
  }

  @Test
  void cloudflareBatchLimitIsConfigurable() throws Exception {
    for (int i = 0; i < 4; i++) {
      server.enqueue(json(200, CF_OK));
    }
    try (CloudflarePurger p = cloudflare().maxItemsPerRequest(30).build()) {
      PurgeResult r = run(p, PurgeRequest.tags(
          IntStream.range(0, 100).mapToObj(i -> "tag-" + i).toList()));
      assertThat(server.getRequestCount()).isEqualTo(4);
      List<Integer> sizes = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sizes.add(JSON.readTree(taken().getBody().utf8()).get("tags").size());
      }
      assertThat(sizes).containsExactlyInAnyOrder(30, 30, 30, 10);
      assertThat(r.allPurged()).isTrue();
    }
  }

  @Test
  void cloudflareErrorsCarryTheEnvelopesCodesAndMessages() throws Exception {
    server.enqueue(json(400, """
        {"success": false, "errors": [{"code": 1012, "message": "Request must contain one of \
        \\"purge_everything\\", \\"files\\", \\"tags\\", \\"hosts\\" or \\"prefixes\\""}],
         "messages": [], "result": null}
        """));
    server.enqueue(json(200, """
        {"success": false, "errors": [{"code": 10000, "message": "Authentication error"}],
         "messages": [], "result": null}
        """));
    try (CloudflarePurger p = cloudflare().build()) {
      PurgeResult r = run(p, PurgeRequest.urls(url("https://www.example.com/a")));
      assertThat(r.items().get(0).detail()).startsWith("HTTP 400: 1012 Request must contain");
      PurgeResult t = run(p, PurgeRequest.tags("t"));
      assertThat(t.tag("t").status()).as("200 with success=false").isEqualTo(
          PurgeResult.Status.FAILED);
      assertThat(t.tag("t").detail()).isEqualTo("HTTP 200: 10000 Authentication error");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void cloudflareRateLimitIsRetriedAndSoftIsReportedAsHard() throws Exception {
    server.enqueue(json(429, """
        {"success": false, "errors": [{"code": 971, "message": "Please wait and consider \
        throttling your request speed"}], "messages": [], "result": null}
        """));
    server.enqueue(json(500, "{\"success\": false, \"errors\": [], \"messages\": []}"));
    server.enqueue(json(200, CF_OK));
    try (CloudflarePurger p = cloudflare().build()) {
      PurgeResult r = run(p, PurgeRequest.urls(url("https://www.example.com/a")).asSoft());
      assertThat(r.allPurged()).isTrue();
      assertThat(r.items().get(0).attempts()).isEqualTo(3);
      assertThat(r.items().get(0).detail()).contains("hard: Cloudflare has no soft purge");
    }
  }

  @Test
  void connectionFailuresAreRetriedThenReported() throws Exception {
    URI dead = base("/client/v4");
    server.close();
    try (CloudflarePurger p = CloudflarePurger.builder("zone", TOKEN).baseUrl(dead).retry(FAST)
        .build()) {
      PurgeResult r = run(p, PurgeRequest.tags("t"));
      assertThat(r.tag("t").status()).isEqualTo(PurgeResult.Status.FAILED);
      assertThat(r.tag("t").detail()).contains("ConnectException").contains("after 3 attempts");
    }
  }

  // ---------------------------------------------------------------- nginx

  @Test
  void nginxSendsPurgeWithTheUrlsHostAndPath() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("Successful purge").build());
    server.enqueue(new MockResponse.Builder().code(404).body("<html>Not Found</html>").build());
    server.enqueue(new MockResponse.Builder().code(403).body("<html><h1>403 Forbidden</h1></html>")
        .build());
    try (NginxPurger p = NginxPurger.builder(base("/")).retry(FAST).build()) {
      PurgeResult r = run(p, new PurgeRequest(List.of(url("https://shop.test/a?b=1")),
          List.of("tag"), false));
      RecordedRequest q = taken();
      assertThat(q.getMethod()).isEqualTo("PURGE");
      assertThat(q.getTarget()).isEqualTo("/a?b=1");
      assertThat(q.getHeaders().get("Host")).isEqualTo("shop.test");
      assertThat(r.items().get(0).purged()).isTrue();
      assertThat(r.tag("tag").status()).isEqualTo(PurgeResult.Status.UNSUPPORTED);

      PurgeResult notCached = run(p, PurgeRequest.urls(url("http://shop.test:8080/b")));
      assertThat(taken().getHeaders().get("Host")).isEqualTo("shop.test:8080");
      assertThat(notCached.items().get(0).purged()).isTrue();
      assertThat(notCached.items().get(0).detail()).isEqualTo("HTTP 404: not cached");

      PurgeResult refused = run(p, PurgeRequest.urls(url("http://shop.test/c")));
      assertThat(refused.items().get(0).detail()).isEqualTo("HTTP 403: 403 Forbidden");
    }
  }

  @Test
  void anItemWhoseRequestCannotBeBuiltFailsAloneAndTheRestGoOn() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());
    try (VarnishPurger p = VarnishPurger.builder(base("/")).banUrls("X-Ban-Url")
        .banPattern(u -> u.getPath().equals("/evil") ? "a\r\nX-Injected: 1" : "^/ok$").build()) {
      PurgeResult r = run(p, PurgeRequest.urls(url("http://shop.test/evil"),
          url("http://shop.test/ok")));
      assertThat(r.items().get(0).status()).isEqualTo(PurgeResult.Status.FAILED);
      assertThat(r.items().get(0).detail()).startsWith("cannot build the purge request: ")
          .contains("Unexpected char");
      assertThat(r.items().get(1).purged()).isTrue();
      RecordedRequest q = taken();
      assertThat(q.getMethod()).isEqualTo("BAN");
      assertThat(q.getHeaders().get("X-Ban-Url")).isEqualTo("^/ok$");
      assertThat(q.getHeaders().get("X-Injected")).isNull();
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void nginxMethodAndPathPrefixAreConfigurable() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());
    try (NginxPurger p = NginxPurger.builder(base("/")).method("get").pathPrefix("/purge")
        .build()) {
      run(p, PurgeRequest.urls(url("https://shop.test/a/b")));
      RecordedRequest q = taken();
      assertThat(q.getMethod()).isEqualTo("GET");
      assertThat(q.getTarget()).isEqualTo("/purge/a/b");
    }
    assertThatThrownBy(() -> NginxPurger.builder(base("/")).pathPrefix("purge/"))
        .hasMessageContaining("pathPrefix must start with '/'");
    assertThatThrownBy(() -> NginxPurger.builder(base("/")).method("PUR GE"))
        .hasMessageContaining("letters only");
  }

  @Test
  void aSlowAnswerIsCutAtTheCallTimeoutAndRetried() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(200).body("late")
          .headersDelay(5, TimeUnit.SECONDS).build());
    }
    long start = System.nanoTime();
    try (NginxPurger p = NginxPurger.builder(base("/")).retry(FAST)
        .timeout(Duration.ofMillis(300)).build()) {
      PurgeResult r = run(p, PurgeRequest.urls(url("http://shop.test/a")));
      assertThat(r.items().get(0).status()).isEqualTo(PurgeResult.Status.FAILED);
      assertThat(r.items().get(0).detail())
          .isEqualTo("InterruptedIOException: timeout after 3 attempts");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
