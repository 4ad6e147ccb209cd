package dev.preheat.cli.demo;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * The demo's origin server: serves every path it was given with a body of the given size, on a
 * free loopback port. Responses carry an {@code ETag} and {@code Last-Modified} and answer
 * conditional requests with 304; text is gzip-compressed when the client accepts it (with {@code
 * Vary: Accept-Encoding}); feeds ({@code ?flav=}) are {@code Cache-Control: no-store}, everything
 * else {@code public, max-age=3600}. Unknown paths are 404.
 *
 * <p>Thread-safe; {@link #close()} stops it.
 */
public final class DemoOrigin implements AutoCloseable {

  /** The {@code max-age} of cacheable responses, in seconds. */
  public static final int MAX_AGE_SECONDS = 3600;

  /** The largest body served; bigger sizes from the log are capped to keep the demo quick. */
  public static final int MAX_BODY_BYTES = 512 * 1024;

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final Map<String, Long> sizes;
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  private final Map<String, byte[]> gzipped = new ConcurrentHashMap<>();
  private final String lastModified;
  private final Instant lastModifiedInstant;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong full = new AtomicLong();
  private final AtomicLong notModified = new AtomicLong();

  private DemoOrigin(Map<String, Long> sizes, Instant lastModified) throws IOException {
    this.sizes = Map.copyOf(sizes);
    this.lastModifiedInstant = lastModified.truncatedTo(ChronoUnit.SECONDS);
    this.lastModified = HTTP_DATE.format(lastModifiedInstant);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "preheat-demo-origin");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Starts an origin serving {@code sizes} (origin-form target, e.g. {@code /a?b=1}, to body
   * bytes).
   *
   * @param lastModified the {@code Last-Modified} of every resource
   * @throws UncheckedIOException if no loopback port can be bound
   */
  public static DemoOrigin start(Map<String, Long> sizes, Instant lastModified) {
    try {
      DemoOrigin origin = new DemoOrigin(sizes, lastModified);
      origin.server.start();
      return origin;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the demo origin: " + e.getMessage(), e);
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  public URI baseUrl() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
  }

  /** The number of paths served. */
  public int paths() {
    return sizes.size();
  }

  /** Full (200) responses sent so far. */
  public long fullResponses() {
    return full.get();
  }

  /** 304 responses sent so far. */
  public long notModifiedResponses() {
    return notModified.get();
  }

  /** Whether the origin marks {@code target} {@code no-store}: feeds are generated per request. */
  public static boolean noStore(String target) {
    return target.contains("flav=");
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String target = ex.getRequestURI().getRawPath()
          + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
      Long size = sizes.get(target);
      String method = ex.getRequestMethod();
      Headers h = ex.getResponseHeaders();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        h.set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      if (size == null) {
        h.set("Cache-Control", "max-age=60");
        ex.sendResponseHeaders(404, -1);
        return;
      }
      String etag = "\"" + Integer.toHexString(target.hashCode()) + "-" + size + "\"";
      boolean text = isText(target);
      h.set("Content-Type", contentType(target));
      h.set("ETag", etag);
      h.set("Last-Modified", lastModified);
      h.set("Cache-Control", noStore(target) ? "no-store" : "public, max-age=" + MAX_AGE_SECONDS);
      if (text) {
        h.set("Vary", "Accept-Encoding");
      }
      if (notModified(ex.getRequestHeaders(), etag)) {
        notModified.incrementAndGet();
        ex.sendResponseHeaders(304, -1);
        return;
      }
      byte[] body = bodies.computeIfAbsent(target, t -> body(t, size, text));
      String accept = ex.getRequestHeaders().getFirst("Accept-Encoding");
      if (text && accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip")) {
        body = gzipped.computeIfAbsent(target, t -> gzip(bodies.get(t)));
        h.set("Content-Encoding", "gzip");
      }
      full.incrementAndGet();
      if (method.equals("HEAD")) {
        h.set("Content-Length", Integer.toString(body.length));
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private boolean notModified(Headers request, String etag) {
    String inm = request.getFirst("If-None-Match");
    if (inm != null) {
      for (String tag : inm.split(",")) {
        String t = tag.trim();
        if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
          return true;
        }
      }
      return false;
    }
    String ims = request.getFirst("If-Modified-Since");
    if (ims != null) {
      try {
        return !lastModifiedInstant.isAfter(HTTP_DATE.parse(ims, Instant::from));
      } catch (java.time.format.DateTimeParseException e) {
        return false;
      }
    }
    return false;
  }

  static boolean isText(String target) {
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    return path.endsWith("/") || path.endsWith(".html") || path.endsWith(".xhtml")
        || path.endsWith(".css") || path.endsWith(".js") || path.endsWith(".txt")
        || path.endsWith(".xml") || path.endsWith(".log") || target.contains("?");
  }

  private static String contentType(String target) {
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    if (target.contains("flav=")) {
      return "application/xml";
    }
    String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    return switch (ext) {
      case "css" -> "text/css";
      case "js" -> "text/javascript";
      case "png" -> "image/png";
      case "jpg", "jpeg" -> "image/jpeg";
      case "gif" -> "image/gif";
      case "ico" -> "image/x-icon";
      case "txt", "log" -> "text/plain; charset=utf-8";
      case "pdf" -> "application/pdf";
      default -> "text/html; charset=utf-8";
    };
  }

  /** A deterministic body: readable text for text types, incompressible bytes for the rest. */
  private static byte[] body(String target, long size, boolean text) {
    int n = (int) Math.min(size, MAX_BODY_BYTES);
    byte[] b = new byte[n];
    if (text) {
      byte[] line = ("<p>Preheat demo origin: " + target + "</p>\n").getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < n; i++) {
        b[i] = line[i % line.length];
      }
    } else {
      new Random(target.hashCode()).nextBytes(b);
    }
    return b;
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory gzip does not fail", e);
    }
    return out.toByteArray();
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "DemoOrigin[" + baseUrl() + ", " + sizes.size() + " paths]";
  }
}
