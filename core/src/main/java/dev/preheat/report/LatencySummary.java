package dev.preheat.report;

/**
 * Percentiles of a latency distribution, read from a bounded histogram (relative error below
 * 4%), in milliseconds.
 *
 * @param count how many samples were recorded
 * @param p50Millis median
 * @param p95Millis 95th percentile
 * @param p99Millis 99th percentile
 * @param maxMillis largest sample
 */
public record LatencySummary(
    long count, double p50Millis, double p95Millis, double p99Millis, double maxMillis) {

  /** The summary of no samples: all zero. */
  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0);
}
