package dev.preheat.http.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * An origin for cache integration tests, on the JDK's HTTP server on a free loopback port.
 *
 * <ul>
 *   <li>every response carries a strong {@code ETag} and a fixed {@code Last-Modified};
 *       {@code If-None-Match} with the current ETag gets {@code 304};
 *   <li>{@code /private/...} is {@code Cache-Control: no-store}; everything else {@code
 *       max-age=300};
 *   <li>with {@code Accept-Encoding: gzip} the body is gzip ({@code Content-Encoding: gzip}),
 *       always with {@code Vary: Accept-Encoding}, and with a different ETag per encoding.
 * </ul>
 *
 * <p>It counts requests per path so tests can tell a cache hit (origin not asked) from a miss,
 * and it can be {@linkplain #delay(Duration) slowed down} so a warm run is still in flight when
 * a test acts on it. Requests are handled by a pool of {@value #HANDLER_THREADS} threads, so a
 * slow origin still answers concurrent requests concurrently.
 */
public final class TestOrigin implements AutoCloseable {

  /** The Last-Modified of every resource. */
  public static final String LAST_MODIFIED = "Tue, 15 Nov 1994 12:45:26 GMT";

  /** Threads answering requests. */
  static final int HANDLER_THREADS = 16;

  private final HttpServer server;
  private final ExecutorService handlers;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private volatile Duration delay = Duration.ZERO;

  private TestOrigin(HttpServer server, ExecutorService handlers) {
    this.server = server;
    this.handlers = handlers;
  }

  /** Starts the origin on a free loopback port. */
  public static TestOrigin start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      AtomicInteger threads = new AtomicInteger();
      ExecutorService handlers = Executors.newFixedThreadPool(HANDLER_THREADS, r -> {
        Thread t = new Thread(r, "test-origin-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(handlers);
      TestOrigin origin = new TestOrigin(server, handlers);
      server.createContext("/", origin::handle);
      server.start();
      return origin;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test origin", e);
    }
  }

  /** The body the origin serves for {@code path}, before any content coding. */
  public static String bodyOf(String path) {
    return ("content of " + path + "\n").repeat(200);
  }

  /** The ETag of {@code path} in an encoding ({@code gzip} or {@code identity}). */
  public static String etagOf(String path, String encoding) {
    return "\"" + Integer.toHexString(path.hashCode()) + "-" + encoding + "\"";
  }

  /** The port the origin listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** How many requests reached the origin for {@code path}. */
  public int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  /** How many requests reached the origin in total. */
  public int totalHits() {
    return total.get();
  }

  /** Every path requested so far with its request count; a snapshot. */
  public Map<String, Integer> hitsByPath() {
    Map<String, Integer> snapshot = new TreeMap<>();
    hits.forEach((path, n) -> snapshot.put(path, n.get()));
    return snapshot;
  }

  /**
   * Makes every later request wait {@code delay} before it is answered (a slow origin); {@link
   * Duration#ZERO} answers at once again.
   */
  public void delay(Duration delay) {
    this.delay = delay;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      total.incrementAndGet();
      Duration wait = delay;
      if (!wait.isZero()) {
        try {
          // The slowness is the point: the origin simulates a backend that takes this long.
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      String acceptEncoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
      boolean gzip = acceptEncoding != null && acceptEncoding.contains("gzip");
      String etag = etagOf(path, gzip ? "gzip" : "identity");
      var headers = exchange.getResponseHeaders();
      headers.set("ETag", etag);
      headers.set("Last-Modified", LAST_MODIFIED);
      headers.set("Vary", "Accept-Encoding");
      headers.set("Content-Type", "text/plain; charset=utf-8");
      headers.set("Cache-Control", path.startsWith("/private/") ? "no-store" : "max-age=300");
      if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
        exchange.sendResponseHeaders(304, -1);
        return;
      }
      byte[] body = bodyOf(path).getBytes(StandardCharsets.UTF_8);
      if (gzip) {
        headers.set("Content-Encoding", "gzip");
        body = gzip(body);
      }
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
