package dev.preheat.key;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Maps a request's raw headers to the normalized header set that enters the cache key, the way a
 * normalizing cache (an nginx {@code map}, a Varnish {@code vcl_recv}) collapses the many
 * spellings browsers send into a few variants.
 *
 * <ul>
 *   <li>Only allowlisted {@linkplain Builder#keyHeaders(String...) key headers} survive; cookies,
 *       {@code Authorization}, tracing ids, dates and everything else are stripped.
 *   <li>{@code Accept-Encoding} becomes the single best supported coding the client accepts (see
 *       {@link #negotiateEncoding(String)}).
 *   <li>{@code Accept-Language}, when {@linkplain Builder#supportedLanguages(String...) supported
 *       languages} are configured, becomes the best of them (see {@link
 *       #negotiateLanguage(String)}).
 *   <li>The {@link DeviceClass}, when {@linkplain Builder#deviceClassHeader(String) enabled},
 *       enters the key under its own header name.
 *   <li>Any other allowlisted header keeps its value, trimmed; repeated fields are joined with
 *       {@code ", "}.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class HeaderNormalizer {

  /** Codings supported by default, in server preference order. */
  public static final List<String> DEFAULT_SUPPORTED_ENCODINGS = List.of("br", "gzip", "identity");

  /** Headers that enter the key by default: only {@code accept-encoding}. */
  public static final Set<String> DEFAULT_KEY_HEADERS = Set.of("accept-encoding");

  /** The header name the device class enters the key under when no other name is given. */
  public static final String DEFAULT_DEVICE_CLASS_HEADER = "x-device-class";

  /** Headers carrying per-user credentials, never allowed into a key or a warm request. */
  static final Set<String> CREDENTIAL_HEADERS =
      Set.of("cookie", "authorization", "proxy-authorization", "set-cookie");

  static final String ACCEPT_ENCODING = "accept-encoding";
  static final String ACCEPT_LANGUAGE = "accept-language";
  private static final String IDENTITY = "identity";
  private static final HeaderNormalizer DEFAULTS = new Builder().build();

  private final List<String> encodings;
  private final Set<String> keyHeaders;
  private final List<String> languages;
  private final @Nullable String defaultLanguage;
  private final @Nullable String deviceClassHeader;

  private HeaderNormalizer(Builder b, Set<String> keyHeaders) {
    this.encodings = b.encodings;
    this.languages = b.languages;
    this.defaultLanguage = b.defaultLanguage;
    this.deviceClassHeader = b.deviceClassHeader;
    this.keyHeaders = keyHeaders;
  }

  /**
   * The default normalizer: only {@code accept-encoding} enters the key, normalized to one of
   * {@link #DEFAULT_SUPPORTED_ENCODINGS}.
   *
   * @return the shared default instance
   */
  public static HeaderNormalizer defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The lower-case names of every header this normalizer can put into a key, sorted; includes the
   * device class header when enabled.
   *
   * @return an unmodifiable sorted set
   */
  public Set<String> keyHeaders() {
    return keyHeaders;
  }

  /**
   * Normalizes a request's headers.
   *
   * <p>Header names are matched case-insensitively; a name may appear under several spellings and
   * with several values, which are joined in iteration order. Every name and value is validated
   * first, including those that are then stripped, so a request carrying an injection attempt is
   * rejected rather than partly used.
   *
   * @param headers the raw request headers (name to values), as a multimap
   * @return the normalized headers that enter the key: lower-case names, sorted by name,
   *     unmodifiable; a header the request lacks is absent, except {@code accept-encoding} (a
   *     missing header means {@code identity}), {@code accept-language} (the default language) and
   *     the device class header (always present when enabled)
   * @throws NullPointerException if {@code headers}, a name, a value list or a value is null
   * @throws IllegalArgumentException if a header name is not an RFC 9110 token or a value contains
   *     CR, LF, NUL or another control character; the message names the header
   */
  public SortedMap<String, String> normalize(Map<String, ? extends List<String>> headers) {
    Objects.requireNonNull(headers, "headers");
    Map<String, String> joined = new HashMap<>();
    for (Map.Entry<String, ? extends List<String>> e : headers.entrySet()) {
      String given = HeaderValidation.requireValidName(e.getKey());
      String name = given.toLowerCase(Locale.ROOT);
      List<String> values = Objects.requireNonNull(e.getValue(), () -> "values of header " + given);
      for (String value : values) {
        HeaderValidation.requireValidValue(given, value);
        joined.merge(name, value.trim(), (a, v) -> a + ", " + v);
      }
    }
    TreeMap<String, String> out = new TreeMap<>();
    for (String name : keyHeaders) {
      String value = joined.get(name);
      if (name.equals(deviceClassHeader)) {
        out.put(name, DeviceClass.detect(joined.get("user-agent"), joined.get("sec-ch-ua-mobile")).token());
      } else if (name.equals(ACCEPT_ENCODING)) {
        negotiateEncoding(value).ifPresent(coding -> out.put(name, coding));
      } else if (name.equals(ACCEPT_LANGUAGE) && !languages.isEmpty()) {
        out.put(name, negotiateLanguage(value));
      } else if (value != null) {
        out.put(name, value);
      }
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * Selects the coding a normalizing cache would store for this {@code Accept-Encoding}.
   *
   * <p>Each supported coding gets the client's q-value for it, or the q-value of {@code *} when it
   * is not listed, or 0. The highest q-value above 0 wins; ties go to the server preference order
   * (the order of {@link Builder#supportedEncodings(String...)}), so {@code gzip, deflate, br,
   * zstd} selects {@code br}. {@code identity} is the fallback when no other supported coding is
   * acceptable (for example {@code *;q=0}), unless the client refused it explicitly with {@code
   * identity;q=0}. A missing or empty header means {@code identity}. Elements with a malformed
   * q-value are ignored. Pure and thread-safe.
   *
   * @param acceptEncoding the header value, or null when the request has none
   * @return the selected coding, or empty if the client refuses every coding (including identity);
   *     such a request does not enter the key with an {@code accept-encoding} value
   */
  public Optional<String> negotiateEncoding(@Nullable String acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isBlank()) {
      return Optional.of(IDENTITY);
    }
    Map<String, Double> q = new HashMap<>();
    for (String element : acceptEncoding.split(",")) {
      int semi = element.indexOf(';');
      String coding = (semi < 0 ? element : element.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
      if (coding.isEmpty()) {
        continue;
      }
      double weight = semi < 0 ? 1.0 : qValue(element.substring(semi + 1));
      if (weight >= 0) {
        q.putIfAbsent(coding, weight);
      }
    }
    Double star = q.get("*");
    String best = null;
    double bestQ = 0;
    for (String coding : encodings) {
      Double explicit = q.get(coding);
      double weight;
      if (explicit != null) {
        weight = explicit;
      } else if (coding.equals(IDENTITY)) {
        continue;
      } else {
        weight = star == null ? 0 : star;
      }
      if (weight > bestQ) {
        best = coding;
        bestQ = weight;
      }
    }
    if (best == null && !Double.valueOf(0).equals(q.get(IDENTITY))) {
      best = IDENTITY;
    }
    return Optional.ofNullable(best);
  }

  /** The q parameter of an element's parameters, 1 if absent, -1 if malformed. */
  private static double qValue(String params) {
    for (String param : params.split(";")) {
      String p = param.trim();
      if (p.length() > 1 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        String v = p.substring(2).trim();
        if (!v.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
          return -1;
        }
        return Double.parseDouble(v);
      }
    }
    return 1.0;
  }

  /**
   * Selects the supported language for this {@code Accept-Language}, by RFC 4647 section 3.4
   * lookup honoring q-values: ranges are tried from the highest q-value, each truncated from the
   * right ({@code de-CH-1996}, {@code de-CH}, {@code de}) until a supported tag matches; ranges
   * with {@code q=0} and {@code *} never match. Note that lookup truncates the range, not the
   * supported tag: with only {@code en-US} supported, {@code en-GB} does not match it, so list
   * {@code en} as well when it should. A missing, empty or malformed header gets the default
   * language. Pure and thread-safe.
   *
   * @param acceptLanguage the header value, or null when the request has none
   * @return one of the supported tags as configured, or the default language
   * @throws IllegalStateException if no supported languages were configured
   */
  public String negotiateLanguage(@Nullable String acceptLanguage) {
    if (languages.isEmpty() || defaultLanguage == null) {
      throw new IllegalStateException(
          "no supported languages configured; call HeaderNormalizer.builder().supportedLanguages(...)");
    }
    if (acceptLanguage == null || acceptLanguage.isBlank()) {
      return defaultLanguage;
    }
    List<Locale.LanguageRange> ranges;
    try {
      ranges = Locale.LanguageRange.parse(acceptLanguage);
    } catch (IllegalArgumentException malformed) {
      return defaultLanguage;
    }
    List<Locale.LanguageRange> acceptable = new ArrayList<>(ranges.size());
    for (Locale.LanguageRange r : ranges) {
      if (r.getWeight() > 0) {
        acceptable.add(r);
      }
    }
    String tag = Locale.lookupTag(acceptable, languages);
    return tag == null ? defaultLanguage : tag;
  }

  @Override
  public String toString() {
    return "HeaderNormalizer{keyHeaders="
        + keyHeaders
        + ", encodings="
        + encodings
        + (languages.isEmpty() ? "" : ", languages=" + languages + ", defaultLanguage=" + defaultLanguage)
        + (deviceClassHeader == null ? "" : ", deviceClassHeader=" + deviceClassHeader)
        + "}";
  }

  /**
   * Builds a {@link HeaderNormalizer}. Each setting may be given at most once. Not thread-safe.
   */
  public static final class Builder {

    private List<String> encodings = DEFAULT_SUPPORTED_ENCODINGS;
    private boolean encodingsSet;
    private @Nullable Set<String> keyHeaders;
    private List<String> languages = List.of();
    private @Nullable String defaultLanguage;
    private @Nullable String deviceClassHeader;

    private Builder() {}

    /**
     * Sets the headers that enter the key (the allowlist), replacing {@link #DEFAULT_KEY_HEADERS}.
     * {@code accept-language} is added automatically when {@linkplain #supportedLanguages(String...)
     * languages} are configured, the {@linkplain #deviceClassHeader(String) device class header}
     * when enabled.
     *
     * @param names header names, case-insensitive
     * @return this builder
     * @throws IllegalArgumentException if a name is not an RFC 9110 token, or is {@code cookie},
     *     {@code authorization}, {@code proxy-authorization} or {@code set-cookie} (per-user
     *     credentials; see {@link CohortCookie})
     * @throws IllegalStateException if the key headers were already set
     */
    public Builder keyHeaders(String... names) {
      if (keyHeaders != null) {
        throw new IllegalStateException("key headers were already set to " + keyHeaders);
      }
      Set<String> set = new LinkedHashSet<>();
      for (String name : names) {
        String lower =
            HeaderValidation.requireValidName(Objects.requireNonNull(name, "header name")).toLowerCase(Locale.ROOT);
        if (CREDENTIAL_HEADERS.contains(lower)) {
          throw new IllegalArgumentException(
              name + " cannot be a key header: per-user credentials must never reach a warm request;"
                  + " use CohortCookie to let one signed cohort cookie through");
        }
        set.add(lower);
      }
      keyHeaders = set;
      return this;
    }

    /**
     * Sets the content codings the origin can produce, in server preference order (default
     * {@link #DEFAULT_SUPPORTED_ENCODINGS}). {@code identity} is appended if missing: an origin
     * can always send an uncompressed representation.
     *
     * @param codings coding names such as {@code br}, {@code zstd}, {@code gzip}
     * @return this builder
     * @throws IllegalArgumentException if {@code codings} is empty, a coding is {@code *}, not a
     *     token, or given twice
     * @throws IllegalStateException if the supported encodings were already set
     */
    public Builder supportedEncodings(String... codings) {
      if (encodingsSet) {
        throw new IllegalStateException("supported encodings were already set to " + encodings);
      }
      if (codings.length == 0) {
        throw new IllegalArgumentException("supportedEncodings needs at least one coding such as gzip");
      }
      List<String> list = new ArrayList<>();
      for (String coding : codings) {
        String c = HeaderValidation.requireValidName(Objects.requireNonNull(coding, "coding")).toLowerCase(Locale.ROOT);
        if (c.equals("*") || list.contains(c)) {
          throw new IllegalArgumentException(
              "supported encodings must be distinct coding names but got '" + c + "' in " + List.of(codings));
        }
        list.add(c);
      }
      if (!list.contains(IDENTITY)) {
        list.add(IDENTITY);
      }
      encodings = List.copyOf(list);
      encodingsSet = true;
      return this;
    }

    /**
     * Normalizes {@code Accept-Language} to one of these BCP 47 tags (and puts {@code
     * accept-language} into the key). The default language is the first tag unless {@link
     * #defaultLanguage(String)} says otherwise.
     *
     * @param tags the supported language tags, such as {@code en}, {@code en-US}, {@code de}
     * @return this builder
     * @throws IllegalArgumentException if {@code tags} is empty or a tag is not well-formed BCP 47
     * @throws IllegalStateException if the supported languages were already set
     */
    public Builder supportedLanguages(String... tags) {
      if (!languages.isEmpty()) {
        throw new IllegalStateException("supported languages were already set to " + languages);
      }
      if (tags.length == 0) {
        throw new IllegalArgumentException("supportedLanguages needs at least one language tag such as en");
      }
      List<String> list = new ArrayList<>();
      for (String tag : tags) {
        list.add(requireLanguageTag(tag));
      }
      languages = List.copyOf(list);
      return this;
    }

    /**
     * The language used when nothing the client accepts is supported; it must be one of the
     * supported languages.
     *
     * @param tag a BCP 47 tag
     * @return this builder
     * @throws IllegalArgumentException if the tag is not well-formed BCP 47
     * @throws IllegalStateException if the default language was already set
     */
    public Builder defaultLanguage(String tag) {
      if (defaultLanguage != null) {
        throw new IllegalStateException("default language was already set to " + defaultLanguage);
      }
      defaultLanguage = requireLanguageTag(tag);
      return this;
    }

    /**
     * Puts the {@link DeviceClass} into the key under header {@code name} (use {@link
     * #DEFAULT_DEVICE_CLASS_HEADER} unless the cache uses its own name, such as {@code
     * x-ua-device}).
     *
     * @param name the header name, case-insensitive
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is not an RFC 9110 token
     * @throws IllegalStateException if the device class header was already set
     */
    public Builder deviceClassHeader(String name) {
      if (deviceClassHeader != null) {
        throw new IllegalStateException("device class header was already set to " + deviceClassHeader);
      }
      deviceClassHeader = HeaderValidation.requireValidName(Objects.requireNonNull(name, "name")).toLowerCase(Locale.ROOT);
      return this;
    }

    private static String requireLanguageTag(String tag) {
      Objects.requireNonNull(tag, "language tag");
      if (!tag.matches("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
          || Locale.forLanguageTag(tag).getLanguage().isEmpty()) {
        throw new IllegalArgumentException(
            "'" + HeaderValidation.escape(tag) + "' is not a well-formed BCP 47 language tag such as en or de-CH");
      }
      return tag;
    }

    /**
     * Builds the normalizer.
     *
     * @return an immutable, thread-safe normalizer
     * @throws IllegalStateException if {@code accept-language} is a key header but no supported
     *     languages are configured, or the default language is not a supported language
     */
    public HeaderNormalizer build() {
      Set<String> names = new TreeSet<>(keyHeaders == null ? DEFAULT_KEY_HEADERS : keyHeaders);
      if (!languages.isEmpty()) {
        names.add(ACCEPT_LANGUAGE);
        if (defaultLanguage == null) {
          defaultLanguage = languages.get(0);
        } else {
          String wanted = defaultLanguage;
          defaultLanguage =
              languages.stream()
                  .filter(wanted::equalsIgnoreCase)
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "default language " + wanted + " is not one of the supported languages " + languages));
        }
      } else if (names.contains(ACCEPT_LANGUAGE)) {
        throw new IllegalStateException(
            "accept-language is a key header but no supported languages are configured; call"
                + " supportedLanguages(...) so that it is normalized instead of exploding the key");
      } else if (defaultLanguage != null) {
        throw new IllegalStateException("defaultLanguage needs supportedLanguages(...)");
      }
      if (deviceClassHeader != null) {
        names.add(deviceClassHeader);
      }
      return new HeaderNormalizer(this, Collections.unmodifiableSet(new LinkedHashSet<>(names)));
    }
  }
}
