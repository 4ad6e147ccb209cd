package dev.preheat.simulate;

/**
 * One hotset size of the sweep: the replay warming the previous window's top {@code size} URLs at
 * each window start, the oracle replay warming each window's own top {@code size} URLs (an upper
 * bound no real warmer reaches), and what warming is worth.
 *
 * @param size the hotset size
 * @param warmed the replay with warming from the previous window
 * @param oracle the replay warming the window's own top URLs
 * @param marginalGain avoided misses per extra warm request compared with the previous (smaller)
 *     size, or with no warming for the first size; {@link Double#NaN} when no warm request was
 *     added
 * @param roi the return on investment of {@code warmed}
 * @param oracleRoi the return on investment of {@code oracle}
 */
public record SweepPoint(
    int size,
    CacheFigures warmed,
    CacheFigures oracle,
    double marginalGain,
    Roi roi,
    Roi oracleRoi) {}
