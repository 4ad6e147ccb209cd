package dev.preheat.status;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A cache's verdict on one response, normalized across dialects, with the raw header kept for
 * reports.
 *
 * @param kind the normalized status
 * @param header the header it was read from (e.g. {@code Cache-Status}, {@code X-Cache}), or null
 *     when no cache status header was present
 * @param raw the raw header value, or null
 * @param ageSeconds the {@code Age} header in seconds, or -1 when absent
 */
public record CacheStatus(Kind kind, @Nullable String header, @Nullable String raw, long ageSeconds) {

  /** Normalized cache status. */
  public enum Kind {
    /** Served from cache. */
    HIT,
    /** Not in cache; fetched from upstream (and possibly stored). */
    MISS,
    /** In cache but expired; fetched again. */
    EXPIRED,
    /** A stale copy was served. */
    STALE,
    /** A stored copy was revalidated upstream. */
    REVALIDATED,
    /** Being refreshed in the background; a stored copy was served. */
    UPDATING,
    /** The cache was bypassed for this request. */
    BYPASS,
    /** The response is not eligible for caching (e.g. Cloudflare {@code DYNAMIC}). */
    DYNAMIC,
    /** No recognizable cache status. */
    UNKNOWN
  }

  /** Validates the components. */
  public CacheStatus {
    Objects.requireNonNull(kind, "kind");
  }

  /** The status of a response that carried no cache status information. */
  public static CacheStatus unknown() {
    return new CacheStatus(Kind.UNKNOWN, null, null, -1);
  }

  /** Whether the response was served from a stored copy ({@code HIT}, {@code STALE}, {@code UPDATING}). */
  public boolean servedFromCache() {
    return kind == Kind.HIT || kind == Kind.STALE || kind == Kind.UPDATING;
  }
}
