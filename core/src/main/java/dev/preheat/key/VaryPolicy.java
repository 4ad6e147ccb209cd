package dev.preheat.key;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads a response's {@code Vary} header: computes the {@link Variant} a request selects, and flags
 * a <em>Vary explosion</em>, a header whose values are so many (per user, per request) that every
 * request becomes its own variant and neither the cache nor warming can help.
 *
 * <p>{@code Vary: *} is always an explosion; the {@linkplain #DEFAULT_EXPLOSIVE_HEADERS default
 * explosive headers} can be replaced or extended. Immutable and thread-safe.
 */
public final class VaryPolicy {

  /**
   * Headers whose values are effectively unbounded: {@code cookie}, {@code user-agent},
   * {@code authorization}, client addresses ({@code x-forwarded-for}, {@code forwarded}, {@code
   * x-real-ip}, {@code true-client-ip}, {@code cf-connecting-ip}), per-request ids ({@code
   * x-request-id}, {@code x-correlation-id}, {@code traceparent}), {@code referer} and {@code date}.
   */
  public static final Set<String> DEFAULT_EXPLOSIVE_HEADERS =
      Collections.unmodifiableSet(
          new TreeSet<>(
              List.of(
                  "cookie",
                  "user-agent",
                  "authorization",
                  "x-forwarded-for",
                  "forwarded",
                  "x-real-ip",
                  "true-client-ip",
                  "cf-connecting-ip",
                  "x-request-id",
                  "x-correlation-id",
                  "traceparent",
                  "referer",
                  "date")));

  private static final VaryPolicy DEFAULTS = new VaryPolicy(DEFAULT_EXPLOSIVE_HEADERS);

  private final Set<String> explosive;

  private VaryPolicy(Set<String> explosive) {
    this.explosive = explosive;
  }

  /** The policy with {@link #DEFAULT_EXPLOSIVE_HEADERS}. */
  public static VaryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A policy that flags exactly these headers (and {@code *}), replacing the defaults.
   *
   * @param headers header names, case-insensitive
   * @return the policy
   * @throws IllegalArgumentException if a name is not an RFC 9110 token
   */
  public static VaryPolicy flagging(Collection<String> headers) {
    return new VaryPolicy(names(headers));
  }

  /**
   * A policy that flags the defaults and these headers.
   *
   * @param headers more header names, case-insensitive
   * @return the policy
   * @throws IllegalArgumentException if a name is not an RFC 9110 token
   */
  public static VaryPolicy flaggingAlso(String... headers) {
    Set<String> all = new TreeSet<>(DEFAULT_EXPLOSIVE_HEADERS);
    all.addAll(names(List.of(headers)));
    return new VaryPolicy(Collections.unmodifiableSet(all));
  }

