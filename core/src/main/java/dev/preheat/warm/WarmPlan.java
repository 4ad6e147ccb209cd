package dev.preheat.warm;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What to warm: entries (absolute URLs, each with a weight and provenance) times variants (the
 * header sets real users send). Entries are ordered by descending weight, ties by URL, so the
 * hottest URLs are warmed first whatever order they were added in.
 *
 * <p>A plan has a {@linkplain #hash() stable hash}: SHA-256 over its canonical content (URLs,
 * weights, size hints, variant names and headers; provenance is metadata and excluded), equal for
 * equal inputs added in any order. Checkpoints are recorded under it.
 *
 * <p>Immutable and thread-safe.
 */
public final class WarmPlan {

  private final List<Entry> entries;
  private final List<WarmVariant> variants;
  private final String hash;

  private WarmPlan(List<Entry> entries, List<WarmVariant> variants) {
    this.entries = List.copyOf(entries);
    this.variants = List.copyOf(variants);
    this.hash = computeHash();
  }

  /**
   * One URL to warm.
   *
   * @param url the absolute http(s) URL
   * @param weight how hot the URL is (larger first); finite and {@code >= 0}
   * @param provenance where the entry came from (e.g. {@code access.log}, {@code sitemap.xml})
   * @param sizeHint the expected body size in bytes, or 0 when unknown; used by the byte budget
   */
  public record Entry(URI url, double weight, String provenance, long sizeHint) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if the URL is not absolute http(s) with a host, the weight
     *     is negative or not finite, or the size hint is negative
     */
    public Entry {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(provenance, "provenance");
      String scheme = url.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || url.getHost() == null) {
        throw new IllegalArgumentException(
            "plan entry URL must be an absolute http(s) URL with a host but was " + url);
      }
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException(
            "weight of " + url + " must be a finite number >= 0 but was " + weight);
      }
      if (sizeHint < 0) {
        throw new IllegalArgumentException(
            "sizeHint of " + url + " must be >= 0 but was " + sizeHint);
      }
    }

    /** The lower-case host of {@link #url()}. */
    public String host() {
      return Objects.requireNonNull(url.getHost()).toLowerCase(Locale.ROOT);
    }
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The entries, hottest first. */
  public List<Entry> entries() {
    return entries;
  }

  /** The variants, in name order; at least one. */
  public List<WarmVariant> variants() {
    return variants;
  }

  /** The number of targets, entries times variants. */
  public int targetCount() {
    return entries.size() * variants.size();
  }

  /**
   * The targets in warm order: for each entry (hottest first) every variant. Creates a new list
   * on each call.
   */
  public List<WarmTarget> targets() {
    List<WarmTarget> targets = new ArrayList<>(targetCount());
    for (Entry e : entries) {
      for (WarmVariant v : variants) {
        targets.add(new WarmTarget(e, v));
      }
    }
    return targets;
  }

  /** The stable SHA-256 hash of the canonical content, as 64 lower-case hex digits. */
  public String hash() {
    return hash;
  }

  private String computeHash() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    StringBuilder b = new StringBuilder("preheat-plan-v1\n");
    for (WarmVariant v : variants) {
      b.append("V\t").append(v.name());
      TreeMap<String, String> sorted = new TreeMap<>();
      v.headers().forEach((n, val) -> sorted.put(n.toLowerCase(Locale.ROOT), val));
      sorted.forEach((n, val) -> b.append('\t').append(n).append(':').append(val));
      b.append('\n');
    }
    for (Entry e : entries) {
      b.append("E\t").append(e.url()).append('\t')
          .append(BigDecimal.valueOf(e.weight()).stripTrailingZeros().toPlainString())
          .append('\t').append(e.sizeHint()).append('\n');
    }
    return HexFormat.of().formatHex(sha.digest(b.toString().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "WarmPlan[entries=" + entries.size() + ", variants=" + variants.size()
        + ", hash=" + hash.substring(0, 12) + "]";
  }

  /**
   * Builds a {@link WarmPlan}. Entries given as paths are resolved against the {@link
   * #baseUrl(URI) base URL}. An entry added twice (same resolved URL) keeps the larger weight and
   * size hint. Not thread-safe.
   */
  public static final class Builder {

    private @Nullable URI baseUrl;
    private final List<String[]> raw = new ArrayList<>();
    private final List<double[]> rawNumbers = new ArrayList<>();
    private final Map<String, WarmVariant> variants = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the URL that path entries ({@code /a/b?c}) are resolved against.
     *
     * @throws IllegalArgumentException if {@code base} is not an absolute http(s) URL
     * @throws IllegalStateException if the base URL was already set
     */
    public Builder baseUrl(URI base) {
      Objects.requireNonNull(base, "base");
      if (baseUrl != null) {
        throw new IllegalStateException("baseUrl was already set to " + baseUrl);
      }
      new Entry(base, 0, "base", 0);
      this.baseUrl = base;
      return this;
    }

    /** Adds an entry with no size hint; see {@link #entry(String, double, String, long)}. */
    public Builder entry(String urlOrPath, double weight, String provenance) {
      return entry(urlOrPath, weight, provenance, 0);
    }

    /**
     * Adds an entry. Validation of the URL happens in {@link #build()}, which names the entry.
     *
     * @param urlOrPath an absolute http(s) URL, or a path starting with {@code /}
     * @param weight how hot (finite, {@code >= 0})
     * @param provenance where it came from
     * @param sizeHint expected body bytes, 0 when unknown
     */
    public Builder entry(String urlOrPath, double weight, String provenance, long sizeHint) {
      Objects.requireNonNull(urlOrPath, "urlOrPath");
      Objects.requireNonNull(provenance, "provenance");
      raw.add(new String[] {urlOrPath, provenance});
      rawNumbers.add(new double[] {weight, sizeHint});
      return this;
    }

    /**
     * Adds a variant.
     *
     * @throws IllegalArgumentException if a variant of that name was already added
     */
    public Builder variant(WarmVariant variant) {
      Objects.requireNonNull(variant, "variant");
      if (variants.putIfAbsent(variant.name(), variant) != null) {
        throw new IllegalArgumentException("variant '" + variant.name() + "' was already added");
      }
      return this;
    }

    /**
     * Builds the plan. Without variants the plan has one, {@link WarmVariant#defaultVariant()}.
     *
     * @throws IllegalArgumentException naming the entry (its index and text) when it is not a
     *     valid absolute URL or path, when a path is given without a base URL, or when its weight
     *     or size hint is invalid
     */
    public WarmPlan build() {
      Map<URI, Entry> byUrl = new LinkedHashMap<>();
      for (int i = 0; i < raw.size(); i++) {
        String text = raw.get(i)[0];
        Entry entry;
        try {
          entry = new Entry(resolve(text), rawNumbers.get(i)[0], raw.get(i)[1],
              (long) rawNumbers.get(i)[1]);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("plan entry #" + (i + 1) + " '" + text + "' ("
              + raw.get(i)[1] + "): " + e.getMessage(), e);
        }
        byUrl.merge(entry.url(), entry, (a, b) -> new Entry(a.url(),
            Math.max(a.weight(), b.weight()),
            a.weight() > b.weight() || (a.weight() == b.weight()
                && a.provenance().compareTo(b.provenance()) <= 0) ? a.provenance()
                : b.provenance(),
            Math.max(a.sizeHint(), b.sizeHint())));
      }
      List<Entry> entries = new ArrayList<>(byUrl.values());
      entries.sort(Comparator.comparingDouble(Entry::weight).reversed()
          .thenComparing(e -> e.url().toString()));
      List<WarmVariant> vs = new ArrayList<>(variants.values());
      if (vs.isEmpty()) {
        vs.add(WarmVariant.defaultVariant());
      }
      vs.sort(Comparator.comparing(WarmVariant::name));
      return new WarmPlan(entries, vs);
    }

    private URI resolve(String text) {
      URI uri;
      try {
        uri = new URI(text);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a valid URI: " + e.getMessage(), e);
      }
      if (uri.isAbsolute()) {
        return uri;
      }
      if (!text.startsWith("/")) {
        throw new IllegalArgumentException(
            "must be an absolute http(s) URL or a path starting with '/'");
      }
      if (baseUrl == null) {
        throw new IllegalArgumentException("is a path but no baseUrl was set; call baseUrl(...)");
      }
      return baseUrl.resolve(uri);
    }
  }
}
