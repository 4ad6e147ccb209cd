package dev.preheat.internal.count;

/**
 * A HyperLogLog estimate of the number of distinct URLs once counting is bounded (relative standard
 * error about 1.04 / sqrt(2^14) = 0.8%, 16 KiB), used by the hotset's bounded counting and by the
 * simulator. Not thread-safe; merge per-worker instances.
 */
public final class DistinctCounter {

  private static final int P = 14;
  private static final int M = 1 << P;

  private final byte[] registers = new byte[M];

  /** Adds one occurrence of {@code item}. */
  public void add(String item) {
    long h = mix(item.hashCode() * 0x9E3779B97F4A7C15L + item.length());
    int idx = (int) (h >>> (64 - P));
    int rank = Long.numberOfLeadingZeros((h << P) | (1L << (P - 1))) + 1;
    if (rank > registers[idx]) {
      registers[idx] = (byte) rank;
    }
  }

  /** Adds everything {@code other} has seen. */
  public void merge(DistinctCounter other) {
    for (int i = 0; i < M; i++) {
      if (other.registers[i] > registers[i]) {
        registers[i] = other.registers[i];
      }
    }
  }

  /** The estimated number of distinct items added. */
  public long estimate() {
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
