package dev.preheat.warm;

import dev.preheat.key.HeaderValidation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A named set of request headers that real users send, e.g. {@code Accept-Encoding: gzip,
 * deflate, br, zstd}, a language or a device class. Every plan entry is warmed once per variant,
 * because each variant may be a distinct cache key.
 *
 * <p>Immutable and thread-safe. Header order is kept as given.
 *
 * @param name a short unique name used in reports, checkpoints and logs (e.g. {@code br-en})
 * @param headers the request headers of this variant
 */
public record WarmVariant(String name, Map<String, String> headers) {

  /** The name of the variant used when a plan names none: no extra headers. */
  public static final String DEFAULT_NAME = "default";

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component, a header name or value is null
   * @throws IllegalArgumentException if the name is blank or has whitespace/control characters,
   *     or a header name or value contains CR, LF or another control character
   */
  public WarmVariant {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(headers, "headers");
    if (name.isBlank() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "variant name must be non-empty printable ASCII without spaces but was '" + name + "'");
    }
    LinkedHashMap<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String n = Objects.requireNonNull(e.getKey(), "header name");
      String v = Objects.requireNonNull(e.getValue(), () -> "value of header " + n);
      HeaderValidation.requireValid("variant '" + name + "'", n, v);
      copy.put(n, v);
    }
    headers = Collections.unmodifiableMap(copy);
  }

  /**
   * A variant with the given headers.
   *
   * @param name see {@link #name()}
   * @param headers alternating header names and values
   * @throws IllegalArgumentException if {@code headers} has an odd length or a header is invalid
   */
  public static WarmVariant of(String name, String... headers) {
    if (headers.length % 2 != 0) {
      throw new IllegalArgumentException("variant '" + name
          + "': headers must be name/value pairs but " + headers.length + " strings were given");
    }
    LinkedHashMap<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], headers[i + 1]);
    }
    return new WarmVariant(name, map);
  }

  /** The variant without extra headers, named {@value #DEFAULT_NAME}. */
  public static WarmVariant defaultVariant() {
    return new WarmVariant(DEFAULT_NAME, Map.of());
  }
}
