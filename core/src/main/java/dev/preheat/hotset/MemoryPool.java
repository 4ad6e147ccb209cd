package dev.preheat.hotset;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The counting memory budget shared by the sinks of one tally. Sinks draw it in chunks as their
 * exact maps grow, so workers that see more distinct URLs get a larger share, and the hot path only
 * touches this shared counter once per chunk, not per record.
 */
final class MemoryPool {

  /** Sinks draw the budget in chunks of this fraction of it. */
  static final int CHUNKS = 64;

  private final long budget;
  private final long chunk;
  private final AtomicLong remaining;

  MemoryPool(long budget) {
    this.budget = budget;
    this.chunk = Math.max(1, budget / CHUNKS);
    this.remaining = new AtomicLong(budget);
  }

  long budget() {
    return budget;
  }

  /** Grants at least {@code needed} bytes (a whole chunk if possible), or 0 if not available. */
  long reserve(long needed) {
    while (true) {
      long left = remaining.get();
      if (left < needed) {
        return 0;
      }
      long grant = Math.min(left, Math.max(needed, chunk));
      if (remaining.compareAndSet(left, left - grant)) {
        return grant;
      }
    }
  }
}
