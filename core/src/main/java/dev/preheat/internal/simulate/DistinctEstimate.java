package dev.preheat.internal.simulate;

import dev.preheat.internal.count.DistinctCounter;
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

  private final DistinctCounter hll = new DistinctCounter();

  void add(String item) {
    if (exact != null && exact.add(item) && exact.size() > EXACT_LIMIT) {
      exact = null;
    }
    hll.add(item);
  }

  /** Whether {@link #estimate()} is exact. */
  boolean isExact() {
    return exact != null;
  }

  long estimate() {
    if (exact != null) {
      return exact.size();
    }
    return hll.estimate();
  }
}
