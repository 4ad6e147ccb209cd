package dev.preheat.spring.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.preheat.internal.json.Json;
import dev.preheat.spring.ContentChange;
import dev.preheat.spring.ContentChangeListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /preheat/webhook}: verifies an HMAC-SHA256 signature over {@code timestamp + "." +
 * body} (header {@value #SIGNATURE}: {@code sha256=<hex>}, header {@value #TIMESTAMP}: Unix
 * seconds), compares it in constant time, refuses timestamps outside the tolerance and
 * signatures already seen within it (replays), caps the body size and the rate, then hands the
 * body's {@code tags} and {@code urls} to the {@link ContentChangeListener} and answers 202.
 * Answers: 202 accepted; 400 bad body; 401 missing/wrong signature or stale timestamp; 405 not
 * POST; 409 replayed; 413 too large; 429 rate limited. Refusals say why in one line of text.
 */
public final class WebhookFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(WebhookFilter.class);

  /** The signature header. */
  public static final String SIGNATURE = "X-Preheat-Signature";
  /** The timestamp header. */
  public static final String TIMESTAMP = "X-Preheat-Timestamp";
  /** The most tags plus URLs one webhook may name. */
  static final int MAX_ITEMS = 1000;

  /** Preheat's shared mapper, with its read limits for untrusted input. */
  private static final JsonMapper JSON = Json.MAPPER;

  private final String path;
  private final transient SecretKeySpec key;
  private final Duration tolerance;
  private final long maxBody;
  private final transient Clock clock;
  private final transient Admission rate;
  private final transient Cache<String, Boolean> seen;
  private final transient ContentChangeListener listener;

  /**
   * A filter.
   *
   * @param path the webhook's path
   * @param secret the shared secret
   * @param tolerance the replay window
   * @param maxBody the largest body in bytes
   * @param perMinute accepted webhooks per minute
   * @param clock the clock for timestamps and the rate limit
   * @param listener where verified changes go
   */
  public WebhookFilter(String path, String secret, Duration tolerance, long maxBody,
      int perMinute, Clock clock, ContentChangeListener listener) {
    this(path, secret, tolerance, maxBody, new RateLimit(perMinute, clock), clock, listener);
  }

  /** As above, with the rate limit {@code rate} (e.g. shared through Redis). */
  public WebhookFilter(String path, String secret, Duration tolerance, long maxBody,
      Admission rate, Clock clock, ContentChangeListener listener) {
    this.path = path;
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.tolerance = tolerance;
    this.maxBody = maxBody;
    this.clock = clock;
    this.rate = rate;
    // remembered for twice the window: a timestamp may be up to tolerance in the future
    this.seen = Caffeine.newBuilder().expireAfterWrite(tolerance.multipliedBy(2))
        .maximumSize(100_000).ticker(() -> clock.millis() * 1_000_000L).build();
    this.listener = listener;
  }

  /** The HMAC-SHA256 signature header value for {@code timestamp} and {@code body}. */
  public static String sign(String secret, long timestamp, byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(hmac(
        new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"), timestamp, body));
  }

  private static byte[] hmac(SecretKeySpec key, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String uri = req.getRequestURI().substring(req.getContextPath().length());
    if (!uri.equals(path)) {
      chain.doFilter(req, res);
      return;
    }
    if (!"POST".equals(req.getMethod())) {
      res.setHeader("Allow", "POST");
      refuse(res, 405, "only POST is accepted");
      return;
    }
    long declared = req.getContentLengthLong();
    if (declared > maxBody) {
      refuse(res, 413, "body larger than " + maxBody + " bytes");
      return;
    }
    byte[] body = readAtMost(req.getInputStream(), maxBody);
    if (body == null) {
      refuse(res, 413, "body larger than " + maxBody + " bytes");
      return;
    }
    String ts = req.getHeader(TIMESTAMP);
    String sig = req.getHeader(SIGNATURE);
    if (ts == null || sig == null) {
      refuse(res, 401, "missing " + TIMESTAMP + " or " + SIGNATURE + " header");
      return;
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(ts.trim());
    } catch (NumberFormatException e) {
      refuse(res, 401, TIMESTAMP + " must be Unix seconds");
      return;
    }
    byte[] expected = ("sha256=" + HexFormat.of().formatHex(hmac(key, timestamp, body)))
        .getBytes(StandardCharsets.US_ASCII);
    // constant-time: MessageDigest.isEqual does not stop at the first differing byte
    if (!MessageDigest.isEqual(expected, sig.trim().toLowerCase(Locale.ROOT)
        .getBytes(StandardCharsets.US_ASCII))) {
      refuse(res, 401, "signature does not match");
      return;
    }
    long now = clock.millis() / 1000;
    if (Math.abs(now - timestamp) > tolerance.toSeconds()) {
      refuse(res, 401, "timestamp outside the " + tolerance.toSeconds() + " s window "
          + "(expired or clock skew)");
      return;
    }
    if (seen.asMap().putIfAbsent(new String(expected, StandardCharsets.US_ASCII), Boolean.TRUE)
        != null) {
      refuse(res, 409, "replayed: this signature was already accepted");
      return;
    }
    if (!rate.tryAcquire()) {
      res.setHeader("Retry-After", "60");
      refuse(res, 429, "too many webhooks; retry later");
      return;
    }
    ContentChange change;
    try {
      change = parse(body);
    } catch (IllegalArgumentException | JacksonException e) {
      refuse(res, 400, "body must be JSON {\"tags\": [...], \"urls\": [...]}: " + e.getMessage());
      return;
    }
    listener.changed(change);
    log.info("Preheat webhook accepted: {} tag(s), {} URL(s)", change.tags().size(),
        change.urls().size());
    res.setStatus(202);
    res.setContentType("application/json");
    res.getWriter().write("{\"accepted\":true,\"tags\":" + change.tags().size() + ",\"urls\":"
        + change.urls().size() + "}");
  }

  static ContentChange parse(byte[] body) {
    if (body.length == 0) {
      return new ContentChange(List.of(), List.of());
    }
    JsonNode root = JSON.readTree(body);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    List<String> tags = strings(root, "tags");
    List<String> urls = strings(root, "urls");
    if (tags.size() + urls.size() > MAX_ITEMS) {
      throw new IllegalArgumentException("more than " + MAX_ITEMS + " tags and URLs");
    }
    return new ContentChange(tags, urls);
  }

  private static List<String> strings(JsonNode root, String field) {
    JsonNode node = root.get(field);
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("'" + field + "' must be an array of strings");
    }
    for (JsonNode n : node) {
      if (!n.isString()) {
        throw new IllegalArgumentException("'" + field + "' must be an array of strings");
      }
      out.add(n.asString());
    }
    return out;
  }

  /** The body, or null when it is longer than {@code max}. */
  private static byte[] readAtMost(InputStream in, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) != -1) {
      total += n;
      if (total > max) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static void refuse(HttpServletResponse res, int status, String why) throws IOException {
    res.setStatus(status);
    res.setContentType("text/plain;charset=UTF-8");
    res.getWriter().write(why + "\n");
  }

  /** The webhook's rate limit: whether one more webhook may be accepted now. */
  public interface Admission {
    /** Takes a permit if one is available now. */
    boolean tryAcquire();
  }

  @Override
  public void destroy() {
    if (rate instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        log.debug("Preheat webhook: closing the rate limit failed", e);
      }
    }
  }

  /** A per-minute token bucket on the injected clock, in this instance. */
  public static final class RateLimit implements Admission {
    private final int perMinute;
    private final Clock clock;
    private double tokens;
    private long last;

    /** {@code perMinute} permits per minute (and at most that many stored). */
    public RateLimit(int perMinute, Clock clock) {
      this.perMinute = perMinute;
      this.clock = clock;
      this.tokens = perMinute;
      this.last = clock.millis();
    }

    @Override
    public synchronized boolean tryAcquire() {
      long now = clock.millis();
      tokens = Math.min(perMinute, tokens + (now - last) * perMinute / 60_000.0);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
