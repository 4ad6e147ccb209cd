package dev.preheat.internal.warm;

import dev.preheat.report.LatencySummary;
import java.time.Duration;

/**
 * A bounded log-linear histogram of durations at microsecond resolution: 32 linear sub-buckets
 * per power of two, so any percentile is off by less than 1/32 of its value, in a fixed 1,184
 * counters whatever the number of samples. Not thread-safe.
 */
public final class LatencyHistogram {

  private static final int SUB_BITS = 5;
  private static final int SUB = 1 << SUB_BITS;
  // 2^40 microseconds is about 12.7 days; longer samples are clamped into the last bucket.
  private static final int MAX_EXP = 40;
  private static final int SIZE = (MAX_EXP - SUB_BITS + 2) * SUB;

  private final long[] counts = new long[SIZE];
  private long count;
  private long maxMicros;

  /** Records one sample; negative durations count as zero. */
  public void record(Duration d) {
    long micros = Math.max(0, d.toNanos() / 1000);
    counts[index(micros)]++;
    count++;
    maxMicros = Math.max(maxMicros, micros);
  }

  static int index(long micros) {
    if (micros < SUB) {
      return (int) micros;
    }
    int exp = 63 - Long.numberOfLeadingZeros(micros);
    if (exp > MAX_EXP) {
      return SIZE - 1;
    }
    int sub = (int) ((micros >>> (exp - SUB_BITS)) & (SUB - 1));
    return (exp - SUB_BITS + 1) * SUB + sub;
  }

  /** The midpoint value (microseconds) of bucket {@code index}. */
  static double value(int index) {
    if (index < SUB) {
      return index;
    }
    int exp = index / SUB + SUB_BITS - 1;
    int sub = index % SUB;
    long width = 1L << (exp - SUB_BITS);
    long low = (1L << exp) + sub * width;
    return low + width / 2.0;
  }

  /** The value (microseconds) at quantile {@code q} in 0..1; 0 when empty. */
  public double quantileMicros(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (int i = 0; i < SIZE; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(value(i), maxMicros);
      }
    }
    return maxMicros;
  }

  /** Adds every sample of {@code other}. */
  public void addAll(LatencyHistogram other) {
    for (int i = 0; i < SIZE; i++) {
      counts[i] += other.counts[i];
    }
    count += other.count;
    maxMicros = Math.max(maxMicros, other.maxMicros);
  }

  /** The number of samples. */
  public long count() {
    return count;
  }

  /** p50, p95, p99 and max in milliseconds. */
  public LatencySummary summary() {
    if (count == 0) {
      return LatencySummary.EMPTY;
    }
    return new LatencySummary(count, quantileMicros(0.50) / 1000.0, quantileMicros(0.95) / 1000.0,
        quantileMicros(0.99) / 1000.0, maxMicros / 1000.0);
  }
}
