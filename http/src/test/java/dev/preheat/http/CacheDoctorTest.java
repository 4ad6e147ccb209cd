package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.preheat.doctor.CacheDoctor;
import dev.preheat.doctor.Diagnosis;
import dev.preheat.doctor.DoctorRules;
import dev.preheat.doctor.Finding;
import dev.preheat.doctor.HeaderProfile;
import dev.preheat.doctor.Severity;
import dev.preheat.http.testing.NginxServer;
import dev.preheat.http.testing.VarnishServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code preheat doctor}'s diagnosis against real nginx and Varnish, misconfigured (and fixed) on
 * purpose. Each test uses its own URL path, so the cache is cold for it.
 */
class CacheDoctorTest {

  /** nginx's fix for raw Accept-Encoding keys: one entry per encoding, not per string. */
  static final String NGINX_MAP = """
      map $http_accept_encoding $ae {
        default "";
        "~*gzip" gzip;
      }
      """;
  static final String NGINX_NORMALIZED_KEY = """
      proxy_set_header Accept-Encoding $ae;
      proxy_cache_key $scheme$proxy_host$request_uri$ae;
      proxy_ignore_headers Vary;
      """;

  /**
   * Varnish's fix for analytics cookies and raw Accept-Encoding keys: strip the cookies and
   * normalize the header before the lookup (runs before the built-in vcl_recv).
   */
  static final String VARNISH_STRIP_COOKIES = """
      sub vcl_recv {
      if (req.http.Cookie) {
        set req.http.Cookie = regsuball(req.http.Cookie, "(^|;\\s*)(_ga[^=]*|_gid|_fbp)=[^;]*", "");
        if (req.http.Cookie ~ "^[;\\s]*$") {
          unset req.http.Cookie;
        }
      }
      if (req.http.Accept-Encoding ~ "gzip") {
        set req.http.Accept-Encoding = "gzip";
      } else {
        unset req.http.Accept-Encoding;
      }
      }
      """;

  private Origin origin;
  private OkHttpTransport transport;

  @BeforeEach
  void start() throws IOException {
    origin = Origin.start();
    transport = OkHttpTransport.builder().maxConcurrency(2).build();
  }

  @AfterEach
  void stop() {
    transport.close();
    origin.close();
  }

  private Diagnosis examine(java.net.URI url) {
    return CacheDoctor.builder().transport(transport).build().examine(url);
  }

  private static List<String> codes(Diagnosis d) {
    return d.findings().stream().map(Finding::code).toList();
  }

