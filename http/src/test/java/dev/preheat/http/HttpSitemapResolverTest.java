package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.source.SitemapEntry;
import dev.preheat.source.SitemapReader;
import dev.preheat.source.SitemapResult;
import dev.preheat.source.SourceProblem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HttpSitemapResolver} against MockWebServer: a remote index and its sitemaps (plain and
 * gzip) are read, and everything a hostile index could use to make Preheat fetch what it should
 * not (foreign hosts, redirects, other schemes, huge or bomb bodies) is refused cleanly.
 */
class HttpSitemapResolverTest {

  /** Serves the sitemap site. Its URLs use the host name {@code localhost}. */
  @StartStop private final MockWebServer site = new MockWebServer();
  /** A host that must never be reached; its URLs use {@code 127.0.0.1}, another host name. */
  @StartStop private final MockWebServer foreign = new MockWebServer();

  private final List<HttpSitemapResolver> resolvers = new ArrayList<>();

  @AfterEach
  void close() {
    resolvers.forEach(HttpSitemapResolver::close);
  }

  private HttpSitemapResolver resolver(String path, Consumer<HttpSitemapResolver.Builder> config) {
    HttpSitemapResolver.Builder b = HttpSitemapResolver.builder(siteUri(path));
    config.accept(b);
    HttpSitemapResolver r = b.build();
    resolvers.add(r);
    return r;
  }

  private URI siteUri(String path) {
    return URI.create(site.url(path).toString());
  }

  private String foreignUrl(String path) {
    return "http://127.0.0.1:" + foreign.getPort() + path;
  }

