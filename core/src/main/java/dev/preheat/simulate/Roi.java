package dev.preheat.simulate;

/**
 * The return on investment of one warming line against no warming, priced by a {@link CostModel}.
 *
 * @param missCostBefore what the misses cost without warming
 * @param missCostAfter what the misses cost with warming
 * @param warmCost what the warm requests cost
 * @param savings {@code missCostBefore - missCostAfter - warmCost}; negative when warming costs
 *     more than it saves
 * @param breakevenMsPerMiss the origin CPU per miss, in milliseconds, at which the savings would
 *     be zero with the other prices unchanged: warming pays off when a miss costs the origin more
 *     than this. 0 when it pays off whatever a miss costs, {@link Double#NaN} when warming avoided
 *     no miss (it can never pay off)
 */
public record Roi(
    double missCostBefore,
    double missCostAfter,
    double warmCost,
    double savings,
    double breakevenMsPerMiss) {

  /** Prices {@code after} against {@code before}. */
  static Roi of(CostModel costs, CacheFigures before, CacheFigures after) {
    double missBefore = costs.missCost(before.misses(), before.missBytes());
    double missAfter = costs.missCost(after.misses(), after.missBytes());
    double warm = costs.warmCost(after.warmRequests(), after.warmBytes());
    long avoided = before.misses() - after.misses();
    double breakeven;
    if (avoided <= 0) {
      breakeven = Double.NaN;
    } else {
      // savings(ms) = avoided * (ms * perOriginMs + perRequest) + byte savings - warm = 0
      double withoutCpu = avoided * costs.perRequest()
          + (costs.missCost(0, before.missBytes()) - costs.missCost(0, after.missBytes())) - warm;
      double perMs = costs.perOriginMs() * avoided;
      breakeven = withoutCpu >= 0 ? 0 : perMs == 0 ? Double.NaN : -withoutCpu / perMs;
    }
    return new Roi(missBefore, missAfter, warm, missBefore - missAfter - warm, breakeven);
  }
}
