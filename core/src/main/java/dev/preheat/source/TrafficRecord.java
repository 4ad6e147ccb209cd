package dev.preheat.source;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One observed request, reduced to what hotset selection needs.
 *
 * <p>A record deliberately carries no client address, no cookies and no user agent: those are used
 * (if at all) by filters while a source is read, then dropped. {@code url} is already canonical
 * (see {@link dev.preheat.key.UrlCanonicalizer}); for log sources it is usually in origin form
 * ({@code /path?query}).
 *
 * <p>{@code count} is the number of requests this record stands for: {@code 1} for a log line, the
 * aggregated count for a counts CSV row. {@code bytes} is the total response body size for all of
 * them, or {@code 0} when unknown.
 *
 * @param method the request method, upper case ({@code GET}, {@code HEAD}, ...)
 * @param url the canonical URL
 * @param status the response status, or {@link #UNKNOWN_STATUS} when the source has none
 * @param bytes response body bytes (total over {@code count} requests), {@code 0} when unknown
 * @param epochMillis when the request was served, or {@link #NO_TIMESTAMP}
 * @param cacheStatus the cache status the log recorded ({@code HIT}, {@code MISS}, ...), if any
 * @param count how many requests this record stands for, at least 1
 */
public record TrafficRecord(
    String method,
    String url,
    int status,
    long bytes,
    long epochMillis,
    @Nullable String cacheStatus,
    long count) {

  /** The {@link #epochMillis()} of a record whose source carries no time. */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  /** The {@link #status()} of a record whose source carries no status (counts, lists). */
  public static final int UNKNOWN_STATUS = 0;

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code method} or {@code url} is null
   * @throws IllegalArgumentException if {@code count < 1} or {@code bytes < 0}
   */
  public TrafficRecord {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1 but was " + count);
    }
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0 but was " + bytes);
    }
  }

  /** A single GET request without status, size, time or cache status (e.g. from a URL list). */
  public static TrafficRecord of(String url) {
    return new TrafficRecord("GET", url, UNKNOWN_STATUS, 0, NO_TIMESTAMP, null, 1);
  }

  /** Whether this record carries a timestamp. */
  public boolean hasTimestamp() {
    return epochMillis != NO_TIMESTAMP;
  }

  /**
   * The time the request was served.
   *
   * @throws IllegalStateException if the record has no timestamp
   */
  public Instant timestamp() {
    if (!hasTimestamp()) {
      throw new IllegalStateException("record for " + url + " has no timestamp");
    }
    return Instant.ofEpochMilli(epochMillis);
  }
}
