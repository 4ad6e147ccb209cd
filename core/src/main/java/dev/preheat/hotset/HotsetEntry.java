package dev.preheat.hotset;

import java.util.List;
import java.util.Objects;

/**
 * One selected URL of a {@link Hotset}.
 *
 * <p>{@code count}, {@code bytes} and {@code weight} are the URL's demand in the latest window (0
 * for a URL only a blend list contributed and traffic never requested). In {@link
 * CountingMode#BOUNDED} mode the ranked measure ({@code count} for {@link Weight#REQUESTS}, {@code
 * bytes} for {@link Weight#BYTES}) is an upper bound that overestimates by at most {@code error};
 * the other measure is a lower bound (it was only counted while the sketch tracked the URL).
 *
 * @param rank 1-based position in the hotset (warm order)
 * @param url the canonical URL (origin form when a list URL's host is a configured same-site host)
 * @param count requests in the latest window
 * @param bytes response bytes in the latest window
 * @param weight the ranking weight ({@code count} or {@code bytes}, per {@link Weight})
 * @param share {@code weight} as a share of the latest window's total demand weight
 * @param cumulativeCoverage sum of {@code share} over this and all earlier-ranked entries
 * @param provenance the sources that selected this URL, in order: {@value #TRAFFIC} and/or list
 *     names
 * @param error the maximum overestimate of {@code weight}; 0 in exact mode
 */
public record HotsetEntry(
    int rank,
    String url,
    long count,
    long bytes,
    long weight,
    double share,
    double cumulativeCoverage,
    List<String> provenance,
    long error) {

  /** The provenance name of the traffic selection. */
  public static final String TRAFFIC = "traffic";

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if {@code url} or {@code provenance} is null
   * @throws IllegalArgumentException if {@code rank < 1}, a measure is negative or the provenance
   *     is empty
   */
  public HotsetEntry {
    Objects.requireNonNull(url, "url");
    provenance = List.copyOf(provenance);
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be >= 1 but was " + rank);
    }
    if (count < 0 || bytes < 0 || weight < 0 || error < 0) {
      throw new IllegalArgumentException(
          "count, bytes, weight and error must be >= 0 for " + url);
    }
    if (provenance.isEmpty()) {
      throw new IllegalArgumentException("provenance must not be empty for " + url);
    }
  }

  /** Whether the traffic selection chose this URL. */
  public boolean fromTraffic() {
    return provenance.contains(TRAFFIC);
  }
}
