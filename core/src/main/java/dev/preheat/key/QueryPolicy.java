package dev.preheat.key;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link UrlCanonicalizer} does with the query parameters of a URL.
 *
 * <p>Parameter names are matched exactly (case-sensitive, as caches and origins compare them)
 * after percent-encoding normalization, so {@code utm%5Fsource} matches {@code utm_source}. A
 * pattern ending in {@code *} matches every name with that prefix ({@code utm_*}). Instances are
 * immutable and thread-safe.
 */
public final class QueryPolicy {

  /**
   * The tracking parameters {@link #removeTracking()} removes: {@code utm_*} (prefix),
   * {@code gclid}, {@code fbclid}, {@code msclkid}, {@code mc_cid}, {@code mc_eid}, {@code _ga}.
   */
  public static final List<String> DEFAULT_TRACKING_PARAMETERS =
      List.of("utm_*", "gclid", "fbclid", "msclkid", "mc_cid", "mc_eid", "_ga");

  /** How the matched names are used. */
  enum Mode {
    KEEP_ALL,
    REMOVE_MATCHING,
    KEEP_MATCHING,
    DROP_QUERY
  }

  private static final QueryPolicy KEEP_ALL = new QueryPolicy(Mode.KEEP_ALL, List.of());
  private static final QueryPolicy DROP = new QueryPolicy(Mode.DROP_QUERY, List.of());
  private static final QueryPolicy REMOVE_TRACKING =
      new QueryPolicy(Mode.REMOVE_MATCHING, DEFAULT_TRACKING_PARAMETERS);

  private final Mode mode;
  private final List<String> patterns;
  private final String[] exact;
  private final String[] prefixes;

  private QueryPolicy(Mode mode, List<String> patterns) {
    this.mode = mode;
    this.patterns = List.copyOf(patterns);
    List<String> exactNames = new ArrayList<>();
    List<String> prefixNames = new ArrayList<>();
    for (String p : this.patterns) {
      if (p.endsWith("*")) {
        prefixNames.add(p.substring(0, p.length() - 1));
      } else {
        exactNames.add(p);
      }
    }
    this.exact = exactNames.toArray(new String[0]);
    this.prefixes = prefixNames.toArray(new String[0]);
  }

  /** Keeps every parameter (only empty pairs such as {@code a=1&&b=2} are removed). */
  public static QueryPolicy keepAll() {
    return KEEP_ALL;
  }

  /** Removes the {@link #DEFAULT_TRACKING_PARAMETERS}; this is the default policy. */
  public static QueryPolicy removeTracking() {
    return REMOVE_TRACKING;
  }

  /**
   * Removes the {@link #DEFAULT_TRACKING_PARAMETERS} and {@code additional} names or prefixes.
   *
   * @param additional more names to remove; a trailing {@code *} makes a prefix
   * @return the policy
   * @throws NullPointerException if {@code additional} or one of its elements is null
   * @throws IllegalArgumentException if a name is empty or contains {@code & = # ?}, whitespace or
   *     control characters
   */
  public static QueryPolicy removeTracking(String... additional) {
    List<String> all = new ArrayList<>(DEFAULT_TRACKING_PARAMETERS);
    all.addAll(validated(List.of(additional)));
    return new QueryPolicy(Mode.REMOVE_MATCHING, all);
  }

  /**
   * Removes exactly the given names or prefixes, replacing the default tracking list.
   *
   * @param names names to remove; a trailing {@code *} makes a prefix
   * @return the policy
   * @throws NullPointerException if {@code names} or one of its elements is null
   * @throws IllegalArgumentException if a name is empty or contains {@code & = # ?}, whitespace or
   *     control characters
   */
  public static QueryPolicy removeParameters(Collection<String> names) {
    return new QueryPolicy(Mode.REMOVE_MATCHING, validated(names));
  }

  /**
   * Keeps only the given names or prefixes (an allowlist) and removes every other parameter.
   *
   * @param names names to keep; a trailing {@code *} makes a prefix
   * @return the policy
   * @throws NullPointerException if {@code names} or one of its elements is null
   * @throws IllegalArgumentException if {@code names} is empty (use {@link #dropQuery()}), or a
   *     name is empty or contains {@code & = # ?}, whitespace or control characters
   */
  public static QueryPolicy keepOnly(Collection<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "keepOnly needs at least one parameter name; use QueryPolicy.dropQuery() to drop the query");
    }
    return new QueryPolicy(Mode.KEEP_MATCHING, validated(names));
  }

  /** Drops the whole query string, for caches that ignore it. */
  public static QueryPolicy dropQuery() {
    return DROP;
  }

  private static List<String> validated(Collection<String> names) {
    Objects.requireNonNull(names, "names");
    List<String> out = new ArrayList<>(names.size());
    for (String n : names) {
      Objects.requireNonNull(n, "parameter name");
      if (n.isEmpty() || n.equals("*")) {
        throw new IllegalArgumentException(
            "query parameter name must not be empty or '*' but was '" + n + "'");
      }
      for (int i = 0; i < n.length(); i++) {
        char c = n.charAt(i);
        if (c <= ' ' || c == 0x7F || c == '&' || c == '=' || c == '#' || c == '?') {
          throw new IllegalArgumentException(
              "query parameter name '"
                  + HeaderValidation.escape(n)
                  + "' contains "
                  + HeaderValidation.describe(c)
                  + "; give the name as it appears before '=' in the URL");
        }
      }
      out.add(n);
    }
    return out;
  }

  Mode mode() {
    return mode;
  }

  /** Whether the parameter name {@code s[from, to)} matches one of the patterns. */
  boolean matches(String s, int from, int to) {
    int len = to - from;
    for (String e : exact) {
      if (e.length() == len && s.regionMatches(from, e, 0, len)) {
        return true;
      }
    }
    for (String p : prefixes) {
      if (p.length() <= len && s.regionMatches(from, p, 0, p.length())) {
        return true;
      }
    }
    return false;
  }

  /** Whether the parameter whose name is {@code s[from, to)} stays in the canonical URL. */
  boolean keeps(String s, int from, int to) {
    switch (mode) {
      case KEEP_ALL:
        return true;
      case REMOVE_MATCHING:
        return !matches(s, from, to);
      case KEEP_MATCHING:
        return matches(s, from, to);
      default:
        return false;
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof QueryPolicy
        && ((QueryPolicy) o).mode == mode
        && ((QueryPolicy) o).patterns.equals(patterns);
  }

  @Override
  public int hashCode() {
    return mode.hashCode() * 31 + patterns.hashCode();
  }

  @Override
  public String toString() {
    switch (mode) {
      case KEEP_ALL:
        return "QueryPolicy.keepAll()";
      case DROP_QUERY:
        return "QueryPolicy.dropQuery()";
      case KEEP_MATCHING:
        return "QueryPolicy.keepOnly(" + patterns + ")";
      default:
        return "QueryPolicy.removeParameters(" + patterns + ")";
    }
  }
}
