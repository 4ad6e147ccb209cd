package dev.preheat.internal.simulate;

import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The number of distinct URLs: exact up to {@link #EXACT_LIMIT} (a set of them), then a
 * HyperLogLog estimate, as the hotset's counter (relative standard error about 1.04 / sqrt(2^14)
 * = 0.8%, 16 KiB). Not thread-safe.
 */
final class DistinctEstimate {

  /** Counted exactly up to this many distinct URLs. */
  static final int EXACT_LIMIT = 50_000;

  private @Nullable Set<String> exact = new HashSet<>();

  private static final int P = 14;
  private static final int M = 1 << P;

  private final byte[] registers = new byte[M];

  void add(String item) {
    if (exact != null && exact.add(item) && exact.size() > EXACT_LIMIT) {
      exact = null;
    }
    long h = mix(item.hashCode() * 0x9E3779B97F4A7C15L + item.length());
    int idx = (int) (h >>> (64 - P));
    int rank = Long.numberOfLeadingZeros((h << P) | (1L << (P - 1))) + 1;
    if (rank > registers[idx]) {
      registers[idx] = (byte) rank;
    }
  }

  /** Whether {@link #estimate()} is exact. */
  boolean isExact() {
    return exact != null;
  }

  long estimate() {
    if (exact != null) {
      return exact.size();
    }
    double sum = 0;
    int zeros = 0;
    for (byte r : registers) {
      sum += 1.0 / (1L << r);
      if (r == 0) {
        zeros++;
      }
    }
    double alpha = 0.7213 / (1 + 1.079 / M);
    double raw = alpha * M * M / sum;
    if (raw <= 2.5 * M && zeros > 0) {
      return Math.round(M * Math.log((double) M / zeros));
    }
    return Math.round(raw);
  }

  /** The 64-bit finalizer of MurmurHash3, so that String hash codes spread over all bits. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
