package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.warm.WarmVariant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns repeated {@code --variant 'Header: value'} options into the variants to warm.
 *
 * <p>Semantics: values given for the <em>same</em> header (names compared ignoring case) are
 * alternatives; <em>different</em> headers multiply. {@code --variant 'Accept-Encoding: br'
 * --variant 'Accept-Encoding: gzip' --variant 'Accept-Language: de'} is 2 variants ({@code br}
 * + {@code de}, {@code gzip} + {@code de}); adding {@code --variant 'Accept-Language: en'} makes
 * 4. Without any {@code --variant}, {@link #DEFAULT_VARIANTS} are warmed: the two
 * {@code Accept-Encoding} values today's browsers send (Chrome, Edge and Firefox send one, Safari
 * the other). A cache that keys on the raw header (nginx with {@code Vary: Accept-Encoding})
 * needs both; a cache that normalizes it (Varnish, CDNs) answers the second from cache, so it
 * costs the origin nothing. Credentials are refused: the warmer never sends them.
 */
final class VariantMatrix {

  /** The most variants a matrix may produce; more is almost surely a mistake (a Vary explosion). */
  static final int MAX_VARIANTS = 64;

  /**
   * The variants warmed when no {@code --variant} is given: the Accept-Encoding of Chrome, Edge
   * and Firefox, and of Safari.
   */
  static final List<WarmVariant> DEFAULT_VARIANTS = List.of(
      WarmVariant.of("chrome-firefox", "Accept-Encoding", "gzip, deflate, br, zstd"),
      WarmVariant.of("safari", "Accept-Encoding", "gzip, deflate, br"));

  private static final Set<String> REFUSED =
      Set.of("authorization", "proxy-authorization", "cookie", "host");

  private VariantMatrix() {}

  /**
   * The variants for the given {@code --variant} values, in matrix order.
   *
   * @throws UsageError naming the bad value: no colon, empty name or value, an invalid header,
   *     a credential or {@code Host} header, the same header and value twice, or more than
   *     {@value #MAX_VARIANTS} variants
   */
  static List<WarmVariant> of(List<String> specs) {
    if (specs.isEmpty()) {
      return DEFAULT_VARIANTS;
    }
    // header (lower case) -> [display name, values...]
    Map<String, List<String>> byHeader = new LinkedHashMap<>();
    for (String spec : specs) {
      int colon = spec.indexOf(':');
      String name = colon < 0 ? "" : spec.substring(0, colon).trim();
      String value = colon < 0 ? "" : spec.substring(colon + 1).trim();
      if (name.isEmpty() || value.isEmpty()) {
        throw new UsageError("--variant '" + spec + "' must be 'Header: value', e.g. "
            + "--variant 'Accept-Encoding: br'");
      }
      String key = name.toLowerCase(Locale.ROOT);
      if (REFUSED.contains(key)) {
        throw new UsageError("--variant '" + spec + "': " + name + " is never sent by the warmer "
            + "(credentials and Host are not part of a shared cache key); remove it");
      }
      List<String> values = byHeader.computeIfAbsent(key, k -> new ArrayList<>(List.of(name)));
      if (values.subList(1, values.size()).contains(value)) {
        throw new UsageError("--variant '" + spec + "' is given twice");
      }
      values.add(value);
    }
    long count = 1;
    for (List<String> values : byHeader.values()) {
      count *= values.size() - 1;
    }
    if (count > MAX_VARIANTS) {
      throw new UsageError("--variant options multiply to " + count + " variants, more than "
          + MAX_VARIANTS + "; values of the same header are alternatives, different headers "
          + "multiply: drop some values");
    }
    List<Map<String, String>> combos = new ArrayList<>();
    combos.add(new LinkedHashMap<>());
    for (List<String> values : byHeader.values()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> combo : combos) {
        for (String value : values.subList(1, values.size())) {
          Map<String, String> m = new LinkedHashMap<>(combo);
          m.put(values.get(0), value);
          next.add(m);
        }
      }
      combos = next;
    }
    List<WarmVariant> variants = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Map<String, String> headers : combos) {
      String name = name(headers.values());
      if (!names.add(name)) {
        name = name + "-" + (variants.size() + 1);
        names.add(name);
      }
      try {
        variants.add(new WarmVariant(name, headers));
      } catch (IllegalArgumentException e) {
        throw new UsageError("--variant: " + e.getMessage());
      }
    }
    return variants;
  }

  /** A short readable name from the values: {@code br+de}; used in reports and checkpoints. */
  private static String name(Iterable<String> values) {
    StringBuilder b = new StringBuilder();
    for (String v : values) {
      String part = v.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-")
          .replaceAll("^-+|-+$", "");
      if (part.length() > 24) {
        part = part.substring(0, 24);
      }
      b.append(b.length() == 0 ? "" : "+").append(part.isEmpty() ? "v" : part);
    }
    return b.toString();
  }
}
