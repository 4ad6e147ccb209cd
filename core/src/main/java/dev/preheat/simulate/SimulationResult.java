package dev.preheat.simulate;

import dev.preheat.source.ReadStats;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Simulator} found: the windows, the replay without warming, one {@link SweepPoint}
 * per hotset size (warming from the previous window, the oracle, the gain and the return on
 * investment) and the recommended size. Every figure covers the evaluated windows only. Immutable
 * and thread-safe.
 */
public final class SimulationResult {

  private final SimulationSettings settings;
  private final ReadStats readStats;
  private final long recordsSeen;
  private final long replayed;
  private final long untimed;
  private final long otherMethod;
  private final long otherStatus;
  private final int distinctUrls;
  private final List<SimulatedWindow> windows;
  private final CacheFigures baseline;
  private final List<SweepPoint> points;
  private final List<Integer> droppedSizes;
  private final int recommendedSize;
  private final long lateRequests;
  private final boolean distinctUrlsExact;
  private final long peakBufferedRequests;
  private final long peakUrlIds;

  SimulationResult(SimulationSettings settings, ReadStats readStats, long recordsSeen,
      long replayed, long untimed, long otherMethod, long otherStatus, int distinctUrls,
      boolean distinctUrlsExact, long lateRequests, List<SimulatedWindow> windows,
      CacheFigures baseline, List<SweepPoint> points, List<Integer> droppedSizes,
      int recommendedSize, long peakBufferedRequests, long peakUrlIds) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.readStats = Objects.requireNonNull(readStats, "readStats");
    this.recordsSeen = recordsSeen;
    this.replayed = replayed;
    this.untimed = untimed;
    this.otherMethod = otherMethod;
    this.otherStatus = otherStatus;
    this.distinctUrls = distinctUrls;
    this.windows = List.copyOf(windows);
    this.baseline = Objects.requireNonNull(baseline, "baseline");
    this.points = List.copyOf(points);
    this.droppedSizes = List.copyOf(droppedSizes);
    this.recommendedSize = recommendedSize;
    this.lateRequests = lateRequests;
    this.distinctUrlsExact = distinctUrlsExact;
    this.peakBufferedRequests = peakBufferedRequests;
    this.peakUrlIds = peakUrlIds;
  }

  /** The settings of the run. */
  public SimulationSettings settings() {
    return settings;
  }

  /** What the log reader read; {@link ReadStats#empty()} when records were given directly. */
  public ReadStats readStats() {
    return readStats;
  }

  /** Records received from the source (each standing for {@code count} requests). */
  public long recordsSeen() {
    return recordsSeen;
  }

  /** Requests replayed through the cache, in all windows (the first one included). */
  public long replayedRequests() {
    return replayed;
  }

  /** Records skipped because they carry no timestamp. */
  public long untimedRecords() {
    return untimed;
  }

  /** Records skipped because their method is not GET or HEAD. */
  public long otherMethodRecords() {
    return otherMethod;
  }

  /** Records skipped because their status is not 200 or 304. */
  public long otherStatusRecords() {
    return otherStatus;
  }

  /**
   * Distinct URLs among the replayed requests: exact up to 50,000, then a HyperLogLog estimate
   * (relative standard error about 0.8%), since the log is streamed and its URLs are not all kept.
   */
  public int distinctUrls() {
    return distinctUrls;
  }

  /** Whether {@link #distinctUrls()} is exact rather than estimated. */
  public boolean distinctUrlsExact() {
    return distinctUrlsExact;
  }

  /**
   * Requests skipped because they were read after their window had been replayed (a request
   * read before them was {@link SimulationSettings#reorder()} or more past their window's end).
   * Zero for a log in time order, or files that each are (they are merged by time).
   */
  public long lateRequests() {
    return lateRequests;
  }

  /** The most requests buffered at once (for tests of the memory bound). */
  long peakBufferedRequests() {
    return peakBufferedRequests;
  }

  /** The most URL ids in use at once (for tests of the memory bound). */
  long peakUrlIds() {
    return peakUrlIds;
  }

  /** The windows in time order; the first is not evaluated. */
  public List<SimulatedWindow> windows() {
    return windows;
  }

  /** The replay without warming. */
  public CacheFigures baseline() {
    return baseline;
  }

  /** One point per swept size, ascending. */
  public List<SweepPoint> points() {
    return points;
  }

  /**
   * Default sizes left out because no window had that many distinct URLs (the point would equal
   * the previous one); empty when sizes were given explicitly.
   */
  public List<Integer> droppedSizes() {
    return droppedSizes;
  }

  /**
   * The recommended hotset size: the largest swept size up to which every step (from no warming
   * to the first size, then from size to size) avoided at least {@link
   * SimulationSettings#minGain()} misses per extra warm request. Empty when even the first step
   * fell short: warming does not pay at these sizes.
   */
  public Optional<SweepPoint> recommended() {
    for (SweepPoint p : points) {
      if (p.size() == recommendedSize) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The swept point with the largest savings, if any point saves more than it costs. */
  public Optional<SweepPoint> mostSavings() {
    SweepPoint best = null;
    for (SweepPoint p : points) {
      if (p.roi().savings() > 0 && (best == null || p.roi().savings() > best.roi().savings())) {
        best = p;
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public String toString() {
    return "SimulationResult{windows=" + windows.size() + ", replayed=" + replayed
        + ", distinctUrls=" + distinctUrls + ", late=" + lateRequests
        + ", baselineHitRatio=" + baseline.hitRatio()
        + ", points=" + points.size() + ", recommendedSize=" + recommendedSize + "}";
  }
}