  @Test
  void nginxKeyingRawAcceptEncodingIsAFragmentedKey() {
    try (NginxServer nginx = NginxServer.start(origin.port())) {
      Diagnosis d = examine(nginx.uri("/ok/raw"));
      assertThat(codes(d)).as(d.findings().toString()).containsExactly(DoctorRules.RAW_VARY_KEY);
      Finding f = d.findings().get(0);
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.explanation()).contains("'gzip, deflate, br, zstd'", "'gzip, deflate, br'");
      assertThat(f.fix()).contains("map $http_accept_encoding");
      assertThat(d.problemFound()).isTrue();
    }
  }

  @Test
  void nginxWarmedWithOtherEncodingThanBrowsersIsAVariantMismatch() {
    try (NginxServer nginx = NginxServer.start(origin.port())) {
      Diagnosis d = CacheDoctor.builder().transport(transport)
          .warmerProfiles(List.of(HeaderProfile.warmer("gzip", Map.of("Accept-Encoding", "gzip"))))
          .build().examine(nginx.uri("/ok/mismatch"));
      assertThat(codes(d)).as(d.findings().toString()).containsExactly(DoctorRules.VARIANT_MISMATCH);
      Finding f = d.findings().get(0);
      assertThat(f.severity()).isEqualTo(Severity.PROBLEM);
      assertThat(f.title()).contains("chrome", "safari", "firefox", "mobile-chrome");
      assertThat(f.explanation()).contains("Accept-Encoding", "'gzip'", "'gzip, deflate, br'")
          .contains("second fetch was a HIT");
      assertThat(f.fix()).contains("--variant 'Accept-Encoding: gzip, deflate, br'");
    }
  }

  @Test
  void nginxWithNormalizedKeyIsHealthy() {
    try (NginxServer nginx = NginxServer.start(origin.port(), NGINX_MAP, NGINX_NORMALIZED_KEY)) {
      Diagnosis d = CacheDoctor.builder().transport(transport)
          .warmerProfiles(List.of(HeaderProfile.warmer("gzip", Map.of("Accept-Encoding", "gzip"))))
          .build().examine(nginx.uri("/ok/normalized"));
      assertThat(d.findings()).isEmpty();
      assertThat(d.problemFound()).isFalse();
    }
  }

  @Test
  void nginxDoesNotStoreResponsesThatSetCookies() {
    try (NginxServer nginx = NginxServer.start(origin.port())) {
      Diagnosis d = examine(nginx.uri("/cookie/page"));
      assertThat(codes(d)).as(d.findings().toString()).containsExactly(DoctorRules.SET_COOKIE);
      assertThat(d.findings().get(0).title()).contains("session");
      assertThat(d.findings().get(0).explanation()).contains("MISS again");
    }
  }

  @Test
  void nginxWithoutLifetimeDoesNotStore() {
    try (NginxServer nginx = NginxServer.start(origin.port())) {
      Diagnosis d = examine(nginx.uri("/nolifetime/page"));
      assertThat(codes(d)).as(d.findings().toString()).containsExactly(DoctorRules.NOT_STORED);
      assertThat(d.findings().get(0).explanation()).contains("no max-age, s-maxage or Expires");
    }
  }

  @Test
  void varyUserAgentExplodesAndNoBrowserGetsTheWarmedCopy() {
    try (NginxServer nginx = NginxServer.start(origin.port())) {
      Diagnosis d = examine(nginx.uri("/vary-ua/page"));
      assertThat(codes(d)).as(d.findings().toString())
          .contains(DoctorRules.VARY_EXPLOSION, DoctorRules.VARIANT_MISMATCH);
      assertThat(d.findings()).filteredOn(f -> f.code().equals(DoctorRules.VARIANT_MISMATCH))
          .first().satisfies(f -> assertThat(f.explanation()).contains("User-Agent"));
    }
  }

  @Test
  void uncacheableAndValidatorlessResponses() {
    try (NginxServer nginx = NginxServer.start(origin.port(), NGINX_MAP, NGINX_NORMALIZED_KEY)) {
      assertThat(codes(examine(nginx.uri("/nostore/page"))))
          .contains(DoctorRules.NO_STORE).doesNotContain(DoctorRules.NOT_STORED);
      Diagnosis d = CacheDoctor.builder().transport(transport)
          .warmerProfiles(List.of(HeaderProfile.warmer("w", Map.of("Accept-Encoding", "gzip"))))
          .build()
          .examine(nginx.uri("/novalidators/page"));
      assertThat(codes(d)).as(d.findings().toString())
          .containsExactly(DoctorRules.NO_VALIDATORS);
    }
  }

  @Test
  void varnishPassesReturningVisitorsWithAnalyticsCookies() {
    try (VarnishServer varnish = VarnishServer.start(origin.port())) {
      Diagnosis d = examine(varnish.uri("/ok/varnish"));
      assertThat(codes(d)).as(d.findings().toString())
          .contains(DoctorRules.COOKIE_BYPASS, DoctorRules.RAW_VARY_KEY)
          .doesNotContain(DoctorRules.VARIANT_MISMATCH);
      assertThat(d.findings()).filteredOn(f -> f.code().equals(DoctorRules.COOKIE_BYPASS))
          .first().satisfies(f -> {
            assertThat(f.title()).contains("chrome-returning");
            assertThat(f.fix()).contains("regsuball");
          });
    }
  }

  @Test
  void varnishDoesNotStoreResponsesThatSetCookies() {
    try (VarnishServer varnish = VarnishServer.start(origin.port())) {
      Diagnosis d = examine(varnish.uri("/cookie/varnish"));
      assertThat(codes(d)).as(d.findings().toString()).contains(DoctorRules.SET_COOKIE);
    }
  }

  @Test
  void varnishStrippingCookiesAndNormalizingEncodingIsHealthy() {
    try (VarnishServer varnish = VarnishServer.start(origin.port(), VARNISH_STRIP_COOKIES)) {
      Diagnosis d = examine(varnish.uri("/ok/fixed"));
      assertThat(d.findings()).as(d.findings().toString())
          .noneMatch(f -> f.severity().isWrong());
    }
  }

  /**
   * An origin whose path prefix picks the response's caching headers: {@code /ok/} (ETag,
   * Last-Modified, {@code max-age=300}, {@code Vary: Accept-Encoding}, gzip when asked),
   * {@code /cookie/} (plus {@code Set-Cookie}), {@code /nostore/}, {@code /novalidators/},
   * {@code /nolifetime/} (no Cache-Control) and {@code /vary-ua/} ({@code Vary: User-Agent}).
   */
  static final class Origin implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool;

    private Origin(HttpServer server, ExecutorService pool) {
      this.server = server;
      this.pool = pool;
    }

    static Origin start() throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      server.setExecutor(pool);
      server.createContext("/", Origin::handle);
      server.start();
      return new Origin(server, pool);
    }

    int port() {
      return server.getAddress().getPort();
    }

    private static void handle(HttpExchange x) throws IOException {
      try (x) {
        String path = x.getRequestURI().getPath();
        String ae = x.getRequestHeaders().getFirst("Accept-Encoding");
        String coding = ae != null && ae.contains("gzip") ? "gzip" : "identity";
        var h = x.getResponseHeaders();
        h.set("Content-Type", "text/html; charset=utf-8");
        if (!path.startsWith("/novalidators/")) {
          h.set("ETag", "\"" + Integer.toHexString(path.hashCode()) + "-" + coding + "\"");
          h.set("Last-Modified", "Tue, 15 Nov 1994 12:45:26 GMT");
        }
        if (path.startsWith("/nostore/")) {
          h.set("Cache-Control", "no-store");
        } else if (!path.startsWith("/nolifetime/")) {
          h.set("Cache-Control", "max-age=300");
        }
        if (path.startsWith("/cookie/")) {
          h.add("Set-Cookie", "session=s3cr3t; Path=/; HttpOnly");
        }
        h.set("Vary", path.startsWith("/vary-ua/") ? "User-Agent" : "Accept-Encoding");
        byte[] body = ("<p>" + path + " " + coding + "</p>\n").repeat(50)
            .getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, body.length);
        try (OutputStream out = x.getResponseBody()) {
          out.write(body);
        }
      }
    }

    @Override
    public void close() {
      server.stop(0);
      pool.shutdownNow();
    }
  }
}
