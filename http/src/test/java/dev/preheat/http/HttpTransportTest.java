package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.Protocol;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The transport contract, run against every {@link HttpClientKind}: each client must pass all of
 * it.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(HttpClientKind.class)
class HttpTransportTest {

  @Parameter private HttpClientKind kind;


  /** Generous: only reached when a test is broken, never waited for on success. */
  static final long WAIT_SECONDS = 10;

  @StartStop private final MockWebServer server = new MockWebServer();

  private HttpTransport transport;

  @BeforeEach
  void openTransport() {
    transport = kind.builder().build();
  }

  @AfterEach
  void closeTransport() {
    transport.close();
  }

  private URI uri(String path) {
    return server.url(path).uri();
  }

  static WarmResponse await(CompletableFuture<WarmResponse> future) throws Exception {
    return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  static Throwable failureOf(CompletableFuture<WarmResponse> future) {
    try {
      future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("expected the request to fail, got " + e, e);
    }
    throw new AssertionError("expected the request to fail but it succeeded");
  }

  /** A body for {@link #answerByPath}: the response stalls before its first byte. */
  private static final String STALLS = "(stalls)";

  /**
   * Serves each path its own body ({@link #STALLS}: a response that never starts). Tests where a
   * cancelled request's connection and the next request's race use this rather than the queue:
   * MockWebServer records a request (releasing {@code takeRequest}) before it takes the queue's
   * next response, so a request arriving meanwhile on another connection could take the stalled
   * response meant for the first (seen: ~1% of rounds on a loaded machine).
   */
  private void answerByPath(Map<String, String> bodies) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String body = bodies.get(request.getTarget());
        if (body == null) {
          return new MockResponse.Builder().code(404).build();
        }
        return STALLS.equals(body)
            ? new MockResponse.Builder().body("stuck")
                .onResponseStart(SocketEffect.Stall.INSTANCE).build()
            : new MockResponse.Builder().body(body).build();
      }
    });
  }

  private RecordedRequest taken() throws InterruptedException {
    RecordedRequest recorded = server.takeRequest(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(recorded).as("request reached the server").isNotNull();
    return recorded;
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "/a", "/", "/p%2Fq/r%20s?a=1&b=%7E&c", "/x?utm=1&=&q=%E2%82%AC", "/deep/path/?"})
  void requestTargetIsSentExactlyAsCanonicalized(String target) throws Exception {
    for (int i = 0; i < 2; i++) { // the second request reuses the parsed origin
      server.enqueue(new MockResponse.Builder().body("ok").build());
      await(transport.send(WarmRequest.get(URI.create(uri("/") + target.substring(1)), Map.of())));
      assertThat(taken().getTarget()).isEqualTo(target);
    }
  }

  @Test
  void sendsNoAcceptEncodingWhenTheVariantHasNoneAndNoCookiesEver() throws Exception {
    server.enqueue(new MockResponse.Builder().addHeader("Set-Cookie", "session=abc; Path=/")
        .body("one").build());
    server.enqueue(new MockResponse.Builder().body("two").build());

    await(transport.send(WarmRequest.get(uri("/a"), Map.of())));
    await(transport.send(WarmRequest.get(uri("/a"), Map.of())));

    RecordedRequest first = taken();
    RecordedRequest second = taken();
    assertThat(first.getHeaders().get("Accept-Encoding")).isNull();
    assertThat(first.getHeaders().get("User-Agent")).isEqualTo(OkHttpTransport.DEFAULT_USER_AGENT);
    assertThat(second.getHeaders().get("Cookie")).as("no cookie jar").isNull();
    assertThat(second.getHeaders().get("Accept-Encoding")).isNull();
  }

  @ParameterizedTest(name = "Accept-Encoding: {0}")
  @CsvSource({"gzip", "'br, gzip'", "'gzip, deflate, br, zstd'", "identity"})
  void sendsTheVariantsAcceptEncodingVerbatim(String acceptEncoding) throws Exception {
    server.enqueue(new MockResponse.Builder().body("ok").build());

    await(transport.send(WarmRequest.get(uri("/v"), Map.of("Accept-Encoding", acceptEncoding))));

    assertThat(taken().getHeaders().values("Accept-Encoding")).containsExactly(acceptEncoding);
  }

  @Test
  void gzipBodyIsCountedCompressedAndNotDecoded() throws Exception {
    String text = "hello cache ".repeat(2_000);
    byte[] compressed = gzip(text);
    server.enqueue(new MockResponse.Builder()
        .addHeader("Content-Encoding", "gzip")
        .addHeader("Vary", "Accept-Encoding")
        .body(new Buffer().write(compressed))
        .build());

    WarmResponse response =
        await(transport.send(WarmRequest.get(uri("/g"), Map.of("Accept-Encoding", "gzip"))));

    assertThat(response.bodyBytes()).isEqualTo(compressed.length).isLessThan(text.length());
    assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(compressed.length));
  }

  @Test
  void unsolicitedGzipIsStillNotDecoded() throws Exception {
    byte[] compressed = gzip("x".repeat(10_000));
    server.enqueue(new MockResponse.Builder().addHeader("Content-Encoding", "gzip")
        .body(new Buffer().write(compressed)).build());

    WarmResponse response = await(transport.send(WarmRequest.get(uri("/g"), Map.of())));

    assertThat(response.bodyBytes()).isEqualTo(compressed.length);
    assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
  }

  @Test
  void chunkedBodyIsCountedAfterTransferDecoding() throws Exception {
    server.enqueue(new MockResponse.Builder().chunkedBody("y".repeat(100_000), 1_000).build());

    WarmResponse response = await(transport.send(WarmRequest.get(uri("/c"), Map.of())));

    assertThat(response.bodyBytes()).isEqualTo(100_000);
    assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(response.protocol()).isEqualTo("http/1.1");
  }

  @Test
  void requestHeadersWinOverTransportDefaults() throws Exception {
    transport.close();
    transport = kind.builder()
        .userAgent("ShopWarmer/2")
        .header("X-Preheat", "1")
        .header("X-Region", "eu")
        .build();
    server.enqueue(new MockResponse.Builder().build());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("user-agent", "Mozilla/5.0 (variant)");
    headers.put("X-Region", "us");
    headers.put("Cookie", "cohort=b.sig");

    await(transport.send(WarmRequest.get(uri("/h"), headers)));

    RecordedRequest recorded = taken();
    assertThat(recorded.getHeaders().values("User-Agent")).containsExactly("Mozilla/5.0 (variant)");
    assertThat(recorded.getHeaders().values("X-Region")).containsExactly("us");
    assertThat(recorded.getHeaders().values("X-Preheat")).containsExactly("1");
    assertThat(recorded.getHeaders().values("Cookie")).containsExactly("cohort=b.sig");
  }

  @ParameterizedTest(name = "{0} with Retry-After {1}")
  @CsvSource({"429, 120", "503, 30", "503, 'Wed, 21 Oct 2026 07:28:00 GMT'"})
  void reportsThrottlingStatusAndRetryAfterAsIs(int status, String retryAfter) throws Exception {
    server.enqueue(new MockResponse.Builder().code(status).addHeader("Retry-After", retryAfter)
        .body("slow down").build());

    WarmResponse response = await(transport.send(WarmRequest.get(uri("/busy"), Map.of())));

    assertThat(response.status()).isEqualTo(status);
    assertThat(response.header("retry-after")).isEqualTo(retryAfter);
    assertThat(response.bodyBytes()).isEqualTo(9);
    assertThat(server.getRequestCount()).as("no silent retry").isEqualTo(1);
  }

  @Test
  void connectionResetMidBodyFailsTheFuture() {
    server.enqueue(new MockResponse.Builder().body("z".repeat(200_000))
        .onResponseBody(new SocketEffect.CloseSocket(true, true, true)).build());

    Throwable failure = failureOf(transport.send(WarmRequest.get(uri("/reset"), Map.of())));

    assertThat(failure).isInstanceOf(IOException.class);
  }

  @Test
  void stallPastTheReadTimeoutFailsWithATimeout() {
    transport.close();
    transport = kind.builder().readTimeout(Duration.ofMillis(200)).build();
    server.enqueue(new MockResponse.Builder().body("never finishes")
        .onResponseBody(SocketEffect.Stall.INSTANCE).build());

    Throwable failure = failureOf(transport.send(WarmRequest.get(uri("/stall"), Map.of())));

    assertThat(failure).isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void slowBodyWithinTheTimeoutsIsReadCompletely() throws Exception {
    server.enqueue(new MockResponse.Builder().body("s".repeat(16 * 1024))
        .throttleBody(4 * 1024, 20, TimeUnit.MILLISECONDS).build());

    WarmResponse response = await(transport.send(WarmRequest.get(uri("/slow"), Map.of())));

    assertThat(response.bodyBytes()).isEqualTo(16 * 1024);
    assertThat(response.timeToFirstByte()).isLessThanOrEqualTo(response.total());
  }

  @Test
  void redirectsAreRecordedNotFollowedByDefault() throws Exception {
    server.enqueue(new MockResponse.Builder().code(301).addHeader("Location", "/new").build());

    WarmResponse response = await(transport.send(WarmRequest.get(uri("/old"), Map.of())));

    assertThat(response.status()).isEqualTo(301);
    assertThat(response.header("Location")).isEqualTo("/new");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void redirectsAreFollowedUpToTheLimit() throws Exception {
    transport.close();
    transport = kind.builder().followRedirects(2).build();
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/b").build());
    server.enqueue(new MockResponse.Builder().code(307).addHeader("Location", "/c").build());
    server.enqueue(new MockResponse.Builder().body("final").build());

    WarmResponse response = await(transport.send(
        WarmRequest.get(uri("/a"), Map.of("Accept-Encoding", "br"))));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyBytes()).isEqualTo(5);
    assertThat(taken().getTarget()).isEqualTo("/a");
    RecordedRequest b = taken();
    assertThat(b.getTarget()).isEqualTo("/b");
    assertThat(b.getHeaders().values("Accept-Encoding")).containsExactly("br");
    assertThat(taken().getTarget()).isEqualTo("/c");
  }

  @Test
  void oneRedirectTooManyFailsNamingTheLimit() {
    transport.close();
    transport = kind.builder().followRedirects(1).build();
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/b").build());
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/c").build());

    Throwable failure = failureOf(transport.send(WarmRequest.get(uri("/a"), Map.of())));

    assertThat(failure).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("limit of 1").hasMessageContaining("/c");
  }

  @Test
  void keepAliveConnectionsAreReusedAndClosedOnceIdleForTheKeepAliveTime() throws Exception {
    transport.close();
    // a short call timeout makes ApacheHttpTransport's sweeper (which also closes idle
    // connections) run every 100 ms
    transport = kind.builder().keepAlive(Duration.ofMillis(300)).callTimeout(Duration.ofSeconds(1))
        .build();
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().body("r" + i).build());
    }

    await(transport.send(WarmRequest.get(uri("/1"), Map.of())));
    await(transport.send(WarmRequest.get(uri("/2"), Map.of())));
    int first = taken().getConnectionIndex();
    assertThat(taken().getConnectionIndex()).as("reused while fresh").isEqualTo(first);
    Thread.sleep(1_500);
    await(transport.send(WarmRequest.get(uri("/3"), Map.of())));

    assertThat(taken().getConnectionIndex()).as("a new connection after the keep-alive time")
        .isNotEqualTo(first);
  }

  @Test
  void aConnectionTheServerClosesIsNotReused() throws Exception {
    server.enqueue(new MockResponse.Builder().addHeader("Connection", "close").body("bye")
        .build());
    server.enqueue(new MockResponse.Builder().body("again").build());

    assertThat(await(transport.send(WarmRequest.get(uri("/1"), Map.of()))).bodyBytes())
        .isEqualTo(3);
    WarmResponse second = await(transport.send(WarmRequest.get(uri("/2"), Map.of())));

    assertThat(second.bodyBytes()).isEqualTo(5);
    assertThat(taken().getConnectionIndex()).isNotEqualTo(taken().getConnectionIndex());
  }

  @Test
  void waitingRequestsTakeOverTheConnectionOfTheOneBefore() throws Exception {
    transport.close();
    transport = kind.builder().maxConcurrency(1).build();
    for (int i = 0; i < 4; i++) {
      server.enqueue(new MockResponse.Builder().body("q" + i)
          .headersDelay(50, TimeUnit.MILLISECONDS).build());
    }

    List<CompletableFuture<WarmResponse>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      futures.add(transport.send(WarmRequest.get(uri("/q" + i), Map.of())));
    }
    for (CompletableFuture<WarmResponse> f : futures) {
      assertThat(await(f).bodyBytes()).isEqualTo(2);
    }

    int first = taken().getConnectionIndex();
    for (int i = 1; i < 4; i++) {
      assertThat(taken().getConnectionIndex()).as("request %d", i).isEqualTo(first);
    }
  }

  @Test
  void anIdleConnectionToOneHostMakesRoomForAnotherHost() throws Exception {
    transport.close();
    InetSocketAddress node = new InetSocketAddress(server.getSocketAddress().getAddress(),
        server.getPort());
    transport = kind.builder().maxConcurrency(1).connectTimeout(Duration.ofMillis(500))
        .connectTo("a.shop.invalid", node).connectTo("b.shop.invalid", node).build();
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().body("h" + i).build());
    }

    for (String host : List.of("a", "b", "a")) {
      WarmResponse response = transport.send(WarmRequest.get(
          URI.create("http://" + host + ".shop.invalid/x"), Map.of())).get(3, TimeUnit.SECONDS);
      assertThat(response.status()).as(host).isEqualTo(200);
    }
    assertThat(taken().getHeaders().get("Host")).isEqualTo("a.shop.invalid");
    assertThat(taken().getHeaders().get("Host")).isEqualTo("b.shop.invalid");
    assertThat(taken().getHeaders().get("Host")).isEqualTo("a.shop.invalid");
  }

  @Test
  void aCancelOnAReusedConnectionClosesItAndFreesTheSlot() throws Exception {
    transport.close();
    transport = kind.builder().maxConcurrency(1).build();
    answerByPath(Map.of("/1", "warm", "/2", STALLS, "/3", "next"));

    assertThat(await(transport.send(WarmRequest.get(uri("/1"), Map.of()))).bodyBytes())
        .isEqualTo(4);
    int first = taken().getConnectionIndex();
    CompletableFuture<WarmResponse> stuck = transport.send(WarmRequest.get(uri("/2"), Map.of()));
    assertThat(taken().getConnectionIndex()).as("the idle connection is reused").isEqualTo(first);
    assertThat(stuck.cancel(true)).isTrue();

    WarmResponse next = transport.send(WarmRequest.get(uri("/3"), Map.of()))
        .get(3, TimeUnit.SECONDS);
    assertThat(next.bodyBytes()).isEqualTo(4);
    assertThat(taken().getConnectionIndex()).as("not the cancelled one").isNotEqualTo(first);
  }

  @Test
  void popPinningConnectsToTheChosenAddressAndPortKeepingTheHost() throws Exception {
    transport.close();
    InetSocketAddress node = new InetSocketAddress(server.getSocketAddress().getAddress(),
        server.getPort());
    transport = kind.builder().connectTo("www.shop.invalid", node).build();
    server.enqueue(new MockResponse.Builder().body("pinned").build());

    // Neither the host resolves nor does anything listen on port 81: only the pin can succeed.
    WarmResponse response = await(transport.send(
        WarmRequest.get(URI.create("http://WWW.shop.invalid:81/p?q=1"), Map.of())));

    assertThat(response.status()).isEqualTo(200);
    RecordedRequest recorded = taken();
    assertThat(recorded.getHeaders().get("Host")).isEqualTo("www.shop.invalid:81");
    assertThat(recorded.getTarget()).isEqualTo("/p?q=1");
  }

  @Test
  void theStageFactoryPinsEachStagesHostAndSizesItsPoolFromTheStage() throws Exception {
    transport.close();
    String node = server.getSocketAddress().getAddress().getHostAddress();
    dev.preheat.spi.TransportFactory factory = kind.factory(
        URI.create("http://www.shop.invalid"),
        b -> b.maxConcurrency(16).connectTo("www.shop.invalid",
            new InetSocketAddress("127.0.0.1", 1)));
    dev.preheat.warm.Stage shield = dev.preheat.warm.Stage.builder("shield")
        .connectTo(node, server.getPort()).concurrency(2).build();
    dev.preheat.warm.Stage eu = dev.preheat.warm.Stage.builder("eu")
        .target(URI.create("http://eu.shop.invalid:81")).connectTo(node, server.getPort()).build();
    server.enqueue(new MockResponse.Builder().body("shield").build());
    server.enqueue(new MockResponse.Builder().body("eu").build());

    // The stage's pin replaces the customizer's pin of the site host (port 1 would fail).
    try (dev.preheat.spi.Transport t = factory.open(shield)) {
      assertThat(((HttpTransport) t).maxConcurrency()).isEqualTo(2);
      assertThat(await(t.send(WarmRequest.get(URI.create("http://www.shop.invalid/s"),
          Map.of()))).status()).isEqualTo(200);
    }
    assertThat(taken().getHeaders().get("Host")).isEqualTo("www.shop.invalid");
    // A stage with its own target pins that target's host; no concurrency: the customizer's.
    try (dev.preheat.spi.Transport t = factory.open(eu)) {
      assertThat(((HttpTransport) t).maxConcurrency()).isEqualTo(16);
      assertThat(await(t.send(WarmRequest.get(URI.create("http://eu.shop.invalid:81/e"),
          Map.of()))).status()).isEqualTo(200);
    }
    assertThat(taken().getHeaders().get("Host")).isEqualTo("eu.shop.invalid:81");
    // Without a pin, the customizer's settings stand.
    try (dev.preheat.spi.Transport t = factory.open(
        dev.preheat.warm.Stage.builder("plain").build())) {
      assertThat(t.toString()).contains("maxConcurrency=16")
          .contains("www.shop.invalid=/127.0.0.1:1");
    }
    assertThatThrownBy(() -> kind.factory(URI.create("/relative"), b -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("with a host");
  }

  @Test
  void unpinnedHostsStillResolveNormally() throws Exception {
    transport.close();
    transport = kind.builder()
        .connectTo("other.invalid", new InetSocketAddress("127.0.0.1", 1)).build();
    server.enqueue(new MockResponse.Builder().body("direct").build());

    WarmResponse response = await(transport.send(WarmRequest.get(uri("/d"), Map.of())));

    assertThat(response.bodyBytes()).isEqualTo(6);
  }

  @Test
  void cancellingTheFutureCancelsTheCallAndFreesItsSlot() throws Exception {
    transport.close();
    transport = kind.builder().maxConcurrency(1).build();
    answerByPath(Map.of("/1", STALLS, "/2", "next"));

    CompletableFuture<WarmResponse> stuck = transport.send(WarmRequest.get(uri("/1"), Map.of()));
    taken();
    assertThat(stuck.cancel(true)).isTrue();

    // With one slot, the second request only runs once the cancelled call let go of it.
    WarmResponse next = await(transport.send(WarmRequest.get(uri("/2"), Map.of())));
    assertThat(next.bodyBytes()).isEqualTo(4);
    assertThatThrownBy(stuck::join).isInstanceOf(CancellationException.class);
  }

  /**
   * The race behind an intermittent failure of the test above: a cancel landing right after the
   * request reached the server, on a connection just opened, was once lost in HttpClient 5 (the
   * slot stayed taken until the response timeout, ~6% of cancels). Repeated, each round on a new
   * connection; answers go by path, so a lost cancel cannot hand the stuck answer to the next
   * request.
   */
  @Test
  void everyCancelRightAfterTheRequestArrivedFreesTheSlot() throws Exception {
    transport.close();
    transport = kind.builder().maxConcurrency(1).build();
    java.util.concurrent.BlockingQueue<String> arrived =
        new java.util.concurrent.LinkedBlockingQueue<>();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String target = request.getTarget();
        arrived.add(target);
        // "next" closes its connection, so that every stuck request goes out on a new one
        return target.startsWith("/stuck")
            ? new MockResponse.Builder().body("stuck")
                .onResponseStart(SocketEffect.Stall.INSTANCE).build()
            : new MockResponse.Builder().body("next").addHeader("Connection", "close").build();
      }
    });
    for (int round = 0; round < 40; round++) {
      CompletableFuture<WarmResponse> stuck =
          transport.send(WarmRequest.get(uri("/stuck" + round), Map.of()));
      assertThat(arrived.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("/stuck" + round);
      assertThat(stuck.cancel(true)).isTrue();
      CompletableFuture<WarmResponse> next =
          transport.send(WarmRequest.get(uri("/next" + round), Map.of()));
      assertThat(next.get(3, TimeUnit.SECONDS).bodyBytes()).as("round %d", round).isEqualTo(4);
      assertThat(arrived.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("/next" + round);
    }
  }

  @Test
  void requestsBeyondTheConcurrencyWaitForASlotLongerThanTheConnectTimeout() throws Exception {
    transport.close();
    transport = kind.builder().maxConcurrency(1).connectTimeout(Duration.ofMillis(100)).build();
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().body("slow" + i)
          .headersDelay(300, TimeUnit.MILLISECONDS).build());
    }

    List<CompletableFuture<WarmResponse>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      futures.add(transport.send(WarmRequest.get(uri("/w" + i), Map.of())));
    }

    // the third waits ~600 ms for the one connection, far past the connect timeout
    for (CompletableFuture<WarmResponse> f : futures) {
      assertThat(await(f).bodyBytes()).isEqualTo(5);
    }
  }

  @Test
  void aCancelledWaitingRequestGivesUpItsTurn() throws Exception {
    transport.close();
    transport = kind.builder().maxConcurrency(1).build();
    server.enqueue(new MockResponse.Builder().body("first")
        .headersDelay(300, TimeUnit.MILLISECONDS).build());
    server.enqueue(new MockResponse.Builder().body("third").build());

    CompletableFuture<WarmResponse> first = transport.send(WarmRequest.get(uri("/1"), Map.of()));
    CompletableFuture<WarmResponse> second = transport.send(WarmRequest.get(uri("/2"), Map.of()));
    CompletableFuture<WarmResponse> third = transport.send(WarmRequest.get(uri("/3"), Map.of()));
    assertThat(second.cancel(true)).isTrue();

    assertThat(await(first).bodyBytes()).isEqualTo(5);
    assertThat(await(third).bodyBytes()).isEqualTo(5);
    assertThat(taken().getTarget()).isEqualTo("/1");
    assertThat(taken().getTarget()).isEqualTo("/3");
  }

  @Test
  void raisesThePerHostLimitToTheConfiguredConcurrency() throws Exception {
    transport.close();
    int parallel = 12;
    transport = kind.builder().maxConcurrency(parallel).build();
    CountDownLatch allArrived = new CountDownLatch(parallel);
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        allArrived.countDown();
        // Only answers 200 when all requests were in flight at once on this one host.
        boolean together = allArrived.await(WAIT_SECONDS, TimeUnit.SECONDS);
        return new MockResponse.Builder().code(together ? 200 : 500).build();
      }
    });
    Deque<CompletableFuture<WarmResponse>> futures = new ArrayDeque<>();
    for (int i = 0; i < parallel; i++) {
      futures.add(transport.send(WarmRequest.get(uri("/p" + i), Map.of())));
    }
    for (CompletableFuture<WarmResponse> f : futures) {
      assertThat(await(f).status()).isEqualTo(200);
    }
  }

  @Test
  void h2cPriorKnowledge() throws Exception {
    transport.close();
    transport = kind.builder().httpVersion(HttpVersion.H2C_PRIOR_KNOWLEDGE).build();
    server.setProtocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
    server.enqueue(new MockResponse.Builder().body("over h2c").build());

    WarmResponse response = await(transport.send(WarmRequest.get(uri("/h2"), Map.of())));

    assertThat(response.protocol()).isEqualTo("h2c");
    assertThat(response.bodyBytes()).isEqualTo(8);
    assertThat(taken().getHeaders().get("Accept-Encoding")).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          CR LF injection   | X-Tag      | a<CR><LF>X-Evil: 1 | (CR, U+000D) at index 1
          bare LF           | X-Tag      | a<LF>b             | (LF, U+000A) at index 1
          bare CR           | X-Tag      | ab<CR>             | (CR, U+000D) at index 2
          NUL               | X-Tag      | a<NUL>b            | NUL character (U+0000) at index 1
          bad name          | X<LF>Tag   | ok                 | header name
          """)
  void headerInjectionIsRejectedBeforeSending(String name, String header, String value,
      String message) {
    Throwable failure = failureOf(transport.send(
        WarmRequest.get(uri("/x"), Map.of(controls(header), controls(value)))));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message).hasMessageContaining("/x");
    assertThat(server.getRequestCount()).isZero();
  }

  private static String controls(String s) {
    return s.replace("<CR>", "\r").replace("<LF>", "\n").replace("<NUL>", "\0");
  }

  @Test
  void closeIsIdempotentCancelsInFlightCallsAndRejectsLaterSends() throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE)
        .build());
    CompletableFuture<WarmResponse> inFlight = transport.send(WarmRequest.get(uri("/1"), Map.of()));
    taken();

    transport.close();
    transport.close();

    assertThat(failureOf(inFlight)).isInstanceOf(IOException.class);
    assertThat(transport.isClosed()).isTrue();
    assertThat(failureOf(transport.send(WarmRequest.get(uri("/2"), Map.of()))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void timingsComeFromTheTicker() throws Exception {
    transport.close();
    long[] ticks = {1_000, 4_000, 11_000};
    int[] next = {0};
    transport = kind.builder().ticker(() -> ticks[Math.min(next[0]++, 2)]).build();
    server.enqueue(new MockResponse.Builder().body("t").build());

    WarmResponse response = await(transport.send(WarmRequest.get(uri("/t"), Map.of())));

    assertThat(response.timeToFirstByte()).isEqualTo(Duration.ofNanos(3_000));
    assertThat(response.total()).isEqualTo(Duration.ofNanos(10_000));
  }
}
