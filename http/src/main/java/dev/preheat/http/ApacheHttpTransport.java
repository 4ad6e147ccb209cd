package dev.preheat.http;

import dev.preheat.http.internal.ApacheExchange;
import dev.preheat.http.internal.LazyTlsStrategy;
import dev.preheat.http.internal.LeanHttp1Client;
import dev.preheat.http.internal.Pins;
import dev.preheat.key.HeaderValidation;
import dev.preheat.spi.TransportFactory;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.routing.HttpRoutePlanner;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * A {@link dev.preheat.spi.Transport} on Apache HttpClient 5: non-blocking I/O, one thread runs
 * every connection of a kind, so a warm request costs no thread hand-off and no blocking read.
 * Plain {@code http://} requests go over HTTP/1.1 on a lean hand-written client ({@code
 * LeanHttp1Client}: one selector thread, no HttpClient exec chain or httpcore5 reactor, less than
 * half of their CPU per request); {@code https://} (TLS, HTTP/2 over ALPN) and h2c prior
 * knowledge go through HttpClient 5's full async client, started on the first such request, with
 * its own reactor thread. It behaves as {@link OkHttpTransport} does and passes the same test
 * suite:
 *
 * <ul>
 *   <li><b>Exact variant.</b> The request carries exactly the variant's headers ({@code
 *       Accept-Encoding} as given, or none) plus the transport's {@linkplain
 *       HttpTransportBuilder#header default headers} where the request has no header of that name;
 *       bodies are never decoded, so {@link WarmResponse#bodyBytes()} is the size on the wire
 *       after transfer decoding. No cookie store, no cache, no automatic retries.
 *   <li><b>Bodies</b> are counted as they arrive and discarded, never buffered.
 *   <li><b>Redirects</b> are reported, not followed, unless {@link
 *       HttpTransportBuilder#followRedirects(int)} is set (the same rules as OkHttpTransport:
 *       301, 302, 303, 307, 308; method kept for 307/308 and GET/HEAD; {@code Authorization} and
 *       {@code Cookie} dropped on a change of host; one more than the limit fails with {@link
 *       java.net.ProtocolException}).
 *   <li><b>Timings.</b> Time to first byte runs from {@link #send} until the response headers
 *       were parsed, so it includes waiting for a pooled connection; the warmer never has more
 *       requests in flight than its concurrency, which should not exceed {@link
 *       HttpTransportBuilder#maxConcurrency(int)}.
 *   <li><b>Timeouts.</b> The read timeout is the socket timeout of an exchange ({@link
 *       java.net.SocketTimeoutException}); the call timeout is checked by one sweeper thread a
 *       few times per timeout period and fails an over-long exchange with {@link
 *       java.io.InterruptedIOException}.
 *   <li><b>PoP pinning</b> ({@link HttpTransportBuilder#connectTo}) routes a host's connections to
 *       the pinned IP and port, while {@code Host}, TLS SNI and certificate checks keep the
 *       hostname.
 *   <li><b>TLS.</b> {@link HttpTransportBuilder#tls} trusts the given trust manager's roots; the
 *       socket factory is not used (the reactor needs an {@link SSLContext}, built from the
 *       trust manager). Certificates are checked against the URL's host by JSSE and by
 *       HttpClient's own verifier.
 *   <li><b>HTTP/2</b> streams share a connection once one to the host is established and back
 *       in the pool; requests sent before that (the first burst to a host) open their own
 *       connections, up to {@link HttpTransportBuilder#maxConcurrency(int)}.
 *   <li><b>No proxy.</b> Connections go straight to the host (or its pin); unlike OkHttp, the
 *       JVM's proxy settings ({@code http.proxyHost}, ...) are not consulted.
 * </ul>
 *
 * <p>Thread-safe; share one instance. Futures complete on the I/O reactor thread, so callbacks
 * must be quick and must not block.
 */
public final class ApacheHttpTransport implements HttpTransport {

  /** The lean HTTP/1.1 path for http:// URLs; null with h2c prior knowledge. */
  private final @Nullable LeanHttp1Client lean;
  /** Builds the full client; see {@link #fullClient()}. */
  private final Supplier<CloseableHttpAsyncClient> fullClientFactory;
  /** The full HttpClient 5 async client (https, h2c), built on first use; guarded by this. */
  private volatile @Nullable CloseableHttpAsyncClient full;
  private final TimeValue keepAliveIdle;
  private final ScheduledExecutorService sweeper;
  private final Map<String, String> defaultHeaders;
  private final String[] defaultNames;
  private final String[] defaultValues;
  private final int maxConcurrency;
  private final int maxRedirects;
  private final HttpVersion httpVersion;
  private final Pins pins;
  private final boolean customTls;
  private final LongSupplier ticker;
  private final long callTimeoutNanos;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Exchanges in flight: failed by {@link #close()} and checked by the call-timeout sweeper. */
  private final Set<ApacheExchange> inFlight = ConcurrentHashMap.newKeySet();
  /** Target hosts by {@code scheme://authority}, so a request does not parse its origin. */
  private final ConcurrentHashMap<String, HttpHost> hosts = new ConcurrentHashMap<>();
  /** Where the lean path connects for a target host: its port made explicit, its pin applied. */
  private final ConcurrentHashMap<HttpHost, HttpHost> routes = new ConcurrentHashMap<>();
  private static final int MAX_CACHED_HOSTS = 1024;
  private static final byte[] NO_BYTES = new byte[0];

  private ApacheHttpTransport(Builder b) {
    this.maxConcurrency = b.maxConcurrencyOrDefault();
    this.maxRedirects = b.maxRedirects != null ? b.maxRedirects : 0;
    this.httpVersion = b.httpVersion != null ? b.httpVersion : HttpVersion.HTTP_2;
    this.pins = new Pins(b.pins);
    this.customTls = b.trustManager != null;
    this.ticker = b.ticker;
    this.defaultHeaders = b.defaultHeaders();
    this.defaultNames = defaultHeaders.keySet().toArray(new String[0]);
    this.defaultValues = defaultHeaders.values().toArray(new String[0]);
    this.connectTimeout = HttpTransportBuilder.orDefault(b.connectTimeout,
        HttpTransportBuilder.DEFAULT_CONNECT_TIMEOUT);
    this.readTimeout = HttpTransportBuilder.orDefault(b.readTimeout,
        HttpTransportBuilder.DEFAULT_READ_TIMEOUT);
    Duration callTimeout = HttpTransportBuilder.orDefault(b.callTimeout,
        HttpTransportBuilder.DEFAULT_CALL_TIMEOUT);
    this.callTimeoutNanos = callTimeout.toNanos();
    Duration keepAlive = HttpTransportBuilder.orDefault(b.keepAlive,
        HttpTransportBuilder.DEFAULT_KEEP_ALIVE);

    Timeout connect = Timeout.ofMilliseconds(connectTimeout.toMillis());
    Timeout read = Timeout.ofMilliseconds(readTimeout.toMillis());
    SSLContext custom = b.trustManager != null ? sslContext(b.trustManager) : null;
    this.fullClientFactory = () -> buildFullClient(connect, read, keepAlive, custom);
    // Plain http:// over HTTP/1.1 (also when HTTP/2 may be negotiated: that needs TLS) goes the
    // lean way; TLS and h2c open the full client on their first request.
    this.lean = httpVersion == HttpVersion.H2C_PRIOR_KNOWLEDGE ? null
        : new LeanHttp1Client(maxConcurrency, connect, read);
    this.keepAliveIdle = TimeValue.ofMilliseconds(keepAlive.toMillis());
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "preheat-hc5-timeouts");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(10, Math.min(500, callTimeout.toMillis() / 10));
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Builds and starts the full HttpClient 5 async client (TLS, HTTP/2, h2c); see {@link
   * #fullClient()}.
   */
  private CloseableHttpAsyncClient buildFullClient(Timeout connect, Timeout read,
      Duration keepAlive, @Nullable SSLContext custom) {
    PoolingAsyncClientConnectionManagerBuilder cm = PoolingAsyncClientConnectionManagerBuilder
        .create()
        .setMaxConnTotal(maxConcurrency)
        .setMaxConnPerRoute(maxConcurrency)
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(connect)
            .setSocketTimeout(read)
            .build())
        .setDefaultTlsConfig(TlsConfig.custom()
            .setVersionPolicy(versionPolicy(httpVersion))
            .setHandshakeTimeout(connect)
            .build());
    if (!pins.isEmpty()) {
      cm.setDnsResolver(new PinnedDns(pins));
    }
    // Certificates are checked against the URL's host both by JSSE and by the client's own
    // verifier, also when the host is pinned to another address.
    // Built on the first TLS connection: the system trust store costs ~0.2 s of CPU to load,
    // which a run of http:// URLs never needs. A custom trust manager's context is built now, so
    // a bad one still fails the build.
    cm.setTlsStrategy(new LazyTlsStrategy(() -> ClientTlsStrategyBuilder.create()
        .setSslContext(custom != null ? custom : SSLContexts.createSystemDefault())
        .setHostVerificationPolicy(HostnameVerificationPolicy.BOTH)
        .setHostnameVerifier(new DefaultHostnameVerifier())
        .buildAsync()));
    if (httpVersion != HttpVersion.HTTP_1_1) {
      // HTTP/2: requests share a connection as streams instead of taking one each
      cm.setMessageMultiplexing(true);
    }
    PoolingAsyncClientConnectionManager pool = cm.build();

    AtomicInteger threads = new AtomicInteger();
    HttpAsyncClientBuilder client = HttpAsyncClients.custom()
        .setConnectionManager(pool)
        .setIOReactorConfig(IOReactorConfig.custom()
            .setIoThreadCount(1)
            .setSoTimeout(read)
            .setTcpNoDelay(true)
            .build())
        .setThreadFactory(r -> {
          Thread t = new Thread(r, "preheat-hc5-io-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        })
        .setDefaultRequestConfig(RequestConfig.custom()
            .setConnectTimeout(connect)
            .setResponseTimeout(read)
            .setRedirectsEnabled(false)
            .setContentCompressionEnabled(false)
            .setProtocolUpgradeEnabled(false)
            .setAuthenticationEnabled(false)
            .setExpectContinueEnabled(false)
            .build())
        .setKeepAliveStrategy((response, context) ->
            TimeValue.ofMilliseconds(keepAlive.toMillis()))
        .evictIdleConnections(TimeValue.ofMilliseconds(keepAlive.toMillis()))
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAutomaticRetries()
        .disableAuthCaching()
        .disableConnectionState()
        .addExecInterceptorBefore(ChainElement.MAIN_TRANSPORT.name(), "preheat-abort",
            ApacheExchange.ABORT_HANDLER);
    if (!pins.isEmpty()) {
      client.setRoutePlanner(new PinnedRoutes(pins));
    }
    CloseableHttpAsyncClient built = client.build();
    built.start();
    return built;
  }

  private static HttpVersionPolicy versionPolicy(HttpVersion version) {
    switch (version) {
      case HTTP_1_1:
        return HttpVersionPolicy.FORCE_HTTP_1;
      case H2C_PRIOR_KNOWLEDGE:
        return HttpVersionPolicy.FORCE_HTTP_2;
      default:
        return HttpVersionPolicy.NEGOTIATE;
    }
  }

  private static SSLContext sslContext(javax.net.ssl.X509TrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS with the given trust manager: " + e, e);
    }
  }

  /**
   * A transport with every default; see {@link HttpTransportBuilder}.
   *
   * @return a new transport; close it when done
   */
  public static ApacheHttpTransport create() {
    return builder().build();
  }

  /**
   * A builder for a transport.
   *
   * @return a new builder with nothing set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A {@link TransportFactory} for staged warming, one transport per stage; see {@link
   * OkHttpTransport#factory(URI, Consumer)}, whose rules it follows.
   *
   * @param site the site URL the stages retarget
   * @param customizer sets up each stage's builder
   * @return a factory opening one transport per stage
   * @throws IllegalArgumentException if {@code site} has no host
   */
  public static TransportFactory factory(URI site, Consumer<? super Builder> customizer) {
    return HttpTransportBuilder.factory(site, ApacheHttpTransport::builder, customizer,
        "ApacheHttpTransport.factory");
  }

  /**
   * Sends {@code request} per the {@link dev.preheat.spi.Transport} contract; see {@link
   * OkHttpTransport#send} for the failures. Cancelling the future aborts the exchange and
   * releases its connection. Never throws.
   *
   * @param request the warm request; its headers are sent as given
   * @return the future response
   */
  @Override
  public CompletableFuture<WarmResponse> send(WarmRequest request) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "ApacheHttpTransport is closed; cannot send " + request.method() + " " + request.url()
              + "; build a new transport"));
    }
    try {
      if (!HeaderValidation.isValidName(request.method())) {
        throw new IllegalArgumentException(
            "request method '" + request.method() + "' of " + request.url()
                + " is not an HTTP token");
      }
      Map<String, String> headers = request.headers();
      for (Map.Entry<String, String> e : headers.entrySet()) {
        try {
          HeaderValidation.requireValidName(e.getKey());
          HeaderValidation.requireValidValue(e.getKey(), e.getValue());
        } catch (IllegalArgumentException invalid) {
          // the same check again, for the message naming the request
          HeaderValidation.requireValid(request.method() + " " + request.url(), e.getKey(),
              e.getValue());
        }
      }
      ApacheExchange exchange = new ApacheExchange(this::execute, inFlight, maxRedirects,
          ticker, callTimeoutNanos);
      exchange.start(request.method(), request.url(), host(request.url()),
          withDefaults(headers));
      return exchange.future();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The request's headers plus every default header whose name it does not set. */
  private String[] withDefaults(Map<String, String> headers) {
    String[] out = new String[(headers.size() + defaultNames.length) * 2];
    int n = 0;
    for (Map.Entry<String, String> e : headers.entrySet()) {
      out[n++] = e.getKey();
      out[n++] = e.getValue();
    }
    int own = n;
    for (int d = 0; d < defaultNames.length; d++) {
      boolean set = false;
      for (int i = 0; i < own && !set; i += 2) {
        set = out[i].equalsIgnoreCase(defaultNames[d]);
      }
      if (!set) {
        out[n++] = defaultNames[d];
        out[n++] = defaultValues[d];
      }
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  /** The target of {@code uri}: scheme, host and port as in the URL (the port may be absent). */
  HttpHost host(URI uri) {
    String key = uri.getScheme() + "://" + uri.getRawAuthority();
    HttpHost host = hosts.get(key);
    if (host == null) {
      // lower case, as OkHttp sends it: hosts are case-insensitive, cache keys may not be
      host = new HttpHost(uri.getScheme().toLowerCase(java.util.Locale.ROOT),
          uri.getHost().toLowerCase(java.util.Locale.ROOT), uri.getPort());
      if (hosts.size() < MAX_CACHED_HOSTS) {
        hosts.putIfAbsent(key, host);
      }
    }
    return host;
  }

  /** Sends one hop: http:// on the lean path when there is one, the rest on the full client. */
  private Cancellable execute(HttpHost host, BasicHttpRequest request,
      @Nullable AsyncEntityProducer body, ApacheExchange exchange) {
    if (lean != null && "http".equals(host.getSchemeName())
        && (body == null || body.getContentLength() == 0)) {
      // the exchange sends no body or an empty one (Content-Length: 0)
      return lean.execute(route(host), request, body == null ? null : NO_BYTES, exchange);
    }
    java.util.concurrent.Future<?> f = fullClient().execute(
        new BasicRequestProducer(request, body), exchange, null,
        ApacheExchange.context(exchange), exchange);
    return () -> f.cancel(true);
  }

  /** The lean path's connection target for {@code host}: explicit port, pinned address. */
  private HttpHost route(HttpHost host) {
    HttpHost route = routes.get(host);
    if (route == null) {
      int port = host.getPort() < 0 ? 80 : host.getPort();
      InetSocketAddress pin = pins.pinOf(host.getHostName());
      if (pin == null) {
        route = new HttpHost(host.getSchemeName(), host.getHostName(), port);
      } else {
        try {
          // the address carries the hostname; the pool and the socket use the pinned IP and port
          route = new HttpHost(host.getSchemeName(), InetAddress.getByAddress(
              host.getHostName(), pin.getAddress().getAddress()), host.getHostName(),
              pin.getPort());
        } catch (UnknownHostException impossible) {
          throw new IllegalStateException(impossible);
        }
      }
      if (routes.size() < MAX_CACHED_HOSTS) {
        routes.putIfAbsent(host, route);
      }
    }
    return route;
  }

  /** Whether the full client was started (by an https:// or h2c request); for tests. */
  boolean fullClientStarted() {
    return full != null;
  }

  /** The full client, built and started on the first request that needs it. */
  private CloseableHttpAsyncClient fullClient() {
    CloseableHttpAsyncClient c = full;
    if (c == null) {
      synchronized (this) {
        c = full;
        if (c == null) {
          if (closed.get()) {
            throw new IllegalStateException("ApacheHttpTransport is closed");
          }
          c = fullClientFactory.get();
          full = c;
        }
      }
    }
    return c;
  }

  /** Fails exchanges past their call timeout. */
  private void sweep() {
    if (lean != null) {
      lean.closeIdle(keepAliveIdle);
    }
    if (inFlight.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (ApacheExchange e : inFlight) {
      e.checkDeadline(now, callTimeoutNanos);
    }
  }

  /**
   * Fails calls in flight with an {@link IOException}, stops the I/O reactor and closes every
   * pooled connection. Idempotent; never throws. Later {@link #send} calls fail.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ApacheExchange e : inFlight) {
      e.fail(new IOException("the transport was closed while the request was in flight"));
    }
    sweeper.shutdownNow();
    if (lean != null) {
      lean.close();
    }
    CloseableHttpAsyncClient c;
    synchronized (this) {
      c = full;
    }
    if (c == null) {
      return;
    }
    // The reactor thread shuts itself down first: closing its selector from this thread while it
    // iterates the selected keys fails that iteration (a logged ConcurrentModificationException).
    c.initiateShutdown();
    try {
      c.awaitShutdown(TimeValue.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    c.close(CloseMode.IMMEDIATE);
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
    return "ApacheHttpTransport{maxConcurrency=" + maxConcurrency
        + ", httpVersion=" + httpVersion
        + ", connectTimeout=" + connectTimeout.toMillis() + "ms"
        + ", readTimeout=" + readTimeout.toMillis() + "ms"
        + ", callTimeout=" + TimeUnit.NANOSECONDS.toMillis(callTimeoutNanos) + "ms"
        + ", maxRedirects=" + maxRedirects
        + ", connectTo=" + pins
        + ", tls=" + (customTls ? "custom trust" : "system trust")
        + ", headers=" + defaultHeaders.keySet()
        + (closed.get() ? ", closed" : "") + "}";
  }

  /** Answers pinned hosts with their pinned IP (carrying the hostname), others from the system. */
  private static final class PinnedDns implements DnsResolver {
    private final Pins pins;

    PinnedDns(Pins pins) {
      this.pins = pins;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      InetSocketAddress pin = pins.pinOf(host);
      if (pin == null) {
        return SystemDefaultDnsResolver.INSTANCE.resolve(host);
      }
      return new InetAddress[] {InetAddress.getByAddress(host, pin.getAddress().getAddress())};
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
      return pins.pinOf(host) != null ? host
          : SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }
  }

  /**
   * Routes a pinned host to its pinned IP and port; the route's host name (TLS SNI and the
   * certificate check) stays the URL's host, and {@code Host} comes from the request's own
   * authority. Never through a proxy, as with OkHttpTransport's pins.
   */
  private static final class PinnedRoutes implements HttpRoutePlanner {
    private final Pins pins;

    PinnedRoutes(Pins pins) {
      this.pins = pins;
    }

    @Override
    public HttpRoute determineRoute(HttpHost host, HttpContext context) {
      boolean secure = "https".equalsIgnoreCase(host.getSchemeName());
      InetSocketAddress pin = pins.pinOf(host.getHostName());
      if (pin == null) {
        return new HttpRoute(RoutingSupport.normalize(host, DefaultSchemePortResolver.INSTANCE),
            null, secure);
      }
      InetAddress address;
      try {
        address = InetAddress.getByAddress(host.getHostName(), pin.getAddress().getAddress());
      } catch (UnknownHostException impossible) {
        throw new IllegalStateException(impossible);
      }
      return new HttpRoute(new HttpHost(host.getSchemeName(), address, host.getHostName(),
          pin.getPort()), null, secure);
    }
  }

  /**
   * Builds an {@link ApacheHttpTransport}; every setting is described on {@link
   * HttpTransportBuilder}. Not thread-safe.
   */
  public static final class Builder extends HttpTransportBuilder<Builder> {
    private Builder() {}

    @Override
    public ApacheHttpTransport build() {
      return new ApacheHttpTransport(this);
    }
  }
}
