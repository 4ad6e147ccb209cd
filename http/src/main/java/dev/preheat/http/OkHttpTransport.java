package dev.preheat.http;

import dev.preheat.http.internal.OkHttpPins;
import dev.preheat.http.internal.OkHttpSupport;
import dev.preheat.http.internal.Pins;
import dev.preheat.http.internal.WarmExchange;
import dev.preheat.key.HeaderValidation;
import dev.preheat.spi.Transport;
import dev.preheat.spi.TransportFactory;
import dev.preheat.warm.Stage;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.CookieJar;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Transport} on a real OkHttp client, built for warming: it sends exactly the headers of
 * the warm request's variant and reports what came back.
 *
 * <ul>
 *   <li><b>Exact variant.</b> OkHttp's transparent gzip is switched off: the request carries the
 *       variant's {@code Accept-Encoding} as given, or none when the variant has none, and the
 *       body is never decoded, so {@link WarmResponse#bodyBytes()} is the (possibly compressed)
 *       size on the wire after transfer decoding. No cookie jar, no HTTP cache, no silent retries
 *       (the warmer's own retry policy decides). Transport-wide {@linkplain Builder#header default
 *       headers} (e.g. {@code User-Agent}) are added only where the request has no header of that
 *       name.
 *   <li><b>Bodies</b> are streamed in 8 KiB slices and discarded, never buffered whole.
 *   <li><b>Redirects</b> are reported, not followed, unless {@link Builder#followRedirects(int)}
 *       is set; then the final response is reported and timings span all hops.
 *   <li><b>Timings.</b> Time to first byte runs from the moment the call starts executing
 *       (connection set-up included, dispatcher queueing excluded) until the response headers
 *       have been read; total runs until the end of the body.
 *   <li><b>PoP pinning.</b> {@link Builder#connectTo} connects a host to a chosen IP and port
 *       while the URL, {@code Host} and TLS SNI keep the hostname.
 *   <li><b>Concurrency.</b> One dispatcher and one connection pool per transport, both sized from
 *       {@link Builder#maxConcurrency(int)} (also per host: OkHttp's default of 5 per host is far
 *       too low for warming one CDN hostname).
 * </ul>
 *
 * <p><b>OkHttp is optional.</b> {@code preheat-http} declares OkHttp ({@code
 * com.squareup.okhttp3:okhttp-jvm}, with Okio and the Kotlin stdlib) as an optional dependency,
 * so only applications that use this transport get it: add it yourself. Without it, {@link
 * #builder()} (and {@link HttpClientKind#OKHTTP}) fails with an {@link IllegalStateException}
 * naming the dependency. {@link ApacheHttpTransport}, the default, behaves the same and needs
 * nothing more.
 *
 * <p>Thread-safe; share one instance. {@link #send} fails (through its future) with {@link
 * IllegalArgumentException} for a header name or value that could inject headers (CR, LF, other
 * control characters) and with {@link IllegalStateException} after {@link #close()}.
 */
public final class OkHttpTransport implements HttpTransport {

  /** Default for {@link Builder#maxConcurrency(int)}: concurrent requests, in total and per host. */
  public static final int DEFAULT_MAX_CONCURRENCY = HttpTransportBuilder.DEFAULT_MAX_CONCURRENCY;

  /** Default for {@link Builder#connectTimeout(Duration)}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = HttpTransportBuilder.DEFAULT_CONNECT_TIMEOUT;

  /** Default for {@link Builder#readTimeout(Duration)}: the longest silence while reading. */
  public static final Duration DEFAULT_READ_TIMEOUT = HttpTransportBuilder.DEFAULT_READ_TIMEOUT;

  /** Default for {@link Builder#callTimeout(Duration)}: one whole exchange, body included. */
  public static final Duration DEFAULT_CALL_TIMEOUT = HttpTransportBuilder.DEFAULT_CALL_TIMEOUT;

  /** Default for {@link Builder#keepAlive(Duration)}: how long idle pooled connections live. */
  public static final Duration DEFAULT_KEEP_ALIVE = HttpTransportBuilder.DEFAULT_KEEP_ALIVE;

  /** The {@code User-Agent} sent unless the request or {@link Builder#userAgent} sets one. */
  public static final String DEFAULT_USER_AGENT = HttpTransportBuilder.DEFAULT_USER_AGENT;

  /** The most redirects {@link Builder#followRedirects(int)} accepts. */
  public static final int MAX_REDIRECT_LIMIT = HttpTransportBuilder.MAX_REDIRECT_LIMIT;

  /** Methods OkHttp only sends with a body; an empty one is supplied. */
  private static final Set<String> METHODS_WITH_BODY =
      Set.of("POST", "PUT", "PATCH", "PROPPATCH", "REPORT", "QUERY");

  private final OkHttpClient client;
  /** Parsed origins (scheme, host, port) by {@code scheme://authority}; see {@link #httpUrl}. */
  private final java.util.concurrent.ConcurrentHashMap<String, HttpUrl> origins =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_CACHED_ORIGINS = 1024;
  private final ExecutorService executor;
  private final Map<String, String> defaultHeaders;
  private final int maxConcurrency;
  private final int maxRedirects;
  private final HttpVersion httpVersion;
  private final Pins pins;
  private final boolean customTls;
  private final LongSupplier ticker;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OkHttpTransport(Builder b) {
    this.maxConcurrency = b.maxConcurrencyOrDefault();
    this.maxRedirects = b.maxRedirects != null ? b.maxRedirects : 0;
    this.httpVersion = b.httpVersion != null ? b.httpVersion : HttpVersion.HTTP_2;
    this.pins = new Pins(b.pins);
    this.customTls = b.sslSocketFactory != null;
    this.ticker = b.ticker;
    this.defaultHeaders = b.defaultHeaders();

    AtomicInteger threads = new AtomicInteger();
    // The dispatcher never runs more than maxConcurrency calls, so a pool of that many threads
    // is enough. OkHttp's default (unbounded, SynchronousQueue) starts a new thread whenever no
    // idle one is waiting at the instant a call is handed over, which measured 40-90 threads and
    // seconds of system time for 40k requests at concurrency 32.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConcurrency, maxConcurrency, 60,
        TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "preheat-http-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(maxConcurrency);
    dispatcher.setMaxRequestsPerHost(maxConcurrency);
    Duration keepAlive = b.keepAlive != null ? b.keepAlive : DEFAULT_KEEP_ALIVE;

    OkHttpClient.Builder client = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(
            new ConnectionPool(maxConcurrency, keepAlive.toMillis(), TimeUnit.MILLISECONDS))
        .connectTimeout(HttpTransportBuilder.orDefault(b.connectTimeout, DEFAULT_CONNECT_TIMEOUT))
        .readTimeout(HttpTransportBuilder.orDefault(b.readTimeout, DEFAULT_READ_TIMEOUT))
        .writeTimeout(HttpTransportBuilder.orDefault(b.readTimeout, DEFAULT_READ_TIMEOUT))
        .callTimeout(HttpTransportBuilder.orDefault(b.callTimeout, DEFAULT_CALL_TIMEOUT))
        .protocols(protocols(httpVersion))
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .cookieJar(CookieJar.NO_COOKIES)
        .cache(null)
        .addInterceptor(WarmExchange.APPLICATION_INTERCEPTOR)
        .addNetworkInterceptor(WarmExchange.NETWORK_INTERCEPTOR);
    if (!pins.isEmpty()) {
      // A proxy would resolve the host itself and defeat the pin.
      OkHttpPins okPins = new OkHttpPins(pins);
      client.dns(okPins.dns()).socketFactory(okPins.socketFactory()).proxy(Proxy.NO_PROXY);
    }
    if (b.sslSocketFactory != null && b.trustManager != null) {
      // Only the trust changes: OkHttp's hostname verifier stays on and checks the URL's host.
      client.sslSocketFactory(b.sslSocketFactory, b.trustManager);
    }
    this.client = client.build();
  }

  private static List<Protocol> protocols(HttpVersion version) {
    switch (version) {
      case HTTP_1_1:
        return List.of(Protocol.HTTP_1_1);
      case H2C_PRIOR_KNOWLEDGE:
        return List.of(Protocol.H2_PRIOR_KNOWLEDGE);
      default:
        return List.of(Protocol.HTTP_2, Protocol.HTTP_1_1);
    }
  }

  /**
   * A transport with every default; see the {@code DEFAULT_*} constants.
   *
   * @return a new transport; close it when done
   */
  public static OkHttpTransport create() {
    return builder().build();
  }

  /**
   * A builder for a transport.
   *
   * @return a new builder with nothing set
   * @throws IllegalStateException if OkHttp is not on the class path (the message says what to
   *     add)
   */
  public static Builder builder() {
    OkHttpSupport.require("OkHttpTransport");
    return new Builder();
  }

  /**
   * A {@link TransportFactory} for staged warming ({@link
   * dev.preheat.warm.Warmer#start(dev.preheat.warm.WarmPlan, dev.preheat.warm.Stages,
   * TransportFactory)}): a new transport per stage, built by {@code customizer} (timeouts, TLS,
   * HTTP version, default concurrency, ...) and then given the stage's own settings, which
   * replace the customizer's:
   *
   * <ul>
   *   <li>a stage's {@linkplain Stage#concurrency() concurrency} sizes the pool ({@link
   *       Builder#maxConcurrency}); without one the customizer's (or {@link
   *       #DEFAULT_MAX_CONCURRENCY}) holds, so set it to at least the warmer's concurrency;
   *   <li>a stage's {@linkplain Stage#connectTo() pinned address} pins ({@link
   *       Builder#connectTo}) the host of the stage's {@linkplain Stage#target() target}, or of
   *       {@code site} for a stage that warms the plan's own URLs.
   * </ul>
   *
   * <pre>{@code
   * TransportFactory transports = OkHttpTransport.factory(URI.create("https://www.example.com"),
   *     b -> b.maxConcurrency(16).readTimeout(Duration.ofSeconds(30)));
   * WarmReport report = warmer.start(plan, stages, transports).await();
   * }</pre>
   *
   * @param site the site URL the stages retarget ({@link dev.preheat.warm.Stages#site()}): whose
   *     host a stage without a target pins
   * @param customizer sets up each stage's builder; called once per stage, on the engine's
   *     thread, before the stage's own settings are applied
   * @return a factory; each transport it opens is closed by the staged run when its stage ends
   * @throws IllegalArgumentException if {@code site} has no host
   */
  public static TransportFactory factory(URI site, Consumer<? super Builder> customizer) {
    return HttpTransportBuilder.factory(site, OkHttpTransport::builder, customizer,
        "OkHttpTransport.factory");
  }

  /**
   * {@link #factory(URI, Consumer)} with every transport default.
   *
   * @param site the site URL the stages retarget
   * @return a factory opening one transport per stage
   */
  public static TransportFactory factory(URI site) {
    return factory(site, b -> { });
  }

  /**
   * Sends {@code request} asynchronously, per the {@link Transport} contract: the future completes
   * after the body was read to its end, or exceptionally with the I/O failure ({@link
   * java.net.SocketTimeoutException} for a read timeout, {@link java.io.InterruptedIOException}
   * for the call timeout, {@link java.net.ProtocolException} for too many redirects, an {@link
   * java.io.IOException} for a reset connection or truncated body). Cancelling the future cancels
   * the OkHttp call and releases its connection. Never throws; every failure goes through the
   * future.
   *
   * @param request the warm request; its headers are sent as given (see the class comment)
   * @return the future response
   */
  @Override
  public CompletableFuture<WarmResponse> send(WarmRequest request) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "OkHttpTransport is closed; cannot send " + request.method() + " " + request.url()
              + "; build a new transport"));
    }
    try {
      boolean variantHasAcceptEncoding = request.headers().keySet().stream()
          .anyMatch(name -> name.equalsIgnoreCase("Accept-Encoding"));
      WarmExchange exchange =
          new WarmExchange(client, maxRedirects, variantHasAcceptEncoding, ticker);
      exchange.start(toOkHttp(request, exchange));
      return exchange.future();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The OkHttp URL of {@code uri}. Parsing a whole URL maps its host through IDNA every time
   * (measured: ~7% of the transport's CPU), so the origin is parsed once per host and each
   * request only adds its path and query.
   */
  private HttpUrl httpUrl(java.net.URI uri) {
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || uri.getRawUserInfo() != null
        || origins.size() >= MAX_CACHED_ORIGINS) {
      return HttpUrl.get(uri);
    }
    String origin = uri.getScheme() + "://" + uri.getRawAuthority();
    HttpUrl base = origins.computeIfAbsent(origin, o -> HttpUrl.get(o + "/"));
    return base.newBuilder().encodedPath(path).encodedQuery(uri.getRawQuery()).build();
  }

  private Request toOkHttp(WarmRequest request, WarmExchange exchange) {
    String where = request.method() + " " + request.url();
    if (!HeaderValidation.isValidName(request.method())) {
      throw new IllegalArgumentException(
          "request method '" + request.method() + "' of " + request.url()
              + " is not an HTTP token");
    }
    HttpUrl url = httpUrl(request.url());
    Headers.Builder headers = new Headers.Builder();
    Map<String, String> seen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    request.headers().forEach((name, value) -> {
      HeaderValidation.requireValid(where, name, value);
      headers.addUnsafeNonAscii(name, value);
      seen.put(name, value);
    });
    defaultHeaders.forEach((name, value) -> {
      if (!seen.containsKey(name)) {
        headers.addUnsafeNonAscii(name, value);
      }
    });
    if (exchange.needsPlaceholderAcceptEncoding()) {
      headers.add("Accept-Encoding", WarmExchange.placeholderAcceptEncoding());
    }
    String method = request.method().toUpperCase(Locale.ROOT);
    RequestBody body = METHODS_WITH_BODY.contains(method) ? RequestBody.create(new byte[0]) : null;
    return new Request.Builder()
        .url(url)
        .headers(headers.build())
        .method(request.method(), body)
        .tag(WarmExchange.class, exchange)
        .build();
  }

  /**
   * Cancels calls in flight, shuts down the dispatcher's threads and evicts every pooled
   * connection. Idempotent; never throws. Later {@link #send} calls fail.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    client.dispatcher().cancelAll();
    executor.shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public int maxConcurrency() {
    return maxConcurrency;
  }

  @Override
  public String toString() {
    return "OkHttpTransport{maxConcurrency=" + maxConcurrency
        + ", httpVersion=" + httpVersion
        + ", connectTimeout=" + client.connectTimeoutMillis() + "ms"
        + ", readTimeout=" + client.readTimeoutMillis() + "ms"
        + ", callTimeout=" + client.callTimeoutMillis() + "ms"
        + ", maxRedirects=" + maxRedirects
        + ", connectTo=" + pins
        + ", tls=" + (customTls ? "custom trust" : "system trust")
        + ", headers=" + defaultHeaders.keySet()
        + (closed.get() ? ", closed" : "") + "}";
  }

  /**
   * Builds an {@link OkHttpTransport}; every setting is described on {@link
   * HttpTransportBuilder}. Not thread-safe.
   */
  public static final class Builder extends HttpTransportBuilder<Builder> {
    private Builder() {}

    @Override
    public OkHttpTransport build() {
      return new OkHttpTransport(this);
    }
  }
}