  private static String index(String... locs) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (String loc : locs) {
      b.append("  <sitemap><loc>").append(loc).append("</loc></sitemap>\n");
    }
    return b.append("</sitemapindex>\n").toString();
  }

  private static String urlset(String prefix, int count) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (int i = 0; i < count; i++) {
      b.append("  <url><loc>https://www.example.com").append(prefix).append(i)
          .append("</loc></url>\n");
    }
    return b.append("</urlset>\n").toString();
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  private void serve(Dispatcher dispatcher) {
    site.setDispatcher(dispatcher);
  }

  private static MockResponse xml(String body) {
    return new MockResponse.Builder().setHeader("Content-Type", "application/xml").body(body)
        .build();
  }

  private SitemapResult read(HttpSitemapResolver resolver) throws IOException {
    try (InputStream root = resolver.openSitemap()) {
      return SitemapReader.builder().resolver(resolver).build()
          .read(root, resolver.sitemap().toString());
    }
  }

  @Test
  void anIndexIsFollowedToAPlainAndAGzipSitemap() throws Exception {
    byte[] gz = gzip(urlset("/posts/", 30).getBytes(StandardCharsets.UTF_8));
    serve(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        switch (request.getUrl().encodedPath()) {
          case "/sitemap_index.xml":
            return xml(index(site.url("/pages.xml").toString(),
                site.url("/posts.xml.gz").toString()));
          case "/pages.xml":
            return xml(urlset("/pages/", 20));
          case "/posts.xml.gz":
            return new MockResponse.Builder().setHeader("Content-Type", "application/gzip")
                .body(new Buffer().write(gz)).build();
          default:
            return new MockResponse.Builder().code(404).build();
        }
      }
    });
    HttpSitemapResolver resolver = resolver("/sitemap_index.xml", b -> {});

    SitemapResult result = read(resolver);

    assertThat(result.problems()).isEmpty();
    assertThat(result.sitemapsRead()).isEqualTo(3);
    assertThat(result.entries()).hasSize(50);
    assertThat(result.entries()).extracting(SitemapEntry::url)
        .contains("https://www.example.com/pages/0", "https://www.example.com/posts/29");
    assertThat(result.entries()).extracting(SitemapEntry::source)
        .contains(site.url("/posts.xml.gz").toString());
    assertThat(site.takeRequest().getHeaders().get("User-Agent"))
        .isEqualTo(HttpSitemapResolver.DEFAULT_USER_AGENT);
  }

  @Test
  void aForeignHostInTheIndexIsRefusedWithoutContactingIt() throws Exception {
    serve(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return request.getUrl().encodedPath().equals("/index.xml")
            ? xml(index(foreignUrl("/internal.xml"), site.url("/ok.xml").toString()))
            : xml(urlset("/ok/", 3));
      }
    });
    HttpSitemapResolver resolver = resolver("/index.xml", b -> {});

    SitemapResult result = read(resolver);

    assertThat(foreign.getRequestCount()).as("requests reaching the foreign host").isZero();
    assertThat(result.entries()).hasSize(3);
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message)
        .asString().contains("127.0.0.1").contains("allowlist").contains("allowHost");
  }

  @Test
  void anAllowedExtraHostIsFetched() throws Exception {
    foreign.enqueue(xml(urlset("/cdn/", 4)));
    serve(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return xml(index(foreignUrl("/cdn.xml")));
      }
    });
    HttpSitemapResolver resolver = resolver("/index.xml", b -> b.allowHost("127.0.0.1"));

    SitemapResult result = read(resolver);

    assertThat(result.problems()).isEmpty();
    assertThat(result.entries()).hasSize(4);
    assertThat(resolver.allowedHosts()).containsExactly("localhost", "127.0.0.1");
  }

  @Test
  void aRedirectToAForeignHostIsRefusedWithoutContactingIt() {
    site.enqueue(new MockResponse.Builder().code(302)
        .setHeader("Location", foreignUrl("/secret.xml")).build());
    HttpSitemapResolver resolver = resolver("/moved.xml", b -> {});

    assertThatThrownBy(resolver::openSitemap).isInstanceOf(IOException.class)
        .hasMessageContaining("redirect of").hasMessageContaining("allowlist");
    assertThat(foreign.getRequestCount()).isZero();
  }

  @Test
  void aRedirectOnTheSameHostIsFollowed() throws Exception {
    site.enqueue(new MockResponse.Builder().code(301).setHeader("Location", "/new.xml").build());
    site.enqueue(xml(urlset("/a/", 2)));
    HttpSitemapResolver resolver = resolver("/old.xml", b -> {});

    try (InputStream in = resolver.openSitemap()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("/a/1");
    }
    site.takeRequest();
    assertThat(site.takeRequest().getUrl().encodedPath()).isEqualTo("/new.xml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedLocs")
  void onlyHttpAndHttpsOnAllowedHostsAreOpened(String loc, String message) {
    HttpSitemapResolver resolver = resolver("/index.xml", b -> {});

    assertThatThrownBy(() -> resolver.open(loc)).isInstanceOf(IOException.class)
        .hasMessageContaining(message);
    assertThat(site.getRequestCount()).isZero();
  }

  static Stream<Arguments> refusedLocs() {
    return Stream.of(
        Arguments.of("file:///etc/passwd", "only http and https"),
        Arguments.of("ftp://localhost/sitemap.xml", "only http and https"),
        Arguments.of("gopher://localhost:70/x", "only http and https"),
        Arguments.of("http://169.254.169.254/latest/meta-data/", "not on the allowlist"),
        Arguments.of("http://localhost.evil.example/sitemap.xml", "not on the allowlist"),
        Arguments.of("http://exa mple.com/x", "not a valid URL"));
  }

  @Test
  void aDeclaredLengthOverTheCapIsRefusedBeforeReading() {
    site.enqueue(xml("x".repeat(2_000)));
    HttpSitemapResolver resolver = resolver("/big.xml", b -> b.maxBytes(1_000));

    assertThatThrownBy(resolver::openSitemap).isInstanceOf(IOException.class)
        .hasMessageContaining("2000 bytes").hasMessageContaining("maxBytes 1000");
  }

  @Test
  void anUndeclaredBodyOverTheCapFailsWhileStreaming() throws Exception {
    site.enqueue(new MockResponse.Builder().chunkedBody("y".repeat(50_000), 1024).build());
    HttpSitemapResolver resolver = resolver("/chunked.xml", b -> b.maxBytes(10_000));

    try (InputStream in = resolver.openSitemap()) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
          .hasMessageContaining("larger than maxBytes 10000");
    }
  }

  @Test
  void aGzipBombWithContentEncodingStopsAtTheCap() throws Exception {
    // 64 MiB of zeros compress to about 64 KiB: small on the wire, huge when decoded.
    byte[] bomb = gzip(new byte[64 * 1024 * 1024]);
    site.enqueue(new MockResponse.Builder().setHeader("Content-Encoding", "gzip")
        .body(new Buffer().write(bomb)).build());
    HttpSitemapResolver resolver = resolver("/bomb.xml", b -> b.maxBytes(1024 * 1024));

    try (InputStream in = resolver.openSitemap()) {
      assertThatThrownBy(() -> in.transferTo(OutputStreamSink.INSTANCE))
          .isInstanceOf(IOException.class).hasMessageContaining("after content decoding");
    }
  }

  @Test
  void aGzipBombFileIsStoppedByTheReaderAndReportedAsAProblemOfItsEntry() throws Exception {
    byte[] bomb = gzip(("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        + " ".repeat(32 * 1024 * 1024)).getBytes(StandardCharsets.UTF_8));
    serve(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return request.getUrl().encodedPath().equals("/index.xml")
            ? xml(index(site.url("/bomb.xml.gz").toString(), site.url("/ok.xml").toString()))
            : request.getUrl().encodedPath().equals("/ok.xml") ? xml(urlset("/ok/", 2))
            : new MockResponse.Builder().body(new Buffer().write(bomb)).build();
      }
    });
    HttpSitemapResolver resolver = resolver("/index.xml", b -> {});

    SitemapResult result;
    try (InputStream root = resolver.openSitemap()) {
      result = SitemapReader.builder().resolver(resolver).maxDecompressedBytesPerFile(1024 * 1024)
          .build().read(root, "index");
    }

    assertThat(result.entries()).hasSize(2);
    assertThat(result.truncated()).isTrue();
    assertThat(result.problems()).isNotEmpty();
  }

  @Test
  void aFetchStopsAtTheCallTimeoutEvenWhileBytesKeepComing() {
    // 8 bytes every 200 ms never trips the 30 s read timeout; only the whole-call timeout can.
    site.enqueue(new MockResponse.Builder().body(urlset("/slow/", 200))
        .throttleBody(8, 200, java.util.concurrent.TimeUnit.MILLISECONDS).build());
    HttpSitemapResolver resolver = resolver("/slow.xml",
        b -> b.callTimeout(java.time.Duration.ofMillis(800)));

    long start = System.nanoTime();
    assertThatThrownBy(() -> {
      try (InputStream in = resolver.openSitemap()) {
        in.readAllBytes();
      }
    }).isInstanceOf(java.io.InterruptedIOException.class)
        .hasMessageContaining("/slow.xml").hasMessageContaining("callTimeout");
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(
        java.time.Duration.ofSeconds(20));
  }

  @Test
  void aNon200AnswerNamesTheStatus() {
    site.enqueue(new MockResponse.Builder().code(404).body("gone").build());
    HttpSitemapResolver resolver = resolver("/missing.xml", b -> {});

    assertThatThrownBy(resolver::openSitemap).isInstanceOf(IOException.class)
        .hasMessageContaining("/missing.xml").hasMessageContaining("HTTP 404");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSettings")
  void invalidSettingsFailFast(String what, Consumer<HttpSitemapResolver.Builder> config,
      Class<? extends Exception> type, String message) {
    HttpSitemapResolver.Builder b = HttpSitemapResolver.builder(URI.create("https://a.example/s.xml"));

    assertThatThrownBy(() -> config.accept(b)).isInstanceOf(type).hasMessageContaining(message);
  }

  static Stream<Arguments> invalidSettings() {
    Consumer<HttpSitemapResolver.Builder> maxBytesTwice = b -> b.maxBytes(1).maxBytes(2);
    Consumer<HttpSitemapResolver.Builder> zeroBytes = b -> b.maxBytes(0);
    Consumer<HttpSitemapResolver.Builder> urlAsHost = b -> b.allowHost("https://cdn.example");
    Consumer<HttpSitemapResolver.Builder> zeroTimeout =
        b -> b.readTimeout(java.time.Duration.ZERO);
    Consumer<HttpSitemapResolver.Builder> headerInjection = b -> b.userAgent("x\r\nHost: evil");
    return Stream.of(
        Arguments.of("maxBytes twice", maxBytesTwice, IllegalStateException.class,
            "maxBytes was already set to 1"),
        Arguments.of("maxBytes 0", zeroBytes, IllegalArgumentException.class,
            "maxBytes must be > 0 but was 0"),
        Arguments.of("URL as host", urlAsHost, IllegalArgumentException.class,
            "bare host name"),
        Arguments.of("zero timeout", zeroTimeout, IllegalArgumentException.class,
            "readTimeout must be > 0"),
        Arguments.of("CRLF in User-Agent", headerInjection, IllegalArgumentException.class,
            "User-Agent"));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"file:///sitemap.xml",
      "ftp://example.com/sitemap.xml", "/sitemap.xml"})
  void theTopLevelSitemapMustBeAnHttpUrl(String sitemap) {
    assertThatThrownBy(() -> HttpSitemapResolver.builder(URI.create(sitemap)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute http(s) URL");
  }

  /** Discards what is written: the bomb test only needs the stream read to its end. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
