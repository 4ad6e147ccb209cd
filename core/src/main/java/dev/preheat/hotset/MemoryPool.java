package dev.preheat.hotset;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counting memory budget shared by the sinks of one tally. Each sink may hold a fair share,
 * {@code budget / sinks}, where only sinks that have counted a URL {@linkplain #register()
 * register} (so one sink receiving every worker's sums may use the whole budget), drawn in chunks as its exact map grows, so the hot path touches this
 * shared state once per chunk, not per record. Sinks created after others already hold more than
 * the new fair share still get a sketch of a fair share when they switch; then memory can exceed
 * the budget by up to one share until the others switch (and give their excess back).
 */
final class MemoryPool {

  /** Sinks draw their share in chunks of this fraction of the budget. */
  static final int CHUNKS = 64;

  private final long budget;
  private final long chunk;
  private final AtomicLong remaining;
  private final AtomicInteger sinks = new AtomicInteger();

  MemoryPool(long budget) {
    this.budget = budget;
    this.chunk = Math.max(1, budget / CHUNKS);
    this.remaining = new AtomicLong(budget);
  }

  long budget() {
    return budget;
  }

  void register() {
    sinks.incrementAndGet();
  }

  /** The bytes one sink may hold now. */
  long fairShare() {
    return budget / Math.max(1, sinks.get());
  }

  /**
   * Grants at least {@code needed} more bytes to a sink holding {@code held} (a chunk if
   * possible), or 0 if that would exceed its fair share or the budget.
   */
  long reserve(long needed, long held) {
    long room = fairShare() - held;
    if (needed > room) {
      return 0;
    }
    while (true) {
      long left = remaining.get();
      if (left < needed) {
        return 0;
      }
      long grant = Math.min(Math.min(left, room), Math.max(needed, chunk));
      if (remaining.compareAndSet(left, left - grant)) {
        return grant;
      }
    }
  }

  /** Gives bytes a sink no longer holds back to the pool. */
  void release(long bytes) {
    if (bytes > 0) {
      remaining.addAndGet(bytes);
    }
  }
}
