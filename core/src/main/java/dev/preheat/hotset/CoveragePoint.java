package dev.preheat.hotset;

/**
 * One point of a coverage curve: the share of demand weight the {@code size} heaviest URLs of the
 * latest window account for.
 *
 * @param size number of URLs, at least 1
 * @param coverage share of the total demand weight, in {@code [0, 1]}
 */
public record CoveragePoint(int size, double coverage) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code size < 1} or {@code coverage} is outside [0, 1]
   */
  public CoveragePoint {
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1 but was " + size);
    }
    if (!(coverage >= 0.0 && coverage <= 1.0)) {
      throw new IllegalArgumentException("coverage must be in [0, 1] but was " + coverage);
    }
  }
}
