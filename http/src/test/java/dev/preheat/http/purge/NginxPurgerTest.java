package dev.preheat.http.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.http.testing.NginxPurgeServer;
import dev.preheat.http.testing.TestOrigin;
import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link NginxPurger} against a real nginx with the ngx_cache_purge module (separate purge
 * location; the same-location {@code PURGE} shape is checked against a recording server in
 * {@link ApiPurgersTest}).
 */
@Timeout(60)
class NginxPurgerTest {

  static TestOrigin origin;
  static NginxPurgeServer nginx;
  static final OkHttpClient CLIENT = new OkHttpClient.Builder()
      .readTimeout(20, TimeUnit.SECONDS).build();

  @BeforeAll
  static void start() {
    origin = TestOrigin.start();
    nginx = NginxPurgeServer.start(origin.port());
  }

  @AfterAll
  static void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  static URI at(String path) {
    return URI.create("http://127.0.0.1:" + nginx.port() + path);
  }

  static String get(String path) throws IOException {
    try (Response r = CLIENT.newCall(new Request.Builder().url(at(path).toString()).build())
        .execute()) {
      assertThat(r.code()).isEqualTo(200);
      r.body().string();
      return r.header("X-Cache-Status");
    }
  }

  static PurgeResult purge(NginxPurger purger, URI url) {
    return purger.purge(PurgeRequest.urls(url)).orTimeout(30, TimeUnit.SECONDS).join();
  }

  @Test
  void purgeOnThePurgeLocationRemovesExactlyThatUrl() throws IOException {
    get("/n/a?x=1");
    get("/n/b");
    assertThat(get("/n/a?x=1")).isEqualTo("HIT");
    try (NginxPurger purger = NginxPurger.builder(at("/")).pathPrefix("/purge").build()) {
      PurgeResult r = purge(purger, at("/n/a?x=1"));
      assertThat(r.items().get(0).status()).as("%s", r).isEqualTo(PurgeResult.Status.PURGED);
      assertThat(r.items().get(0).detail()).isEqualTo("HTTP 200");

      PurgeResult again = purge(purger, at("/n/a?x=1"));
      assertThat(again.items().get(0).purged()).isTrue();
      assertThat(again.items().get(0).detail()).isEqualTo("HTTP 404: not cached");
    }
    assertThat(get("/n/a?x=1")).isEqualTo("MISS");
    assertThat(get("/n/b")).isEqualTo("HIT");
    assertThat(origin.hits("/n/a")).isEqualTo(2);
  }

  @Test
  void aSeparatePurgeLocationWithGetAndAPrefix() throws IOException {
    get("/g/a");
    assertThat(get("/g/a")).isEqualTo("HIT");
    try (NginxPurger purger = NginxPurger.builder(at("/")).method("GET").pathPrefix("/purge")
        .build()) {
      assertThat(purge(purger, at("/g/a")).allPurged()).isTrue();
    }
    assertThat(get("/g/a")).isEqualTo("MISS");
  }
}
