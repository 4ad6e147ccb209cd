package dev.preheat.key;

/**
 * Turns a URL into the canonical form a cache keys on, so that equivalent spellings count (and are
 * warmed) as one.
 *
 * <p>Accepts absolute URLs ({@code https://Example.com:443/a/../b?x=1}) and origin-form request
 * targets as they appear in access logs ({@code /b?x=1}). Implementations are immutable,
 * thread-safe and idempotent: {@code canonicalize(canonicalize(x)).equals(canonicalize(x))}.
 */
@FunctionalInterface
public interface UrlCanonicalizer {

  /**
   * Returns the canonical form of {@code url}.
   *
   * @param url an absolute URL or an origin-form request target
   * @return the canonical form, never null
   * @throws IllegalArgumentException if {@code url} cannot be parsed, or contains control
   *     characters or whitespace; the message names the problem
   */
  String canonicalize(String url);
}
