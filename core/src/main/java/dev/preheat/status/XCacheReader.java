package dev.preheat.status;

import dev.preheat.status.CacheStatus.Kind;
import dev.preheat.warm.WarmResponse;
import java.util.Map;

/** Reads {@code X-Cache}; see {@link CacheStatusReader#xCache()} for the mapping. */
final class XCacheReader implements CacheStatusReader {

  static final String HEADER = "X-Cache";

  private static final Map<String, Kind> FIRST_WORD =
      Map.ofEntries(
          Map.entry("HIT", Kind.HIT),
          Map.entry("MISS", Kind.MISS),
          Map.entry("PASS", Kind.BYPASS),
          Map.entry("BYPASS", Kind.BYPASS),
          Map.entry("EXPIRED", Kind.EXPIRED),
          Map.entry("STALE", Kind.STALE),
          Map.entry("UPDATING", Kind.UPDATING),
          Map.entry("REVALIDATED", Kind.REVALIDATED),
          Map.entry("HIT-STALE", Kind.STALE),
          // CloudFront: "RefreshHit from cloudfront" = expired in cache, revalidated at origin.
          Map.entry("REFRESHHIT", Kind.REVALIDATED),
          // Akamai: TCP_* result codes.
          Map.entry("TCP_HIT", Kind.HIT),
          Map.entry("TCP_MEM_HIT", Kind.HIT),
          Map.entry("TCP_IMS_HIT", Kind.HIT),
          Map.entry("TCP_NEGATIVE_HIT", Kind.HIT),
          Map.entry("TCP_MISS", Kind.MISS),
          Map.entry("TCP_REFRESH_HIT", Kind.REVALIDATED),
          Map.entry("TCP_REFRESH_MISS", Kind.EXPIRED),
          Map.entry("TCP_REFRESH_FAIL_HIT", Kind.STALE));

  @Override
  public CacheStatus read(WarmResponse response) {
    long age = Dialects.ageSeconds(response);
    String raw = Dialects.joined(response, HEADER);
    if (raw == null) {
      return new CacheStatus(Kind.UNKNOWN, null, null, age);
    }
    // Rightmost member = the cache closest to the client (see CacheStatusReader#xCache).
    String edge = raw.substring(raw.lastIndexOf(',') + 1).trim();
    int space = indexOfWhitespace(edge);
    String word = space < 0 ? edge : edge.substring(0, space);
    Kind kind = FIRST_WORD.getOrDefault(Dialects.upper(word), Kind.UNKNOWN);
    return new CacheStatus(kind, HEADER, raw, age);
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return "CacheStatusReader[" + HEADER + "]";
  }
}
