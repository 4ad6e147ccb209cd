package dev.preheat.key;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns a URL into the canonical form a cache keys on, so that equivalent spellings count (and are
 * warmed) as one.
 *
 * <p>Accepts absolute URLs ({@code https://Example.com:443/a/../b?x=1}) and origin-form request
 * targets as they appear in access logs ({@code /b?x=1}). Implementations are immutable,
 * thread-safe and idempotent: {@code canonicalize(canonicalize(x)).equals(canonicalize(x))}.
 *
 * <p>The built-in implementation ({@link #defaults()}, {@link #builder()}) applies, in order:
 *
 * <ul>
 *   <li>scheme and host lower-cased (non-ASCII host names converted to IDNA ASCII), default port
 *       dropped ({@code 80} for http, {@code 443} for https, and an empty port), userinfo
 *       rejected;
 *   <li>percent-encoding normalized: hex digits upper-cased, escapes of unreserved characters
 *       ({@code A-Z a-z 0-9 - . _ ~}) decoded, reserved ones such as {@code %2F} kept; characters
 *       not allowed in a URI ({@code " < > \ ^ ` { | } [ ]} in the path, non-ASCII) are
 *       percent-encoded as UTF-8;
 *   <li>dot segments removed (RFC 3986 section 5.2.4); the empty path of an absolute URL becomes
 *       {@code /};
 *   <li>the fragment dropped; empty query pairs ({@code a=1&&b=2}) and an empty query
 *       ({@code /a?}) removed;
 *   <li>the {@link QueryPolicy} applied (by default tracking parameters are removed), parameter
 *       order preserved unless {@link Builder#sortParameters(boolean) sorting} is enabled.
 * </ul>
 *
 * <p>An input that is already canonical is returned as the same {@code String} instance, so the
 * common case of canonical log targets allocates nothing.
 *
 * <p>A target starting with {@code //} is an origin-form path ({@code //a/b}), not a host: combine
 * a canonical target with a base URL by concatenation, never with {@link java.net.URI#resolve},
 * which would read {@code //evil.example/} as another host.
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

  /**
   * The default canonicalizer: tracking parameters removed ({@link QueryPolicy#removeTracking()}),
   * parameter order preserved. Shared, immutable and thread-safe.
   *
   * @return the default canonicalizer
   */
  static UrlCanonicalizer defaults() {
    return StandardUrlCanonicalizer.DEFAULT;
  }

  /**
   * A builder for a canonicalizer with a different query policy or sorting.
   *
   * @return a new builder with the defaults
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link UrlCanonicalizer}. Each setting may be given at most once; a builder is not
   * thread-safe, the canonicalizers it builds are.
   */
  final class Builder {

    /** Parameters keep their order unless sorting is requested, because most caches key on the raw query. */
    public static final boolean DEFAULT_SORT_PARAMETERS = false;

    private @Nullable QueryPolicy queryPolicy;
    private @Nullable Boolean sortParameters;

    Builder() {}

    /**
     * Sets what happens to query parameters; default {@link QueryPolicy#removeTracking()}.
     *
     * @param policy the query policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     * @throws IllegalStateException if the query policy was already set
     */
    public Builder queryPolicy(QueryPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      if (queryPolicy != null) {
        throw new IllegalStateException("query policy was already set to " + queryPolicy);
      }
      queryPolicy = policy;
      return this;
    }

    /**
     * Whether to sort query parameters by name (stable: equal names keep their relative order), for
     * caches configured to sort the query; default {@value #DEFAULT_SORT_PARAMETERS}.
     *
     * @param sort true to sort
     * @return this builder
     * @throws IllegalStateException if sorting was already set
     */
    public Builder sortParameters(boolean sort) {
      if (sortParameters != null) {
        throw new IllegalStateException("sortParameters was already set to " + sortParameters);
      }
      sortParameters = sort;
      return this;
    }

    /**
     * Builds the canonicalizer.
     *
     * @return an immutable, thread-safe canonicalizer
     */
    public UrlCanonicalizer build() {
      return new StandardUrlCanonicalizer(
          queryPolicy == null ? QueryPolicy.removeTracking() : queryPolicy,
          sortParameters == null ? DEFAULT_SORT_PARAMETERS : sortParameters);
    }
  }
}
