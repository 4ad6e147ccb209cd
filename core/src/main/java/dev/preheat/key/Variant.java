package dev.preheat.key;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One variant of a URL: the request header values a cache selects on (through {@code Vary}), with
 * lower-case names in a stable (sorted) order.
 *
 * <p>The string form is {@code name=value} pairs joined by {@code |}, sorted by name, for example
 * {@code accept-encoding=br|accept-language=de}; the empty variant is the empty string. In names
 * and values {@code %} is written {@code %25} and {@code |} is written {@code %7C}, so the form is
 * unambiguous. Immutable and thread-safe.
 */
public final class Variant {

  private static final Variant NONE = new Variant(Collections.emptySortedMap());

  private final SortedMap<String, String> headers;

  private Variant(SortedMap<String, String> headers) {
    this.headers = headers;
  }

  /** The variant of a response that does not vary on any request header. */
  public static Variant none() {
    return NONE;
  }

  /**
   * A variant with these header values.
   *
   * @param headers header name to value; names are case-insensitive and stored lower case
   * @return the variant
   * @throws NullPointerException if {@code headers}, a name or a value is null
   * @throws IllegalArgumentException if a name is not an RFC 9110 token, a value contains control
   *     characters, or two names differ only in case
   */
  public static Variant of(Map<String, String> headers) {
    Objects.requireNonNull(headers, "headers");
    if (headers.isEmpty()) {
      return NONE;
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    headers.forEach(
        (name, value) -> {
          HeaderValidation.requireValidName(name);
          HeaderValidation.requireValidValue(name, value);
          if (sorted.put(name.toLowerCase(Locale.ROOT), value) != null) {
            throw new IllegalArgumentException(
                "header " + name + " is given twice (names are case-insensitive) in " + headers.keySet());
          }
        });
    return new Variant(Collections.unmodifiableSortedMap(sorted));
  }

  /**
   * The selected header values: lower-case names, sorted.
   *
   * @return an unmodifiable sorted map
   */
  public SortedMap<String, String> headers() {
    return headers;
  }

  /** Whether this variant selects on no header. */
  public boolean isEmpty() {
    return headers.isEmpty();
  }

  /**
   * The stable string form, such as {@code accept-encoding=br|accept-language=de}.
   *
   * @return the string form, empty for {@link #none()}
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    headers.forEach(
        (name, value) -> {
          if (sb.length() > 0) {
            sb.append('|');
          }
          sb.append(escape(name)).append('=').append(escape(value));
        });
    return sb.toString();
  }

  /**
   * Parses the {@linkplain #toString() string form}.
   *
   * @param text the string form; empty means {@link #none()}
   * @return the variant
   * @throws IllegalArgumentException if a pair has no {@code =}, or a name or value is invalid
   */
  public static Variant parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      return NONE;
    }
    TreeMap<String, String> map = new TreeMap<>();
    for (String pair : text.split("\\|", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "variant '" + HeaderValidation.escape(text) + "' has a pair without 'name=' ('"
                + HeaderValidation.escape(pair) + "'); expected name=value pairs joined by '|'");
      }
      map.put(unescape(pair.substring(0, eq)), unescape(pair.substring(eq + 1)));
    }
    return of(map);
  }

  static String escape(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('|') < 0) {
      return s;
    }
    return s.replace("%", "%25").replace("|", "%7C");
  }

  static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    return s.replace("%7C", "|").replace("%25", "%");
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Variant && ((Variant) o).headers.equals(headers);
  }

  @Override
  public int hashCode() {
    return headers.hashCode();
  }
}
