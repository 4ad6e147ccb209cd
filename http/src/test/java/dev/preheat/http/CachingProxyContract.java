package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.http.testing.ServerProcess;
import dev.preheat.http.testing.TestOrigin;
import dev.preheat.status.CacheStatus;
import dev.preheat.status.CacheStatus.Kind;
import dev.preheat.status.CacheStatusReader;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What warming relies on from a real cache, checked through {@link OkHttpTransport} and {@link
 * CacheStatusReader#standard()}: a warm GET fills the cache, a conditional GET revalidates, and
 * each {@code Accept-Encoding} variant is its own entry. Subclasses start the cache; one cache and
 * origin serve the whole class (each test uses its own paths).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CachingProxyContract {

  private TestOrigin origin;
  private ServerProcess cache;
  private OkHttpTransport transport;

  /** Starts the cache under test in front of the origin on {@code originPort}. */
  abstract ServerProcess startCache(int originPort);

  /** The status header the cache under test sets. */
  abstract String statusHeader();

  @BeforeAll
  void startServers() {
    origin = TestOrigin.start();
    try {
      cache = startCache(origin.port());
    } catch (RuntimeException | Error e) {
      origin.close();
      throw e;
    }
    transport = OkHttpTransport.create();
  }

  @AfterAll
  void stopServers() {
    if (transport != null) {
      transport.close();
    }
    if (cache != null) {
      cache.close();
    }
    origin.close();
  }

  private WarmResponse get(String path, Map<String, String> headers) throws Exception {
    return transport.send(WarmRequest.get(cache.uri(path), headers)).get(20, TimeUnit.SECONDS);
  }

  private static CacheStatus status(WarmResponse response) {
    return CacheStatusReader.standard().read(response);
  }

  @Test
  void firstGetIsAMissSecondIsAHit() throws Exception {
    WarmResponse first = get("/products/1", Map.of());
    WarmResponse second = get("/products/1", Map.of());

    assertThat(first.status()).isEqualTo(200);
    assertThat(status(first).kind()).as(cache.logTail()).isEqualTo(Kind.MISS);
    assertThat(status(first).header()).isEqualToIgnoringCase(statusHeader());
    assertThat(status(second).kind()).isEqualTo(Kind.HIT);
    assertThat(second.bodyBytes())
        .isEqualTo(TestOrigin.bodyOf("/products/1").getBytes(StandardCharsets.UTF_8).length);
    assertThat(origin.hits("/products/1")).isEqualTo(1);
  }

  @Test
  void conditionalGetWithTheCurrentEtagIsA304() throws Exception {
    WarmResponse first = get("/etag", Map.of());
    String etag = first.header("ETag");
    assertThat(etag).isEqualTo(TestOrigin.etagOf("/etag", "identity"));

    WarmResponse conditional = get("/etag", Map.of("If-None-Match", etag));

    assertThat(conditional.status()).isEqualTo(304);
    assertThat(conditional.bodyBytes()).isZero();
  }

  @Test
  void gzipAndIdentityVariantsAreSeparateEntries() throws Exception {
    Map<String, String> gzip = Map.of("Accept-Encoding", "gzip");
    Map<String, String> identity = Map.of();

    WarmResponse gzipMiss = get("/variant", gzip);
    WarmResponse identityMiss = get("/variant", identity);
    WarmResponse gzipHit = get("/variant", gzip);
    WarmResponse identityHit = get("/variant", identity);

    assertThat(status(gzipMiss).kind()).isEqualTo(Kind.MISS);
    assertThat(status(identityMiss).kind()).as("identity is not served the gzip entry")
        .isEqualTo(Kind.MISS);
    assertThat(status(gzipHit).kind()).isEqualTo(Kind.HIT);
    assertThat(status(identityHit).kind()).isEqualTo(Kind.HIT);
    assertThat(gzipHit.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(identityHit.header("Content-Encoding")).isNull();
    assertThat(gzipHit.bodyBytes()).as("compressed size on the wire")
        .isLessThan(identityHit.bodyBytes());
    assertThat(origin.hits("/variant")).isEqualTo(2);
  }

  @Test
  void noStoreIsNeverServedFromCache() throws Exception {
    get("/private/account", Map.of());
    WarmResponse second = get("/private/account", Map.of());

    assertThat(status(second).servedFromCache()).isFalse();
    assertThat(origin.hits("/private/account")).isEqualTo(2);
  }
}
