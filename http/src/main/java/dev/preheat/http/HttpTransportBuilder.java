package dev.preheat.http;

import static dev.preheat.http.internal.Settings.positive;
import static dev.preheat.http.internal.Settings.requireUnset;

import dev.preheat.key.HeaderValidation;
import dev.preheat.spi.Transport;
import dev.preheat.spi.TransportFactory;
import dev.preheat.warm.Stage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The settings every {@link HttpTransport} accepts, whichever client it runs on ({@link
 * OkHttpTransport#builder()}, {@link ApacheHttpTransport#builder()}, {@link
 * HttpClientKind#builder()}). Every setting is optional and may be set once; a second call, or an
 * invalid value, fails at once with a message naming the setting. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class HttpTransportBuilder<B extends HttpTransportBuilder<B>> {

  /** Default for {@link #maxConcurrency(int)}: concurrent requests, in total and per host. */
  public static final int DEFAULT_MAX_CONCURRENCY = 64;

  /** Default for {@link #connectTimeout(Duration)}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Default for {@link #readTimeout(Duration)}: the longest silence while reading. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(15);

  /** Default for {@link #callTimeout(Duration)}: one whole exchange, body included. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

  /** Default for {@link #keepAlive(Duration)}: how long idle pooled connections live. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);

  /** The {@code User-Agent} sent unless the request or {@link #userAgent} sets one. */
  public static final String DEFAULT_USER_AGENT = "Preheat (cache warmer)";

  /** The most redirects {@link #followRedirects(int)} accepts. */
  public static final int MAX_REDIRECT_LIMIT = 20;

  @Nullable Integer maxConcurrency;
  @Nullable Duration connectTimeout;
  @Nullable Duration readTimeout;
  @Nullable Duration callTimeout;
  @Nullable Duration keepAlive;
  @Nullable HttpVersion httpVersion;
  @Nullable Integer maxRedirects;
  @Nullable String userAgent;
  final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  final Map<String, InetSocketAddress> pins =
      new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  @Nullable SSLSocketFactory sslSocketFactory;
  @Nullable X509TrustManager trustManager;
  LongSupplier ticker = System::nanoTime;

  HttpTransportBuilder() {}

  /**
   * Caps concurrent requests, in total and per host; the connection pool keeps up to as many
   * idle connections. Default {@link #DEFAULT_MAX_CONCURRENCY}.
   *
   * @param maxConcurrency the cap, at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code maxConcurrency < 1}
   * @throws IllegalStateException if already set
   */
  public B maxConcurrency(int maxConcurrency) {
    requireUnset(this.maxConcurrency, "maxConcurrency");
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be > 0 but was " + maxConcurrency);
    }
    this.maxConcurrency = maxConcurrency;
    return self();
  }

  /**
   * Sets the TCP (and TLS) connect timeout. Default {@link #DEFAULT_CONNECT_TIMEOUT}.
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public B connectTimeout(Duration timeout) {
    requireUnset(connectTimeout, "connectTimeout");
    this.connectTimeout = positive(timeout, "connectTimeout");
    return self();
  }

  /**
   * Sets the longest silence tolerated while reading (and writing) one exchange; a stall past
   * it fails the request with {@link java.net.SocketTimeoutException}. Default {@link
   * #DEFAULT_READ_TIMEOUT}.
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public B readTimeout(Duration timeout) {
    requireUnset(readTimeout, "readTimeout");
    this.readTimeout = positive(timeout, "readTimeout");
    return self();
  }

  /**
   * Sets the limit for one whole exchange, from connecting to the end of the body (a slow but
   * never silent body is cut off here). Default {@link #DEFAULT_CALL_TIMEOUT}.
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public B callTimeout(Duration timeout) {
    requireUnset(callTimeout, "callTimeout");
    this.callTimeout = positive(timeout, "callTimeout");
    return self();
  }

  /**
   * Sets how long an idle pooled connection is kept. Default {@link #DEFAULT_KEEP_ALIVE}.
   *
   * @param keepAlive a positive duration
   * @return this builder
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public B keepAlive(Duration keepAlive) {
    requireUnset(this.keepAlive, "keepAlive");
    this.keepAlive = positive(keepAlive, "keepAlive");
    return self();
  }

  /**
   * Chooses the HTTP versions spoken. Default {@link HttpVersion#HTTP_2}.
   *
   * @param version the versions
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public B httpVersion(HttpVersion version) {
    requireUnset(httpVersion, "httpVersion");
    this.httpVersion = Objects.requireNonNull(version, "version");
    return self();
  }

  /**
   * Follows up to {@code maxRedirects} redirects (301, 302, 303, 307, 308) and reports the
   * final response; one more fails the request with {@link java.net.ProtocolException}.
   * {@code Authorization} and {@code Cookie} are dropped when a redirect changes host. By
   * default redirects are not followed: the 3xx response itself is reported.
   *
   * @param maxRedirects 0 (do not follow) up to {@link #MAX_REDIRECT_LIMIT}
   * @return this builder
   * @throws IllegalArgumentException if out of range
   * @throws IllegalStateException if already set
   */
  public B followRedirects(int maxRedirects) {
    requireUnset(this.maxRedirects, "followRedirects");
    if (maxRedirects < 0 || maxRedirects > MAX_REDIRECT_LIMIT) {
      throw new IllegalArgumentException(
          "followRedirects must be in 0.." + MAX_REDIRECT_LIMIT + " but was " + maxRedirects);
    }
    this.maxRedirects = maxRedirects;
    return self();
  }

  /**
   * Sets the default {@code User-Agent}. Default {@link #DEFAULT_USER_AGENT}; a request's own
   * {@code User-Agent} still wins.
   *
   * @param userAgent the value
   * @return this builder
   * @throws IllegalArgumentException if the value contains CR, LF or another control character
   * @throws IllegalStateException if already set
   */
  public B userAgent(String userAgent) {
    requireUnset(this.userAgent, "userAgent");
    HeaderValidation.requireValid("the transport's userAgent", "User-Agent",
        Objects.requireNonNull(userAgent, "userAgent"));
    this.userAgent = userAgent;
    return self();
  }

  /**
   * Adds a header sent with every request that does not set a header of the same name (e.g. a
   * warm-traffic marker such as {@code X-Preheat: 1}).
   *
   * @param name the header name
   * @param value the value
   * @return this builder
   * @throws IllegalArgumentException if the name is not a token, the value contains CR, LF or
   *     another control character, the name is {@code User-Agent} (use {@link #userAgent}),
   *     or {@code Accept-Encoding}, {@code Host} or {@code Cookie}, which belong to the
   *     request's variant and cache key
   * @throws IllegalStateException if a header of that name was already added
   */
  public B header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    HeaderValidation.requireValid("the transport's default headers", name, value);
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("user-agent")) {
      throw new IllegalArgumentException("set the User-Agent with userAgent(...), not header()");
    }
    if (lower.equals("accept-encoding") || lower.equals("host") || lower.equals("cookie")) {
      throw new IllegalArgumentException(
          name + " is part of the variant (the cache key) and cannot be a transport default;"
              + " set it on the WarmRequest");
    }
    if (headers.containsKey(name)) {
      throw new IllegalStateException(
          "header " + name + " was already set to " + headers.get(name));
    }
    headers.put(name, value);
    return self();
  }

  /**
   * Pins {@code host}: connections for it go to {@code address} (IP and port, even when the
   * port differs from the URL's) while the URL, {@code Host} header and TLS SNI and
   * certificate checks keep the hostname. Use it to warm one shield, region or cache node
   * directly. Pinned transports connect directly, without a proxy.
   *
   * @param host the hostname as it appears in URLs (matched ignoring case)
   * @param address a resolved address, e.g. {@code new InetSocketAddress("10.0.0.7", 8080)}
   * @return this builder
   * @throws IllegalArgumentException if {@code host} is empty or {@code address} is unresolved
   * @throws IllegalStateException if {@code host} is already pinned
   */
  public B connectTo(String host, InetSocketAddress address) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(address, "address");
    if (host.isBlank()) {
      throw new IllegalArgumentException("connectTo host must not be empty");
    }
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "connectTo address for " + host + " must be a resolved IP address but was " + address
              + "; resolve it first or pass an IP literal");
    }
    if (pins.containsKey(host)) {
      throw new IllegalStateException(
          "connectTo for host " + host + " was already set to " + pins.get(host));
    }
    pins.put(host, address);
    return self();
  }

  /**
   * Trusts the roots of {@code trustManager} instead of the system's, for origins or cache
   * nodes whose certificates come from a private CA. Only trust changes: the certificate must
   * still be valid for the URL's hostname (also when the host is {@linkplain #connectTo
   * pinned}), and {@code sslSocketFactory} should come from an {@link javax.net.ssl.SSLContext}
   * initialised with that same {@code trustManager}. Default: the JDK's trusted roots.
   *
   * @param sslSocketFactory the factory TLS sockets are created with
   * @param trustManager the trust manager certificate chains are checked with (OkHttp also
   *     cleans chains with it; Apache HttpClient builds its {@link javax.net.ssl.SSLContext} from
   *     it alone and does not use {@code sslSocketFactory}); the same one
   *     {@code sslSocketFactory} verifies with
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public B tls(SSLSocketFactory sslSocketFactory, X509TrustManager trustManager) {
    Objects.requireNonNull(sslSocketFactory, "sslSocketFactory");
    Objects.requireNonNull(trustManager, "trustManager");
    requireUnset(this.sslSocketFactory, "tls");
    this.sslSocketFactory = sslSocketFactory;
    this.trustManager = trustManager;
    return self();
  }

  /** Test hook: the monotonic nanosecond source for timings. */
  B ticker(LongSupplier ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return self();
  }

  /**
   * Builds the transport; this builder may be discarded afterwards.
   *
   * @return a new transport, which owns threads and connections until {@link
   *     HttpTransport#close()}
   */
  public abstract HttpTransport build();

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** The configured concurrency, or the default. */
  int maxConcurrencyOrDefault() {
    return maxConcurrency != null ? maxConcurrency : DEFAULT_MAX_CONCURRENCY;
  }

  /** The default headers every request carries unless it sets the same name, in order. */
  Map<String, String> defaultHeaders() {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("User-Agent", userAgent != null ? userAgent : DEFAULT_USER_AGENT);
    all.putAll(headers);
    return java.util.Collections.unmodifiableMap(all);
  }

  static Duration orDefault(@Nullable Duration value, Duration fallback) {
    return value != null ? value : fallback;
  }

  /** See {@link OkHttpTransport#factory(URI, Consumer)}; {@code name} is its toString. */
  static <T extends HttpTransportBuilder<?>> TransportFactory factory(URI site,
      Supplier<T> builders, Consumer<? super T> customizer, String name) {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(customizer, "customizer");
    String siteHost = site.getHost();
    if (siteHost == null) {
      throw new IllegalArgumentException("site must be an absolute URL with a host, such as"
          + " https://www.example.com, but was '" + site + "'");
    }
    return new TransportFactory() {
      @Override
      public Transport open(Stage stage) {
        T b = builders.get();
        customizer.accept(b);
        Integer concurrency = stage.concurrency();
        if (concurrency != null) {
          b.maxConcurrency = null;
          b.maxConcurrency(concurrency);
        }
        String pinHost = stage.connectToHost();
        if (pinHost != null) {
          URI target = stage.target();
          String host = target != null && target.getHost() != null ? target.getHost() : siteHost;
          b.pins.remove(host);
          b.connectTo(host, new InetSocketAddress(pinHost, stage.connectToPort()));
        }
        return b.build();
      }

      @Override
      public String toString() {
        return name + "(" + site + ")";
      }
    };
  }
}
