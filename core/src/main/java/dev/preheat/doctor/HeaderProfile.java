package dev.preheat.doctor;

import dev.preheat.key.HeaderValidation;
import dev.preheat.warm.Warmer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A named set of request headers the doctor sends: the warmer's (one per warm variant) or a real
 * browser's. The browser sets are what current browsers send on a top-level navigation (late 2025
 * releases: Chrome 142, Safari 18, Firefox 145, Chrome on Android), minus per-request noise
 * ({@code Sec-Fetch-*}, {@code Upgrade-Insecure-Requests}), which caches do not key on.
 *
 * @param name a short name for reports, e.g. {@code chrome}
 * @param warmer whether this is the warmer's own request ({@code true}) or a real user's
 * @param headers the request headers, in sending order, unmodifiable
 */
public record HeaderProfile(String name, boolean warmer, Map<String, String> headers) {

  /** Chrome's (and Edge's, and Firefox's) {@code Accept-Encoding}. */
  public static final String CHROME_ACCEPT_ENCODING = "gzip, deflate, br, zstd";

  /** Safari's {@code Accept-Encoding} (desktop and iOS). */
  public static final String SAFARI_ACCEPT_ENCODING = "gzip, deflate, br";

  private static final String CHROME_ACCEPT = "text/html,application/xhtml+xml,application/xml;"
      + "q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

  private static final HeaderProfile CHROME = new HeaderProfile("chrome", false, ordered(
      "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
          + " Gecko) Chrome/142.0.0.0 Safari/537.36",
      "Accept", CHROME_ACCEPT,
      "Accept-Encoding", CHROME_ACCEPT_ENCODING,
      "Accept-Language", "en-US,en;q=0.9",
      "sec-ch-ua", "\"Chromium\";v=\"142\", \"Google Chrome\";v=\"142\", \"Not_A Brand\";v=\"99\"",
      "sec-ch-ua-mobile", "?0",
      "sec-ch-ua-platform", "\"Windows\""));

  private static final HeaderProfile SAFARI = new HeaderProfile("safari", false, ordered(
      "User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML,"
          + " like Gecko) Version/18.6 Safari/605.1.15",
      "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "Accept-Encoding", SAFARI_ACCEPT_ENCODING,
      "Accept-Language", "en-US,en;q=0.9"));

  private static final HeaderProfile FIREFOX = new HeaderProfile("firefox", false, ordered(
      "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101"
          + " Firefox/145.0",
      "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "Accept-Encoding", CHROME_ACCEPT_ENCODING,
      "Accept-Language", "en-US,en;q=0.5"));

  private static final HeaderProfile MOBILE = new HeaderProfile("mobile-chrome", false, ordered(
      "User-Agent", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/142.0.0.0 Mobile Safari/537.36",
      "Accept", CHROME_ACCEPT,
      "Accept-Encoding", CHROME_ACCEPT_ENCODING,
      "Accept-Language", "en-US,en;q=0.9",
      "sec-ch-ua", "\"Chromium\";v=\"142\", \"Google Chrome\";v=\"142\", \"Not_A Brand\";v=\"99\"",
      "sec-ch-ua-mobile", "?1",
      "sec-ch-ua-platform", "\"Android\""));

  /**
   * A returning visitor: Chrome's headers plus the analytics cookies almost every returning
   * visitor carries (never a session). Caches that bypass on any {@code Cookie} (Varnish's
   * built-in VCL) or key on it serve these users from the origin.
   */
  private static final HeaderProfile RETURNING = new HeaderProfile("chrome-returning", false,
      with(CHROME.headers(), "Cookie",
          "_ga=GA1.1.1234567890.1763900000; _ga_X1Y2Z3=GS2.1.s1763900000$o3$g0$t1763900000"));

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the name is blank, or a header name or value is invalid
   */
  public HeaderProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(headers, "headers");
    if (name.isBlank()) {
      throw new IllegalArgumentException("profile name must not be blank");
    }
    headers.forEach((n, v) -> HeaderValidation.requireValid("profile " + name, n, v));
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /**
   * The warmer's request for one variant: the variant's headers plus Preheat's {@code User-Agent}
   * ({@link Warmer#DEFAULT_USER_AGENT}) and marker ({@code X-Preheat: 1}), exactly what {@code
   * preheat warm} sends.
   *
   * @param name the variant's name
   * @param variantHeaders the variant's headers, e.g. {@code Accept-Encoding: br}
   * @return the profile
   */
  public static HeaderProfile warmer(String name, Map<String, String> variantHeaders) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("User-Agent", Warmer.DEFAULT_USER_AGENT);
    h.put(Warmer.DEFAULT_WARM_HEADER, Warmer.DEFAULT_WARM_HEADER_VALUE);
    h.putAll(variantHeaders);
    return new HeaderProfile(name, true, h);
  }

  /** Desktop Chrome 142 on Windows (Edge sends the same cache-relevant headers). */
  public static HeaderProfile chrome() {
    return CHROME;
  }

  /** Safari 18 on macOS (iOS Safari sends the same {@code Accept-Encoding}). */
  public static HeaderProfile safari() {
    return SAFARI;
  }

  /** Firefox 145 on Windows. */
  public static HeaderProfile firefox() {
    return FIREFOX;
  }

  /** Chrome 142 on Android: a mobile User-Agent and {@code sec-ch-ua-mobile: ?1}. */
  public static HeaderProfile mobileChrome() {
    return MOBILE;
  }

  /** Chrome with the analytics cookies of a returning visitor ({@code _ga}); no session. */
  public static HeaderProfile returningVisitor() {
    return RETURNING;
  }

  /** Every built-in browser profile, in the order the doctor fetches them. */
  public static List<HeaderProfile> browsers() {
    return List.of(CHROME, SAFARI, FIREFOX, MOBILE, RETURNING);
  }

  /** The value of header {@code name} (case-insensitive), or null. */
  public @Nullable String header(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static Map<String, String> ordered(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static Map<String, String> with(Map<String, String> base, String name, String value) {
    Map<String, String> m = new LinkedHashMap<>(base);
    m.put(name, value);
    return m;
  }

  @Override
  public String toString() {
    return name + (warmer ? " (warmer)" : "") + " " + headers;
  }
}
