package dev.preheat.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.redis.testing.RedisServer;
import dev.preheat.spring.PreheatReport;
import dev.preheat.spring.Preheater;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Profile {@code redis} against a real redis-server on a free loopback port (skipped when the
 * binary is missing, failing under {@code CI=true}): the hot products are primed into Redis
 * before readiness, and served from there. Self-warming is off here so that only the priming can
 * have written the keys Redis holds when readiness turns to ACCEPTING_TRAFFIC.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"catalog.cost-per-item=1ms", "preheat.self.enabled=false"})
@ActiveProfiles("redis")
@Import(RedisProfileTest.AtReadiness.class)
@DirtiesContext
class RedisProfileTest {

  static RedisServer redis;

  /** What Redis held when readiness turned to ACCEPTING_TRAFFIC. */
  static final AtomicReference<List<String>> keysAtReadiness = new AtomicReference<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @DynamicPropertySource
  static void redisUri(DynamicPropertyRegistry registry) {
    registry.add("catalog.redis.uri", () -> redis.uri());
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class AtReadiness {
    @EventListener
    void readiness(AvailabilityChangeEvent<ReadinessState> event) {
      if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
        keysAtReadiness.set(productKeys());
      }
    }
  }

  static List<String> productKeys() {
    String out = redis.cli("--scan", "--pattern", "catalog:product:*");
    return out.isBlank() ? List.of() : List.of(out.split("\\s+"));
  }

  @Autowired Preheater preheater;
  @Autowired Backend backend;
  @LocalServerPort int port;

  @Test
  void hotProductsArePrimedIntoRedisBeforeReadinessAndServedFromThere() throws Exception {
    PreheatReport report = preheater.lastReport();
    assertThat(report).isNotNull();
    assertThat(report.state()).isEqualTo(PreheatReport.State.WARM);
    PreheatReport.Task task = report.tasks().stream().filter(t -> t.name().equals("redis"))
        .findFirst().orElseThrow();
    assertThat(task.status()).isEqualTo(PreheatReport.Status.DONE);
    assertThat(task.failures()).isZero();
    assertThat(task.detail()).contains("redis:products");

    // every primed key was in Redis when the app started admitting traffic
    List<String> atReadiness = keysAtReadiness.get();
    assertThat(atReadiness).isNotNull().hasSize((int) task.items());
    assertThat(task.items()).isGreaterThan(100);
    // the hottest product and a product on the hottest category page, with the profile's TTL
    assertThat(atReadiness).contains("catalog:product:p0000",
        "catalog:product:" + CatalogService.categoryProducts("shoes").get(0));
    long ttl = Long.parseLong(redis.cli("TTL", "catalog:product:p0000"));
    assertThat(ttl).isBetween(3500L, 3960L); // 1 h plus up to 10% jitter
    assertThat(redis.cli("GET", "catalog:product:p0000")).contains("\"Product P0000\"");
    // a product nobody asked for is not primed
    assertThat(atReadiness).doesNotContain("catalog:product:p1998");

    // the first request for a hot product is served from Redis, without a backend call
    long calls = backend.calls();
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/products/p0000")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"Product P0000\"");
    assertThat(backend.calls()).isEqualTo(calls);
    // a cold one costs a backend call and is written back
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/products/p1998")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(backend.calls()).isEqualTo(calls + 1);
    assertThat(redis.cli("EXISTS", "catalog:product:p1998")).isEqualTo("1");
  }
}
