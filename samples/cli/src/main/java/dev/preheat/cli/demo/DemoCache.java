package dev.preheat.cli.demo;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.preheat.key.HeaderNormalizer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The demo's caching proxy, in front of a {@link DemoOrigin}: a small shared HTTP cache on a free
 * loopback port, enough to show what warming does.
 *
 * <ul>
 *   <li>GET and HEAD responses are stored under the URL plus the normalized values of the headers
 *       the response {@code Vary}s on ({@code Accept-Encoding} is normalized to the coding the
 *       origin would choose, {@code gzip} or {@code identity}); others are forwarded uncached.
 *   <li>{@code no-store}, {@code private} and {@code Set-Cookie} responses are never stored.
 *   <li>Fresh copies ({@code max-age}, read on the injected clock) are served with {@code Age}
 *       and answer conditional requests themselves. Stale copies are revalidated with the
 *       origin using their validators.
 *   <li>Every response carries an RFC 9211 {@code Cache-Status}: {@code preheat-demo; hit},
 *       {@code preheat-demo; fwd=uri-miss; stored}, {@code fwd=vary-miss}, {@code fwd=stale;
 *       fwd-status=304; stored}.
 * </ul>
 *
 * <p>Thread-safe; {@link #close()} stops it.
 */
public final class DemoCache implements AutoCloseable {

  /** The cache name in {@code Cache-Status}. */
  public static final String NAME = "preheat-demo";

  private static final List<String> FORWARDED = List.of("Accept", "Accept-Encoding",
      "Accept-Language", "User-Agent", "X-Preheat");
  private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive",
      "transfer-encoding", "content-length", "date", "upgrade");

  private final URI origin;
  private final Clock clock;
  private final HeaderNormalizer normalizer =
      HeaderNormalizer.builder().supportedEncodings("gzip", "identity").build();
  private final HttpClient client;
  private final HttpServer server;
  private final ExecutorService executor;
  /** URL -> the Vary header names of its last stored response. */
  private final Map<String, List<String>> varyByUrl = new ConcurrentHashMap<>();
  private final Map<String, Stored> store = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong revalidations = new AtomicLong();

  /** One stored response. */
  private record Stored(int status, Map<String, List<String>> headers, byte[] body,
      Instant storedAt, long maxAgeSeconds) {

    @Nullable String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    Stored refreshed(Instant now) {
      return new Stored(status, headers, body, now, maxAgeSeconds);
    }
  }

  private DemoCache(URI origin, Clock clock) throws IOException {
    this.origin = origin;
    this.clock = clock;
    this.executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "preheat-demo-cache");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5)).build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Starts a cache in front of {@code origin}.
   *
   * @param clock the clock freshness is judged on
   * @throws UncheckedIOException if no loopback port can be bound
   */
  public static DemoCache start(URI origin, Clock clock) {
    try {
      DemoCache cache = new DemoCache(origin, clock);
      cache.server.start();
      return cache;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the demo cache: " + e.getMessage(), e);
    }
  }

  /** The address to connect to. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Responses served from a stored copy. */
  public long hits() {
    return hits.get();
  }

  /** Requests forwarded to the origin because nothing usable was stored. */
  public long misses() {
    return misses.get();
  }

  /** Stale copies revalidated with the origin. */
  public long revalidations() {
    return revalidations.get();
  }

  /** The number of stored responses. */
  public int size() {
    return store.size();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String target = ex.getRequestURI().getRawPath()
          + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
      String method = ex.getRequestMethod();
      Headers req = ex.getRequestHeaders();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Cache-Status", NAME + "; fwd=method");
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      List<String> vary = varyByUrl.get(target);
      String key = vary == null ? null : key(target, vary, req);
      Stored stored = key == null ? null : store.get(key);
      Instant now = clock.instant();
      if (stored != null && age(stored, now) < stored.maxAgeSeconds()) {
        hits.incrementAndGet();
        answer(ex, stored, req, now, NAME + "; hit");
        return;
      }
      if (stored != null) {
        HttpResponse<byte[]> r = forward(target, req, stored);
        if (r.statusCode() == 304) {
          revalidations.incrementAndGet();
          Stored fresh = stored.refreshed(now);
          store.put(key, fresh);
          answer(ex, fresh, req, now, NAME + "; fwd=stale; fwd-status=304; stored");
          return;
        }
        misses.incrementAndGet();
        respond(ex, target, req, r, now, NAME + "; fwd=stale; fwd-status=" + r.statusCode());
        return;
      }
      misses.incrementAndGet();
      HttpResponse<byte[]> r = forward(target, req, null);
      respond(ex, target, req, r, now, NAME + "; fwd=" + (vary == null ? "uri-miss" : "vary-miss"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(502, -1);
    }
  }

  /** Stores {@code r} when allowed and answers the client from it (or passes it through). */
  private void respond(HttpExchange ex, String target, Headers req, HttpResponse<byte[]> r,
      Instant now, String status) throws IOException {
    long maxAge = storable(r);
    if (maxAge > 0 && (r.statusCode() == 200 || r.statusCode() == 404)) {
      List<String> vary = new ArrayList<>();
      for (String v : r.headers().allValues("Vary")) {
        for (String name : v.split(",")) {
          if (!name.isBlank()) {
            vary.add(name.trim().toLowerCase(Locale.ROOT));
          }
        }
      }
      varyByUrl.put(target, List.copyOf(vary));
      Stored s = new Stored(r.statusCode(), r.headers().map(), r.body(), now, maxAge);
      store.put(key(target, vary, req), s);
      answer(ex, s, req, now, status + "; stored");
      return;
    }
    copyHeaders(r.headers().map(), ex.getResponseHeaders());
    ex.getResponseHeaders().set("Cache-Status", status);
    send(ex, r.statusCode(), r.body());
  }

  /** Answers from a stored copy: 304 when the client's validators match, else the body. */
  private void answer(HttpExchange ex, Stored s, Headers req, Instant now, String status)
      throws IOException {
    copyHeaders(s.headers(), ex.getResponseHeaders());
    ex.getResponseHeaders().set("Age", Long.toString(age(s, now)));
    ex.getResponseHeaders().set("Cache-Status", status);
    String etag = s.header("ETag");
    String inm = req.getFirst("If-None-Match");
    String ims = req.getFirst("If-Modified-Since");
    boolean match = inm != null ? etag != null && (inm.contains(etag) || inm.trim().equals("*"))
        : ims != null && ims.equals(s.header("Last-Modified"));
    if (match && s.status() == 200) {
      ex.getResponseHeaders().remove("Content-Encoding");
      ex.sendResponseHeaders(304, -1);
      return;
    }
    send(ex, s.status(), s.body());
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    if (ex.getRequestMethod().equals("HEAD") || status == 304 || body.length == 0) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static void copyHeaders(Map<String, List<String>> from, Headers to) {
    from.forEach((name, values) -> {
      if (!name.startsWith(":") && !HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        to.put(name, new ArrayList<>(values));
      }
    });
  }

  private HttpResponse<byte[]> forward(String target, Headers req, @Nullable Stored revalidate)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(origin.resolve(target))
        .timeout(Duration.ofSeconds(30)).GET();
    for (String name : FORWARDED) {
      String v = req.getFirst(name);
      if (v != null) {
        b.header(name, v);
      }
    }
    // A cache revalidates with its own copy's validators; a miss fetches in full so it can store.
    if (revalidate != null) {
      String etag = revalidate.header("ETag");
      String lastModified = revalidate.header("Last-Modified");
      if (etag != null) {
        b.header("If-None-Match", etag);
      } else if (lastModified != null) {
        b.header("If-Modified-Since", lastModified);
      }
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The max-age a shared cache may use for {@code r}, or 0 when it must not store it. */
  private static long storable(HttpResponse<?> r) {
    if (r.headers().firstValue("Set-Cookie").isPresent()) {
      return 0;
    }
    long maxAge = 0;
    for (String cc : r.headers().allValues("Cache-Control")) {
      for (String directive : cc.split(",")) {
        String d = directive.trim().toLowerCase(Locale.ROOT);
        if (d.equals("no-store") || d.equals("private") || d.startsWith("private=")
            || d.equals("no-cache")) {
          return 0;
        }
        if (d.startsWith("max-age=") || d.startsWith("s-maxage=")) {
          try {
            maxAge = Math.max(maxAge, Long.parseLong(d.substring(d.indexOf('=') + 1).trim()));
          } catch (NumberFormatException e) {
            return 0;
          }
        }
      }
    }
    return maxAge;
  }

  private String key(String target, List<String> vary, Headers req) {
    StringBuilder k = new StringBuilder(target);
    for (String name : vary) {
      String v = req.getFirst(name);
      String normalized = name.equals("accept-encoding")
          ? normalizer.negotiateEncoding(v).orElse("none")
          : v == null ? "" : v.trim().toLowerCase(Locale.ROOT);
      k.append('|').append(name).append('=').append(normalized);
    }
    return k.toString();
  }

  private static long age(Stored s, Instant now) {
    return Math.max(0, Duration.between(s.storedAt(), now).toSeconds());
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "DemoCache[" + address() + " -> " + origin + ", " + store.size() + " stored]";
  }
}
