package dev.preheat.http.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>It counts requests per path so tests can tell a cache hit (origin not asked) from a miss.
 */
public final class TestOrigin implements AutoCloseable {

  /** The Last-Modified of every resource. */
  public static final String LAST_MODIFIED = "Tue, 15 Nov 1994 12:45:26 GMT";

  private final HttpServer server;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  private TestOrigin(HttpServer server) {
    this.server = server;
  }

  /** Starts the origin on a free loopback port. */
  public static TestOrigin start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      TestOrigin origin = new TestOrigin(server);
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

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
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
  }
}
