package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.redis.testing.RedisServer;
import dev.preheat.spring.internal.WebhookFilter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The signed webhook through a running app (Tomcat on a free port, real HTTP POSTs): valid,
 * forged, replayed, expired and oversized requests; and the rate limit shared by two instances
 * through a real redis-server (or per instance without one, or when it is unreachable) (RedisServer: skipped locally when the binary is missing; fails under CI=true).
 */
class WebhookHttpTest {

  static final String SECRET = "0123456789abcdef0123456789abcdef-http";
  static final List<ContentChange> CHANGES = new CopyOnWriteArrayList<>();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    ContentChangeListener recorder() {
      return CHANGES::add;
    }
  }

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<ConfigurableApplicationContext> apps = new ArrayList<>();
  private static RedisServer redis;

  @AfterEach
  void close() {
    apps.forEach(ConfigurableApplicationContext::close);
    CHANGES.clear();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  private int start(String... properties) {
    List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off",
        "--preheat.webhook.enabled=true", "--preheat.webhook.secret=" + SECRET,
        "--preheat.webhook.max-body=1KB"));
    args.addAll(List.of(properties));
    ConfigurableApplicationContext ctx = new SpringApplication(App.class)
        .run(args.toArray(String[]::new));
    apps.add(ctx);
    return ((WebServerApplicationContext) ctx).getWebServer().getPort();
  }

  private HttpResponse<String> post(int port, String body, long timestamp, String signature)
      throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/preheat/webhook"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header(WebhookFilter.TIMESTAMP, Long.toString(timestamp))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      req.header(WebhookFilter.SIGNATURE, signature);
    }
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> signed(int port, String body, long timestamp) throws Exception {
    return post(port, body, timestamp,
        WebhookFilter.sign(SECRET, timestamp, body.getBytes(StandardCharsets.UTF_8)));
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }

  @Test
  void validForgedReplayedExpiredAndOversizedOverHttp() throws Exception {
    int port = start();
    String body = "{\"tags\":[\"product-7\"],\"urls\":[\"/p/7\"]}";
    long ts = now();

    HttpResponse<String> valid = signed(port, body, ts);
    assertThat(valid.statusCode()).isEqualTo(202);
    assertThat(CHANGES).containsExactly(
        new ContentChange(List.of("product-7"), List.of("/p/7")));

    // forged: another secret, a tampered body, no signature
    assertThat(post(port, body, ts, WebhookFilter.sign("forged-forged-forged-forged-forged!", ts,
        body.getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(401);
    assertThat(post(port, "{\"urls\":[\"/admin\"]}", ts, valid.request().headers()
        .firstValue(WebhookFilter.SIGNATURE).orElseThrow()).statusCode()).isEqualTo(401);
    assertThat(post(port, body, ts, null).statusCode()).isEqualTo(401);

    // replayed: the same signed request again
    HttpResponse<String> replay = signed(port, body, ts);
    assertThat(replay.statusCode()).isEqualTo(409);
    assertThat(replay.body()).contains("replayed");

    // expired: signed correctly but outside the 5-minute window
    HttpResponse<String> expired = signed(port, "{\"urls\":[\"/old\"]}", ts - 3600);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.body()).contains("window");

    // oversized: over max-body (1 KB), refused before anything is verified
    HttpResponse<String> big = signed(port, "{\"urls\":[\"/" + "a".repeat(4000) + "\"]}", ts);
    assertThat(big.statusCode()).isEqualTo(413);

    // only GET/other methods pass through untouched: the webhook needs POST
    assertThat(CHANGES).hasSize(1);
  }

  @Test
  void rateLimitIsSharedByInstancesThroughRedis() throws Exception {
    int redisPort = startRedis();
    String uri = "--preheat.webhook.redis-uri=redis://127.0.0.1:" + redisPort;
    int a = start(uri, "--preheat.webhook.rate-per-minute=1");
    int b = start(uri, "--preheat.webhook.rate-per-minute=1");
    // one permit a minute for both instances together: B is refused what A used
    assertThat(signed(a, "{\"urls\":[\"/n/1\"]}", now()).statusCode()).isEqualTo(202);
    HttpResponse<String> other = signed(b, "{\"urls\":[\"/n/2\"]}", now());
    assertThat(other.statusCode()).isEqualTo(429);
    assertThat(other.headers().firstValue("Retry-After")).isPresent();
    assertThat(signed(a, "{\"urls\":[\"/n/3\"]}", now()).statusCode()).isEqualTo(429);
    assertThat(CHANGES).hasSize(1);
  }

  @Test
  void withoutRedisTheLimitIsPerInstance() throws Exception {
    int a = start("--preheat.webhook.rate-per-minute=1");
    int b = start("--preheat.webhook.rate-per-minute=1");
    assertThat(signed(a, "{\"urls\":[\"/m/1\"]}", now()).statusCode()).isEqualTo(202);
    assertThat(signed(b, "{\"urls\":[\"/m/2\"]}", now()).statusCode()).isEqualTo(202);
    assertThat(signed(a, "{\"urls\":[\"/m/3\"]}", now()).statusCode()).isEqualTo(429);
  }

  @Test
  void unreachableRedisFallsBackToTheInstanceLimit() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    int a = start("--preheat.webhook.redis-uri=redis://127.0.0.1:" + dead,
        "--preheat.webhook.rate-per-minute=1");
    assertThat(signed(a, "{\"urls\":[\"/d/1\"]}", now()).statusCode()).isEqualTo(202);
    assertThat(signed(a, "{\"urls\":[\"/d/2\"]}", now()).statusCode()).isEqualTo(429);
  }

  static int startRedis() {
    redis = RedisServer.start();
    return redis.port();
  }
}
