package dev.preheat.hotset;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of a {@link HotsetSelector}: ranked entries in warm order, the coverage curve, the
 * figures that explain the selection and every clamp that cut something. Immutable and
 * thread-safe.
 */
public final class Hotset {

  private final List<HotsetEntry> entries;
  private final List<CoveragePoint> coverageCurve;
  private final long recordsSeen;
  private final long requestsSeen;
  private final long demandRecords;
  private final long demandWeight;
  private final Map<FilterReason, Long> filtered;
  private final long untimedRecords;
  private final long distinctUrls;
  private final double coverageReached;
  private final CountingMode countingMode;
  private final int sketchCapacity;
  private final long errorBound;
  private final Weight weight;
  private final List<Clamp> clamps;

  Hotset(
      List<HotsetEntry> entries,
      List<CoveragePoint> coverageCurve,
      long recordsSeen,
      long requestsSeen,
      long demandRecords,
      long demandWeight,
      Map<FilterReason, Long> filtered,
      long untimedRecords,
      long distinctUrls,
      double coverageReached,
      CountingMode countingMode,
      int sketchCapacity,
      long errorBound,
      Weight weight,
      List<Clamp> clamps) {
    this.entries = List.copyOf(entries);
    this.coverageCurve = List.copyOf(coverageCurve);
    this.recordsSeen = recordsSeen;
    this.requestsSeen = requestsSeen;
    this.demandRecords = demandRecords;
    this.demandWeight = demandWeight;
    this.filtered = Collections.unmodifiableMap(new EnumMap<>(filtered));
    this.untimedRecords = untimedRecords;
    this.distinctUrls = distinctUrls;
    this.coverageReached = coverageReached;
    this.countingMode = countingMode;
    this.sketchCapacity = sketchCapacity;
    this.errorBound = errorBound;
    this.weight = weight;
    this.clamps = List.copyOf(clamps);
  }

  /** The selected entries in warm order; {@code entries().get(i).rank() == i + 1}. */
  public List<HotsetEntry> entries() {
    return entries;
  }

  /** The selected URLs in warm order. */
  public List<String> urls() {
    return entries.stream().map(HotsetEntry::url).toList();
  }

  /** The number of selected entries. */
  public int size() {
    return entries.size();
  }

  /**
   * Coverage of the latest window's demand weight by its heaviest URLs (before sustain, caps and
   * blending) at sizes 1, 10, 100, ... below the number of ranked URLs, at that number, and at the
   * selected size; ascending by size, no duplicates. Empty without demand.
   */
  public List<CoveragePoint> coverageCurve() {
    return coverageCurve;
  }

  /** Records received, whatever happened to them. */
  public long recordsSeen() {
    return recordsSeen;
  }

  /** Requests received: the sum of the records' counts. */
  public long requestsSeen() {
    return requestsSeen;
  }

  /** Records that counted as demand in one of the windows. */
  public long demandRecords() {
    return demandRecords;
  }

  /** The total demand weight of the latest window: the denominator of every share. */
  public long demandWeight() {
    return demandWeight;
  }

  /** Records that did not count, by reason; every reason is present (0 if none). */
  public Map<FilterReason, Long> filtered() {
    return filtered;
  }

  /** Records outside the windows: before the oldest or after the end. */
  public long outsideWindow() {
    return filtered.get(FilterReason.BEFORE_WINDOW) + filtered.get(FilterReason.AFTER_WINDOW);
  }

  /**
   * Demand records without a timestamp (e.g. counts CSV) that were counted in the latest window
   * although windows were configured; 0 without windows.
   */
  public long untimedRecords() {
    return untimedRecords;
  }

  /**
   * Distinct URLs with demand in the latest window: exact in {@link CountingMode#EXACT} mode, a
   * HyperLogLog estimate (about 1% error) in {@link CountingMode#BOUNDED} mode.
   */
  public long distinctUrls() {
    return distinctUrls;
  }

  /** The number of entries that came from traffic or lists, after all caps. */
  public int selectedCount() {
    return entries.size();
  }

  /** The share of the latest window's demand weight the selected entries cover, in [0, 1]. */
  public double coverageReached() {
    return coverageReached;
  }

  /** How demand was counted. */
  public CountingMode countingMode() {
    return countingMode;
  }

  /** The latest window's sketch capacity in bounded mode; 0 in exact mode. */
  public int sketchCapacity() {
    return sketchCapacity;
  }

  /**
   * In bounded mode the most any latest-window weight is overestimated, and the largest weight a
   * URL missing from the ranking can have; 0 in exact mode.
   */
  public long errorBound() {
    return errorBound;
  }

  /** The weight the entries were ranked by. */
  public Weight weight() {
    return weight;
  }

  /** Every limit that cut or changed the selection; empty when nothing was clamped. */
  public List<Clamp> clamps() {
    return clamps;
  }

  /** A multi-line, human-readable summary (not the entries). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "Hotset: %d entries covering %.2f%% of %s demand weight %d%n",
        entries.size(), coverageReached * 100, weight, demandWeight));
    sb.append(String.format(Locale.ROOT,
        "  records seen %d (requests %d), demand %d, distinct URLs %s%d, filtered %s%n",
        recordsSeen, requestsSeen, demandRecords,
        countingMode == CountingMode.BOUNDED ? "~" : "", distinctUrls, filtered));
    if (untimedRecords > 0) {
      sb.append("  ").append(untimedRecords)
          .append(" records had no timestamp and were counted in the latest window\n");
    }
    sb.append("  counting ").append(countingMode);
    if (countingMode == CountingMode.BOUNDED) {
      sb.append(" (capacity ").append(sketchCapacity).append(", error <= ").append(errorBound)
          .append(')');
    }
    sb.append('\n');
    for (Clamp c : clamps) {
      sb.append("  clamp ").append(c).append('\n');
    }
    return sb.toString();
  }
}
