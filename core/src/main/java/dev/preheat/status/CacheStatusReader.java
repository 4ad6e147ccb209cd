package dev.preheat.status;

import dev.preheat.warm.WarmResponse;
import java.util.List;
import java.util.Objects;

/**
 * Reads the cache status from a response's headers. Implementations are stateless
 * and thread-safe; users add their own for in-house headers.
 *
 * <p>The static factories return one reader per dialect caches speak, and {@link #standard()}
 * combines them. Every reader built here also fills {@link CacheStatus#ageSeconds()} from the
 * {@code Age} header, whatever the dialect. A reader that finds its header but cannot make sense
 * of the value returns {@link CacheStatus.Kind#UNKNOWN} with the header name and raw value kept,
 * so the value still shows up in reports.
 */
@FunctionalInterface
public interface CacheStatusReader {

  /** Returns the cache status of {@code response}, {@link CacheStatus#unknown()} if none is found. */
  CacheStatus read(WarmResponse response);

  /**
   * The reader for responses from unknown caches: it tries the dialects in this precedence and
   * returns the first recognized verdict.
   *
   * <ol>
   *   <li>{@link #rfc9211()} {@code Cache-Status}: standardized and names each cache;
   *   <li>{@link #cloudflare()} {@code CF-Cache-Status};
   *   <li>{@link #vercel()} {@code x-vercel-cache};
   *   <li>{@link #nginx()} {@code X-Cache-Status};
   *   <li>{@link #xCache()} {@code X-Cache}: last among the headers because any proxy on the path
   *       may set it, in many formats;
   *   <li>{@link #age()}: an {@code Age} greater than zero means a stored copy was served.
   * </ol>
   *
   * <p>Vendor headers come before {@code X-Cache} because a vendor header names exactly one
   * cache whose vocabulary is known. When status headers are present but none is recognized,
   * the result is {@code UNKNOWN} carrying the first such header and its raw value (the
   * {@code Age} fallback still applies first). Thread-safe and stateless.
   *
   * @return the shared standard reader
   */
  static CacheStatusReader standard() {
    return Dialects.STANDARD;
  }

  /**
   * The RFC 9211 {@code Cache-Status} reader. The header is a structured-field list with one
   * member per cache; the <em>last</em> member is the cache closest to the client, and that is
   * the one reported, because it is the cache the warm request (and later real users) hit.
   * Mapping of the member's parameters: {@code hit} is {@code HIT} ({@code STALE} when
   * {@code ttl} is negative); {@code fwd=uri-miss|vary-miss|miss|partial} is {@code MISS};
   * {@code fwd=stale} is {@code EXPIRED}, or {@code REVALIDATED} with {@code fwd-status=304};
   * {@code fwd=bypass|method|request} is {@code BYPASS}; any other {@code fwd} is {@code MISS}
   * (it was forwarded); a member that claims both {@code hit} and {@code fwd} is read by its
   * {@code fwd}, since the request did reach upstream. A member with neither {@code hit} nor {@code fwd}, or a value that is
   * not a valid structured-field list, is {@code UNKNOWN}.
   *
   * @return the shared {@code Cache-Status} reader
   */
  static CacheStatusReader rfc9211() {
    return Dialects.RFC_9211;
  }

  /**
   * The {@code X-Cache} reader for Varnish, Fastly, Squid, CloudFront and Akamai values, e.g.
   * {@code HIT}, {@code MISS, HIT}, {@code Hit from cloudfront}, {@code RefreshHit from
   * cloudfront}, {@code TCP_MEM_HIT from a23-... (AkamaiGHost/...)}.
   *
   * <p>With several caches in a row (comma-separated members or repeated header lines, e.g.
   * Fastly shielding) the leftmost member is the shield nearest the origin and the
   * <em>rightmost</em> is the edge closest to the client; the rightmost is reported, because
   * that is the cache real users hit. The first word of that member decides: {@code HIT},
   * {@code TCP_HIT}, {@code TCP_MEM_HIT}, {@code TCP_IMS_HIT} are {@code HIT}; {@code MISS},
   * {@code TCP_MISS} are {@code MISS}; {@code RefreshHit}, {@code TCP_REFRESH_HIT} are
   * {@code REVALIDATED}; {@code TCP_REFRESH_MISS}, {@code EXPIRED} are {@code EXPIRED};
   * {@code HIT-STALE}, {@code TCP_REFRESH_FAIL_HIT}, {@code STALE} are {@code STALE};
   * {@code PASS}, {@code BYPASS} are {@code BYPASS}; matching ignores case.
   *
   * @return the shared {@code X-Cache} reader
   */
  static CacheStatusReader xCache() {
    return Dialects.X_CACHE;
  }

  /**
   * The nginx {@code X-Cache-Status} reader, for the conventional {@code add_header
   * X-Cache-Status $upstream_cache_status}: {@code HIT}, {@code MISS}, {@code EXPIRED},
   * {@code STALE}, {@code UPDATING}, {@code REVALIDATED}, {@code BYPASS} map to the kinds of
   * the same name.
   *
   * @return the shared nginx reader
   */
  static CacheStatusReader nginx() {
    return Dialects.NGINX;
  }

  /**
   * The Cloudflare {@code CF-Cache-Status} reader: {@code HIT}, {@code MISS}, {@code EXPIRED},
   * {@code STALE}, {@code BYPASS}, {@code REVALIDATED}, {@code UPDATING} and {@code DYNAMIC} map
   * to the kinds of the same name; {@code NONE} and {@code UNKNOWN} (a response Cloudflare
   * generated, not eligible for caching) map to {@code DYNAMIC}.
   *
   * @return the shared Cloudflare reader
   */
  static CacheStatusReader cloudflare() {
    return Dialects.CLOUDFLARE;
  }

  /**
   * The Vercel {@code x-vercel-cache} reader: {@code HIT}, {@code MISS}, {@code STALE} (served
   * stale while revalidating in the background) and {@code REVALIDATED} map to the kinds of the
   * same name; {@code PRERENDER} (a fallback served from static storage, not the page) is
   * {@code MISS}.
   *
   * @return the shared Vercel reader
   */
  static CacheStatusReader vercel() {
    return Dialects.VERCEL;
  }

  /**
   * The {@code Age} reader: {@code Age > 0} is {@code HIT} (a cache served a stored copy), with
   * header {@code Age}; an {@code Age} of 0, an absent or an invalid one is {@code UNKNOWN}
   * (a fresh fetch and a hit in the same second look alike). Values beyond 2147483648 are
   * clamped to it, as RFC 9111 asks.
   *
   * @return the shared {@code Age} reader
   */
  static CacheStatusReader age() {
    return Dialects.AGE;
  }

  /**
   * A reader that asks {@code readers} in order and returns the first result whose kind is not
   * {@code UNKNOWN}; when all are {@code UNKNOWN}, the first result that names a header (so its
   * raw value is kept), else {@link CacheStatus#unknown()} with the response's {@code Age}.
   * Thread-safe if the given readers are.
   *
   * @param readers the readers, in precedence order
   * @return the combined reader
   * @throws NullPointerException if {@code readers} or any element is null
   * @throws IllegalArgumentException if {@code readers} is empty
   */
  static CacheStatusReader firstOf(List<CacheStatusReader> readers) {
    List<CacheStatusReader> copy = List.copyOf(Objects.requireNonNull(readers, "readers"));
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("readers must not be empty");
    }
    return new FirstRecognizedReader(copy);
  }
}
