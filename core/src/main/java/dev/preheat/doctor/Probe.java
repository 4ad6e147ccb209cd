package dev.preheat.doctor;

import dev.preheat.status.CacheStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One fetch the doctor made and what came back.
 *
 * @param profile the headers sent
 * @param step where in the sequence the fetch was made
 * @param at when the request was sent
 * @param status the HTTP status, or 0 when the request failed ({@code error} says why)
 * @param cacheStatus the cache's verdict, {@link CacheStatus#unknown()} when the request failed
 * @param headers the response headers (names case-insensitive), empty when the request failed
 * @param error why the request failed, or null when a response arrived
 */
public record Probe(HeaderProfile profile, Step step, Instant at, int status, CacheStatus cacheStatus,
    Map<String, List<String>> headers, @Nullable String error) {

  /**
   * The fetch sequence. A MISS on the first fetch is normal (the warmer fills the cache); the
   * later steps are what reveal problems.
   */
  public enum Step {
    /** The warmer's first fetch of each variant: fills the cache. */
    WARM,
    /** The warmer again: a HIT proves the cache stored what the warmer fetched. */
    WARM_AGAIN,
    /** Each browser right after: a MISS here means the browser's key differs from the warmer's. */
    BROWSER,
    /** Each browser again: a MISS here means the browser's variant is not stored either. */
    BROWSER_AGAIN
  }

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component other than {@code error} is null
   */
  public Probe {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(cacheStatus, "cacheStatus");
    Objects.requireNonNull(headers, "headers");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((n, v) -> copy.put(n, List.copyOf(v)));
    headers = Collections.unmodifiableMap(copy);
  }

  /** A failed fetch. */
  public static Probe failed(HeaderProfile profile, Step step, Instant at, String error) {
    return new Probe(profile, step, at, 0, CacheStatus.unknown(), Map.of(), error);
  }

  /** Whether a response arrived. */
  public boolean ok() {
    return error == null;
  }

  /** All values of response header {@code name} joined with {@code ", "}, or null when absent. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : String.join(", ", values);
  }

  /** Whether the response was served from a stored copy (HIT, STALE, UPDATING). */
  public boolean hit() {
    return ok() && cacheStatus.servedFromCache();
  }

  /**
   * Whether the cache clearly forwarded the request without a stored copy for its key (MISS,
   * EXPIRED, BYPASS, DYNAMIC). {@code UNKNOWN} and {@code REVALIDATED} (a stored copy existed) are
   * neither a hit nor a miss.
   */
  public boolean miss() {
    if (!ok()) {
      return false;
    }
    switch (cacheStatus.kind()) {
      case MISS:
      case EXPIRED:
      case BYPASS:
      case DYNAMIC:
        return true;
      default:
        return false;
    }
  }
}