  private static Set<String> names(Collection<String> headers) {
    Set<String> set = new TreeSet<>();
    for (String h : headers) {
      set.add(HeaderValidation.requireValidName(Objects.requireNonNull(h, "header")).toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSet(set);
  }

  /** The headers this policy flags (lower case, sorted), besides {@code *}. */
  public Set<String> explosiveHeaders() {
    return explosive;
  }

  /**
   * The header names a {@code Vary} value lists: lower case, without duplicates, sorted.
   *
   * @param vary the {@code Vary} header value, or null when the response has none
   * @return the names; empty when {@code vary} is null or blank
   * @throws IllegalArgumentException if an element is not an RFC 9110 token
   */
  public static List<String> varyHeaders(@Nullable String vary) {
    if (vary == null || vary.isBlank()) {
      return List.of();
    }
    HeaderValidation.requireValidValue("Vary", vary);
    Set<String> names = new TreeSet<>();
    for (String element : vary.split(",")) {
      String name = element.trim();
      if (!name.isEmpty()) {
        names.add(HeaderValidation.requireValidName(name).toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(names);
  }

  /**
   * The variant a request selects: for each header in {@code Vary} (except {@code *}), the
   * request's normalized value; headers the request lacks are left out.
   *
   * @param vary the response's {@code Vary} value, or null
   * @param normalizedHeaders the request's headers as a {@link HeaderNormalizer} produced them
   * @return the variant
   * @throws IllegalArgumentException if {@code vary} is malformed or a selected value contains
   *     control characters
   */
  public Variant variant(@Nullable String vary, Map<String, String> normalizedHeaders) {
    Objects.requireNonNull(normalizedHeaders, "normalizedHeaders");
    List<String> names = varyHeaders(vary);
    if (names.isEmpty()) {
      return Variant.none();
    }
    Map<String, String> lower = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    lower.putAll(normalizedHeaders);
    Map<String, String> selected = new TreeMap<>();
    for (String name : names) {
      String value = lower.get(name);
      if (value != null && !name.equals("*")) {
        selected.put(name, value);
      }
    }
    return Variant.of(selected);
  }

  /**
   * The explosions in a {@code Vary} value, in header-name order.
   *
   * @param vary the response's {@code Vary} value, or null
   * @return the findings, empty when {@code Vary} is harmless
   * @throws IllegalArgumentException if {@code vary} is malformed
   */
  public List<VaryFinding> findings(@Nullable String vary) {
    List<VaryFinding> out = new ArrayList<>();
    for (String name : varyHeaders(vary)) {
      if (name.equals("*") || explosive.contains(name)) {
        out.add(explain(name));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The explosions in a {@code Vary} value, plus the headers it lists that never enter the key, so
   * that warming fills only the variant of requests without that header.
   *
   * @param vary the response's {@code Vary} value, or null
   * @param keyHeaders the headers that enter the key, such as {@link HeaderNormalizer#keyHeaders()}
   * @return the findings, empty when {@code Vary} is harmless and covered by the key
   * @throws IllegalArgumentException if {@code vary} is malformed
   */
  public List<VaryFinding> findings(@Nullable String vary, Collection<String> keyHeaders) {
    Set<String> key = new LinkedHashSet<>();
    for (String h : keyHeaders) {
      key.add(h.toLowerCase(Locale.ROOT));
    }
    List<VaryFinding> out = new ArrayList<>(findings(vary));
    for (String name : varyHeaders(vary)) {
      if (!name.equals("*") && !explosive.contains(name) && !key.contains(name)) {
        out.add(
            new VaryFinding(
                name,
                "the response varies on " + name + " but " + name + " is not a key header, so warm"
                    + " requests fill only the variant of requests without it.",
                "add " + name + " to HeaderNormalizer.builder().keyHeaders(...) (normalized to the"
                    + " values real users send), or remove it from Vary."));
      }
    }
    return List.copyOf(out);
  }

  private static VaryFinding explain(String name) {
    switch (name) {
      case "*":
        return new VaryFinding(
            "*",
            "Vary: * makes every request its own variant: no cache can reuse a stored response, so"
                + " warming cannot help.",
            "remove Vary: *; if the response must not be shared send Cache-Control: private or"
                + " no-store instead.");
      case "cookie":
        return new VaryFinding(
            "cookie",
            "Vary: Cookie stores one copy per distinct Cookie header, that is per user or session;"
                + " warm requests carry no user cookies and fill a variant no real user hits.",
            "strip cookies at the cache for cacheable pages, or copy a signed cohort cookie into a"
                + " normalized header (such as X-Cohort) and vary on that.");
      case "user-agent":
        return new VaryFinding(
            "user-agent",
            "Vary: User-Agent creates one variant per distinct browser string (thousands), so the"
                + " hit ratio collapses and warming every variant is impossible.",
            "normalize User-Agent to a device class at the cache (X-Device-Class: mobile, tablet,"
                + " desktop) and vary on that header instead.");
      case "authorization":
        return new VaryFinding(
            "authorization",
            "Vary: Authorization creates one variant per credential; such responses are per user"
                + " and a shared cache should not be warmed with them.",
            "send Cache-Control: private for per-user responses, or serve public content without"
                + " requiring Authorization and drop it from Vary.");
      default:
        return new VaryFinding(
            name,
            "Vary: " + name + " has unbounded values (per client or per request), so every request"
                + " becomes its own variant and nothing is reused.",
            "remove " + name + " from Vary, or normalize it at the cache to a few values and vary"
                + " on the normalized header.");
    }
  }

  @Override
  public String toString() {
    return "VaryPolicy{explosiveHeaders=" + explosive + "}";
  }
}
