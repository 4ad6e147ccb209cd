package dev.preheat.hotset;

/** How demand was counted for a {@link Hotset}; see {@link Hotset#countingMode()}. */
public enum CountingMode {
  /** Every distinct URL had its own exact counter: counts and the distinct total are exact. */
  EXACT,
  /**
   * The memory budget was reached and counting switched to a {@link HeavyHitters} sketch: counts
   * are upper bounds that overestimate by at most {@link Hotset#errorBound()}, and the distinct
   * total is an estimate.
   */
  BOUNDED
}
