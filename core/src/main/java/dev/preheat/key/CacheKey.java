package dev.preheat.key;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * The identity of one cached object: host, canonical URL target and the selected request header
 * values (the {@link Variant}).
 *
 * <p>The string form is stable across versions and parse-able with {@link #parse(String)}: the
 * lower-case host (with a non-default port), the target (path and query, starting with {@code /}),
 * then for each selected header, sorted by name, {@code |name=value}; for example {@code
 * example.com/a?b=1|accept-encoding=br|accept-language=de}. In header names and values {@code %}
 * is written {@code %25} and {@code |} is written {@code %7C}. Immutable and thread-safe; {@code
 * equals} compares host, target and headers.
 */
public final class CacheKey {

  private final String host;
  private final String target;
  private final Variant variant;

  private CacheKey(String host, String target, Variant variant) {
    this.host = host;
    this.target = target;
    this.variant = variant;
  }

  /**
   * A key for {@code target} on {@code host} with the given variant.
   *
   * @param host the host, optionally with a port ({@code example.com:8080}); stored lower case
   * @param target the canonical path and query, starting with {@code /} (see {@link
   *     UrlCanonicalizer})
   * @param variant the selected header values
   * @return the key
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the host is empty or contains characters other than
   *     letters, digits, {@code - . _ : [ ]}, or the target does not start with {@code /} or
   *     contains {@code |}, {@code #}, whitespace or control characters
   */
  public static CacheKey of(String host, String target, Variant variant) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(variant, "variant");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("cache key host is empty; give the host the cache keys on");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && "-._:[]".indexOf(c) < 0) {
        throw new IllegalArgumentException(
            "cache key host '" + HeaderValidation.escape(host) + "' contains " + HeaderValidation.describe(c)
                + "; give a host name such as example.com or example.com:8080");
      }
    }
    if (target.isEmpty() || target.charAt(0) != '/') {
      throw new IllegalArgumentException(
          "cache key target '" + HeaderValidation.escape(target) + "' must start with '/'; give the"
              + " canonical path and query (UrlCanonicalizer.defaults().canonicalize(...))");
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= ' ' || c == 0x7F || c == '|' || c == '#') {
        throw new IllegalArgumentException(
            "cache key target '" + HeaderValidation.escape(target) + "' contains " + HeaderValidation.describe(c)
                + " at index " + i + "; canonicalize it first (UrlCanonicalizer.defaults())");
      }
    }
    return new CacheKey(host.toLowerCase(Locale.ROOT), target, variant);
  }

  /**
   * A key for {@code target} on {@code host} with these selected header values.
   *
   * @param host the host, optionally with a port
   * @param target the canonical path and query, starting with {@code /}
   * @param headers the selected header values (see {@link Variant#of(Map)})
   * @return the key
   * @throws NullPointerException if an argument, name or value is null
   * @throws IllegalArgumentException as {@link #of(String, String, Variant)} and {@link
   *     Variant#of(Map)}
   */
  public static CacheKey of(String host, String target, Map<String, String> headers) {
    return of(host, target, Variant.of(headers));
  }

  /**
   * A key for an absolute URL, canonicalized first; the scheme is not part of the key.
   *
   * @param canonicalizer canonicalizes {@code absoluteUrl}
   * @param absoluteUrl an absolute http(s) URL
   * @param variant the selected header values
   * @return the key
   * @throws IllegalArgumentException if the URL is not a valid absolute URL
   */
  public static CacheKey forUrl(UrlCanonicalizer canonicalizer, String absoluteUrl, Variant variant) {
    String canonical = canonicalizer.canonicalize(absoluteUrl);
    int authority = canonical.indexOf("://");
    if (authority < 0) {
      throw new IllegalArgumentException(
          "'" + HeaderValidation.escape(absoluteUrl) + "' is not an absolute URL; use CacheKey.of(host, target, ...)");
    }
    int slash = canonical.indexOf('/', authority + 3);
    return of(canonical.substring(authority + 3, slash), canonical.substring(slash), variant);
  }

  /**
   * Parses the {@linkplain #toString() string form}.
   *
   * @param text a string produced by {@link #toString()}
   * @return the key, equal to the one that produced {@code text}
   * @throws IllegalArgumentException if {@code text} is not a valid key string; the message says
   *     which part is wrong
   */
  public static CacheKey parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException(
          "cache key '" + HeaderValidation.escape(text) + "' has no host before the target; expected"
              + " host/path?query|name=value...");
    }
    int bar = text.indexOf('|', slash);
    String target = bar < 0 ? text.substring(slash) : text.substring(slash, bar);
    Variant variant = bar < 0 ? Variant.none() : Variant.parse(text.substring(bar + 1));
    return of(text.substring(0, slash), target, variant);
  }

  /** The lower-case host, with the port when it is not the default. */
  public String host() {
    return host;
  }

  /** The canonical path and query, starting with {@code /}. */
  public String target() {
    return target;
  }

  /** The selected header values. */
  public Variant variant() {
    return variant;
  }

  /** The selected header values: lower-case names, sorted, unmodifiable. */
  public SortedMap<String, String> headers() {
    return variant.headers();
  }

  /** The stable string form, such as {@code example.com/a?b=1|accept-encoding=br}. */
  @Override
  public String toString() {
    return variant.isEmpty() ? host + target : host + target + '|' + variant;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CacheKey)) {
      return false;
    }
    CacheKey k = (CacheKey) o;
    return host.equals(k.host) && target.equals(k.target) && variant.equals(k.variant);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, target, variant);
  }
}
