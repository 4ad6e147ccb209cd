package dev.preheat.status;

import dev.preheat.status.CacheStatus.Kind;
import dev.preheat.warm.WarmResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The built-in dialect readers and the helpers they share. */
final class Dialects {

  /** RFC 9111 §1.2.2: delta-seconds that do not fit are taken as this value. */
  static final long MAX_DELTA_SECONDS = 2_147_483_648L;

  static final CacheStatusReader RFC_9211 = new Rfc9211Reader();

  static final CacheStatusReader X_CACHE = new XCacheReader();

  static final CacheStatusReader NGINX =
      new KeywordReader(
          "X-Cache-Status",
          Map.of(
              "HIT", Kind.HIT,
              "MISS", Kind.MISS,
              "EXPIRED", Kind.EXPIRED,
              "STALE", Kind.STALE,
              "UPDATING", Kind.UPDATING,
              "REVALIDATED", Kind.REVALIDATED,
              "BYPASS", Kind.BYPASS));

  static final CacheStatusReader CLOUDFLARE =
      new KeywordReader(
          "CF-Cache-Status",
          Map.ofEntries(
              Map.entry("HIT", Kind.HIT),
              Map.entry("MISS", Kind.MISS),
              Map.entry("EXPIRED", Kind.EXPIRED),
              Map.entry("STALE", Kind.STALE),
              Map.entry("BYPASS", Kind.BYPASS),
              Map.entry("REVALIDATED", Kind.REVALIDATED),
              Map.entry("UPDATING", Kind.UPDATING),
              Map.entry("DYNAMIC", Kind.DYNAMIC),
              // Cloudflare documents "NONE/UNKNOWN" for responses it generated itself.
              Map.entry("NONE", Kind.DYNAMIC),
              Map.entry("UNKNOWN", Kind.DYNAMIC),
              Map.entry("NONE/UNKNOWN", Kind.DYNAMIC)));

  static final CacheStatusReader VERCEL =
      new KeywordReader(
          "x-vercel-cache",
          Map.of(
              "HIT", Kind.HIT,
              "MISS", Kind.MISS,
              "STALE", Kind.STALE,
              "REVALIDATED", Kind.REVALIDATED,
              "PRERENDER", Kind.MISS));

  static final CacheStatusReader AGE = Dialects::readAge;

  static final CacheStatusReader STANDARD =
      new FirstRecognizedReader(List.of(RFC_9211, CLOUDFLARE, VERCEL, NGINX, X_CACHE, AGE));

  private Dialects() {}

  /** All values of {@code name} joined as one comma-separated list, or null when absent. */
  static @Nullable String joined(WarmResponse response, String name) {
    List<String> values = response.headers(name);
    if (values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0) : String.join(", ", values);
  }

  /**
   * The response's {@code Age} in seconds: the first value when it is a non-negative integer
   * (clamped to {@link #MAX_DELTA_SECONDS}), else -1.
   */
  static long ageSeconds(WarmResponse response) {
    String value = response.header("Age");
    if (value == null) {
      return -1;
    }
    int comma = value.indexOf(',');
    String first = (comma < 0 ? value : value.substring(0, comma)).trim();
    if (first.isEmpty() || first.length() > 64) {
      return -1;
    }
    for (int i = 0; i < first.length(); i++) {
      char c = first.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    if (first.length() > 10) {
      return MAX_DELTA_SECONDS;
    }
    return Math.min(Long.parseLong(first), MAX_DELTA_SECONDS);
  }

  static String upper(String value) {
    return value.trim().toUpperCase(Locale.ROOT);
  }

  private static CacheStatus readAge(WarmResponse response) {
    long age = ageSeconds(response);
    if (age > 0) {
      return new CacheStatus(Kind.HIT, "Age", response.header("Age"), age);
    }
    return new CacheStatus(Kind.UNKNOWN, null, null, age);
  }
}
