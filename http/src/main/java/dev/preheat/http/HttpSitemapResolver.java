package dev.preheat.http;

import static dev.preheat.http.internal.Settings.positive;
import static dev.preheat.http.internal.Settings.requireUnset;

import dev.preheat.source.SitemapReader;
import dev.preheat.source.SitemapResolver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * Fetches sitemaps over HTTP for a {@link SitemapReader}: the top-level sitemap ({@link
 * #openSitemap()}) and every {@code <loc>} of a sitemap index ({@link #open(String)}).
 *
 * <pre>{@code
 * try (HttpSitemapResolver http = HttpSitemapResolver.builder(URI.create(
 *     "https://www.example.com/sitemap_index.xml")).build();
 *     InputStream root = http.openSitemap()) {
 *   SitemapResult result = SitemapReader.builder().resolver(http).build()
 *       .read(root, http.sitemap().toString());
 * }
 * }</pre>
 *
 * <p><b>Safe against hostile sitemaps.</b> A sitemap index is input from the network, so it must
 * not be able to make Preheat fetch arbitrary URLs (SSRF):
 *
 * <ul>
 *   <li>only {@code http} and {@code https} URLs are fetched;
 *   <li>only hosts on the allowlist are fetched, by default just the host of the top-level
 *       sitemap ({@link Builder#allowHost(String)} adds more, e.g. a CDN host for the files);
 *       redirects are followed (up to {@value #MAX_REDIRECTS}) only to allowed hosts, checked
 *       before anything connects to them;
 *   <li>every response body is counted as it is streamed, after any {@code Content-Encoding} is
 *       decoded, and fails with an {@link IOException} past {@link Builder#maxBytes(long)}: a
 *       gzip bomb served with {@code Content-Encoding: gzip} stops at the cap. A {@code .xml.gz}
 *       file is handed over as stored and decompressed by the reader under its own caps;
 *   <li>connect, read and whole-call timeouts bound every fetch.
 * </ul>
 *
 * Hosts are compared by name; the allowlist does not stop an allowed name from resolving to an
 * internal address, so allow only hosts you trust.
 *
 * <p>Every failure is an {@link IOException} whose message names the URL and what to do; the
 * reader reports it as a problem of the index entry and goes on with the next one. No cookies, no
 * cache. Fetches go through Apache HttpClient 5's classic (blocking) client, which decodes {@code
 * Content-Encoding: gzip} and {@code deflate}; proxies and TLS defaults come from the JVM's system
 * properties. Thread-safe; {@link #close()} releases pooled connections and the timer thread.
 */
public final class HttpSitemapResolver implements SitemapResolver, AutoCloseable {

  /** Default {@link Builder#connectTimeout(Duration)}: 10 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Default {@link Builder#readTimeout(Duration)}: the longest silence while reading, 30 s. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  /** Default {@link Builder#callTimeout(Duration)}: one whole fetch, body included, 5 min. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Default {@link Builder#maxBytes(long)}: the reader's {@link
   * SitemapReader#DEFAULT_MAX_COMPRESSED_BYTES_PER_FILE}, 50 MiB per sitemap.
   */
  public static final long DEFAULT_MAX_BYTES = SitemapReader.DEFAULT_MAX_COMPRESSED_BYTES_PER_FILE;

  /** The {@code User-Agent} sent unless {@link Builder#userAgent(String)} sets another. */
  public static final String DEFAULT_USER_AGENT = "Preheat (sitemap reader)";

  /** The most redirects followed per fetch, each to an allowed host. */
  public static final int MAX_REDIRECTS = 5;

  private final URI sitemap;
  private final Set<String> allowedHosts;
  private final long maxBytes;
  private final String userAgent;
  private final CloseableHttpClient client;
  private final Duration callTimeout;
  /** Aborts fetches past {@link Builder#callTimeout}; its one thread starts on the first fetch. */
  private final ScheduledThreadPoolExecutor timeouts;

  private HttpSitemapResolver(Builder b) {
    this.sitemap = b.sitemap;
    LinkedHashSet<String> hosts = new LinkedHashSet<>();
    hosts.add(hostOf(b.sitemap));
    hosts.addAll(b.extraHosts);
    this.allowedHosts = Collections.unmodifiableSet(hosts);
    this.maxBytes = b.maxBytes != null ? b.maxBytes : DEFAULT_MAX_BYTES;
    this.userAgent = b.userAgent != null ? b.userAgent : DEFAULT_USER_AGENT;
    // Redirects are followed by open(), so each hop's host is checked before any connection.
    Timeout read = Timeout.of(orDefault(b.readTimeout, DEFAULT_READ_TIMEOUT));
    this.client = HttpClients.custom().useSystemProperties()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .useSystemProperties()
            .setMaxConnTotal(2)
            .setMaxConnPerRoute(2)
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(orDefault(b.connectTimeout, DEFAULT_CONNECT_TIMEOUT)))
                .setSocketTimeout(read)
                .build())
            .build())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(read).build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        .disableAuthCaching()
        .build();
    this.callTimeout = orDefault(b.callTimeout, DEFAULT_CALL_TIMEOUT);
    AtomicInteger threads = new AtomicInteger();
    this.timeouts = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "preheat-sitemap-timeout-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    timeouts.setRemoveOnCancelPolicy(true);
  }

  private static Duration orDefault(@Nullable Duration value, Duration fallback) {
    return value != null ? value : fallback;
  }

  private static String hostOf(URI uri) {
    return Objects.requireNonNull(uri.getHost()).toLowerCase(Locale.ROOT);
  }

  /**
   * A builder for a resolver of the sitemap (or sitemap index) at {@code sitemap}, whose host is
   * allowed by default.
   *
   * @param sitemap the top-level sitemap, an absolute http(s) URL with a host
   * @return a new builder
   * @throws IllegalArgumentException if {@code sitemap} is not an absolute http(s) URL with a host
   * @throws NullPointerException if {@code sitemap} is null
   */
  public static Builder builder(URI sitemap) {
    return new Builder(sitemap);
  }

  /** The top-level sitemap. */
  public URI sitemap() {
    return sitemap;
  }

  /** The hosts fetches may go to, lower case: the sitemap's host first. */
  public Set<String> allowedHosts() {
    return allowedHosts;
  }

  /**
   * Opens the top-level sitemap; see {@link #open(String)}.
   *
   * @return the body stream; close it
   * @throws IOException if it cannot be fetched (the message says why)
   */
  public InputStream openSitemap() throws IOException {
    return open(sitemap.toString());
  }

  /**
   * Fetches {@code loc} with a GET and returns its body as a stream, counted against {@link
   * Builder#maxBytes(long)}. The HTTP exchange happens here; the body is streamed as it is read.
   *
   * @param loc an absolute http(s) URL on an allowed host
   * @return the body (as stored, or decoded when sent with {@code Content-Encoding}); closing it
   *     releases the connection
   * @throws IOException if {@code loc} is not an http(s) URL, its host (or a redirect's) is not
   *     allowed, the response is not a 200, its declared length exceeds the cap, or the fetch
   *     fails or times out; reading the stream fails with an {@link IOException} past the cap
   */
  @Override
  public InputStream open(String loc) throws IOException {
    Objects.requireNonNull(loc, "loc");
    URI uri;
    try {
      uri = new URI(loc);
    } catch (URISyntaxException e) {
      throw new IOException("sitemap " + loc + " is not a valid URL: " + e.getMessage(), e);
    }
    requireAllowed(uri.getScheme(), uri.getHost(), loc);
    if (uri.getRawAuthority() == null || uri.isOpaque()) {
      throw new IOException("sitemap " + loc + " is not a valid http(s) URL");
    }
    URI url = uri;
    Fetch fetch = fetch(url, loc);
    for (int redirects = 0; isRedirect(fetch.response.getCode()); redirects++) {
      Header header = fetch.response.getFirstHeader("Location");
      String location = header == null ? null : header.getValue();
      fetch.close();
      URI next = location == null ? null : resolve(url, location);
      if (next == null) {
        throw new IOException("sitemap " + loc + " redirected without a valid Location ("
            + location + ")");
      }
      if (redirects == MAX_REDIRECTS) {
        throw new IOException("sitemap " + loc + " redirected more than " + MAX_REDIRECTS
            + " times; use the final URL in the sitemap index");
      }
      requireAllowed(next.getScheme(), next.getHost(), next + " (a redirect of " + loc + ")");
      url = next;
      fetch = fetch(url, loc);
    }
    int code = fetch.response.getCode();
    if (code != 200) {
      fetch.close();
      throw new IOException("sitemap " + loc + " answered HTTP " + code
          + " (expected 200); check the URL in the sitemap index");
    }
    HttpEntity body = fetch.response.getEntity();
    long declared = body == null ? 0 : body.getContentLength();
    if (declared > maxBytes) {
      fetch.close();
      throw new IOException("sitemap " + loc + " is " + declared + " bytes, more than maxBytes "
          + maxBytes + "; raise HttpSitemapResolver.Builder.maxBytes if it is legitimate");
    }
    InputStream in = body == null ? InputStream.nullInputStream() : body.getContent();
    return new CappedStream(in, fetch, loc, maxBytes);
  }

  private static boolean isRedirect(int code) {
    return code == 300 || code == 301 || code == 302 || code == 303 || code == 307
        || code == 308;
  }

  /** {@code location} against {@code base}, or null when it is not a valid URL. */
  private static @Nullable URI resolve(URI base, String location) {
    try {
      URI next = base.resolve(new URI(location.trim()));
      return next.getHost() == null ? null : next;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  /** One GET in flight: aborted by the timer past the call timeout; close to release it. */
  private final class Fetch implements AutoCloseable {
    final ClassicHttpResponse response;
    final ScheduledFuture<?> timer;
    final AtomicBoolean timedOut;

    Fetch(ClassicHttpResponse response, ScheduledFuture<?> timer, AtomicBoolean timedOut) {
      this.response = response;
      this.timer = timer;
      this.timedOut = timedOut;
    }

    @Override
    public void close() {
      timer.cancel(false);
      // IMMEDIATE: a body read to its end has already given its connection back to the pool;
      // one left unread (a refusal, a cap) is dropped instead of drained.
      if (response instanceof ModalCloseable modal) {
        modal.close(CloseMode.IMMEDIATE);
      } else {
        try {
          response.close();
        } catch (IOException ignored) {
          // closing a response that failed: nothing left to release
        }
      }
    }
  }

  private Fetch fetch(URI url, String loc) throws IOException {
    HttpGet request = new HttpGet(url);
    request.setHeader("User-Agent", userAgent);
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> timer = timeouts.schedule(() -> {
      timedOut.set(true);
      request.cancel();
    }, callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      return new Fetch(client.executeOpen(null, request, null), timer, timedOut);
    } catch (IOException | RuntimeException e) {
      timer.cancel(false);
      if (timedOut.get()) {
        throw timeout(loc, callTimeout, e);
      }
      throw e;
    }
  }

  private static InterruptedIOException timeout(String loc, Duration callTimeout, Exception e) {
    InterruptedIOException timeout = new InterruptedIOException("sitemap " + loc
        + " timed out after callTimeout " + callTimeout);
    timeout.initCause(e);
    return timeout;
  }

  private void requireAllowed(@Nullable String scheme, @Nullable String host, String what)
      throws IOException {
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IOException("sitemap " + what + " refused: only http and https URLs are fetched");
    }
    if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
      throw new IOException("sitemap " + what + " refused: host " + host
          + " is not on the allowlist " + allowedHosts
          + "; add it with HttpSitemapResolver.Builder.allowHost if you trust it");
    }
  }

  /** The loc itself: a URL names its content. */
  @Override
  public String name(String loc) {
    return loc;
  }

  /** Releases pooled connections and threads. Idempotent; never throws. */
  @Override
  public void close() {
    timeouts.shutdownNow();
    client.close(CloseMode.GRACEFUL);
  }

  @Override
  public String toString() {
    return "HttpSitemapResolver{sitemap=" + sitemap + ", allowedHosts=" + allowedHosts
        + ", maxBytes=" + maxBytes + "}";
  }

  /** Counts bytes as they are read and fails past the cap; closing closes the response. */
  private final class CappedStream extends FilterInputStream {
    private final Fetch fetch;
    private final String loc;
    private final long cap;
    private long count;

    CappedStream(InputStream in, Fetch fetch, String loc, long cap) {
      super(in);
      this.fetch = fetch;
      this.loc = loc;
      this.cap = cap;
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = super.read();
      } catch (IOException | RuntimeException e) {
        throw failed(e);
      }
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        throw failed(e);
      }
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped;
      try {
        skipped = super.skip(n);
      } catch (IOException | RuntimeException e) {
        throw failed(e);
      }
      counted(skipped);
      return skipped;
    }

    /** A read failure, as a timeout when the call timeout aborted the fetch. */
    private IOException failed(Exception e) {
      if (fetch.timedOut.get()) {
        return timeout(loc, callTimeout, e);
      }
      if (e instanceof IOException io) {
        return io;
      }
      return new IOException("sitemap " + loc + " could not be read: " + e, e);
    }

    private void counted(long n) throws IOException {
      count += n;
      if (count > cap) {
        throw new IOException("sitemap " + loc + " is larger than maxBytes " + cap
            + " (counted after content decoding); raise HttpSitemapResolver.Builder.maxBytes"
            + " if it is legitimate");
      }
    }

    @Override
    public void close() throws IOException {
      fetch.close();
    }
  }

  /**
   * Builds an {@link HttpSitemapResolver}. Each setting may be given once; invalid values fail at
   * once with a message naming the setting. Not thread-safe.
   */
  public static final class Builder {
    private final URI sitemap;
    private final Set<String> extraHosts = new LinkedHashSet<>();
    private @Nullable Long maxBytes;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration readTimeout;
    private @Nullable Duration callTimeout;
    private @Nullable String userAgent;

    private Builder(URI sitemap) {
      Objects.requireNonNull(sitemap, "sitemap");
      String scheme = sitemap.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || sitemap.getHost() == null) {
        throw new IllegalArgumentException(
            "sitemap must be an absolute http(s) URL with a host but was " + sitemap);
      }
      this.sitemap = sitemap;
    }

    /**
     * Also allows fetches from {@code host} (e.g. the CDN host an index points to). May be called
     * for several hosts.
     *
     * @param host a host name or IP literal, matched ignoring case
     * @return this builder
     * @throws IllegalArgumentException if {@code host} is blank or contains {@code /}, {@code :}
     *     or whitespace (give a bare host, not a URL)
     */
    public Builder allowHost(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || host.chars().anyMatch(c -> c == '/' || c == ':'
          || Character.isWhitespace(c))) {
        throw new IllegalArgumentException(
            "allowHost must be a bare host name such as cdn.example.com but was '" + host + "'");
      }
      extraHosts.add(host.toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * The most body bytes read per sitemap, counted after content decoding. Default {@link
     * #DEFAULT_MAX_BYTES}.
     *
     * @param maxBytes at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxBytes < 1}
     * @throws IllegalStateException if already set
     */
    public Builder maxBytes(long maxBytes) {
      requireUnset(this.maxBytes, "maxBytes");
      if (maxBytes < 1) {
        throw new IllegalArgumentException("maxBytes must be > 0 but was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * The connect timeout. Default {@link #DEFAULT_CONNECT_TIMEOUT}.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder connectTimeout(Duration timeout) {
      requireUnset(connectTimeout, "connectTimeout");
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * The longest silence while reading. Default {@link #DEFAULT_READ_TIMEOUT}.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder readTimeout(Duration timeout) {
      requireUnset(readTimeout, "readTimeout");
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * The limit for one whole fetch, body included. Default {@link #DEFAULT_CALL_TIMEOUT}.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder callTimeout(Duration timeout) {
      requireUnset(callTimeout, "callTimeout");
      this.callTimeout = positive(timeout, "callTimeout");
      return this;
    }

    /**
     * The {@code User-Agent} of sitemap fetches. Default {@link #DEFAULT_USER_AGENT}.
     *
     * @param userAgent printable text without control characters
     * @return this builder
     * @throws IllegalArgumentException if it contains CR, LF or another control character
     * @throws IllegalStateException if already set
     */
    public Builder userAgent(String userAgent) {
      requireUnset(this.userAgent, "userAgent");
      dev.preheat.key.HeaderValidation.requireValid("the sitemap resolver's userAgent",
          "User-Agent", Objects.requireNonNull(userAgent, "userAgent"));
      this.userAgent = userAgent;
      return this;
    }

    /**
     * Builds the resolver.
     *
     * @return a new resolver, which owns threads and connections until {@link #close()}
     */
    public HttpSitemapResolver build() {
      return new HttpSitemapResolver(this);
    }
  }
}
