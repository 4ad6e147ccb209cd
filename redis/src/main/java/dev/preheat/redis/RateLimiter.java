package dev.preheat.redis;

import dev.preheat.redis.internal.LocalRateLimiter;
import java.time.Duration;

/**
 * A rate cap shared by whoever holds it: this process ({@link #local}) or every instance using
 * the same Redis key ({@link RedisRateLimiter}). Permits are taken in batches, because the
 * primer writes in pipelined batches.
 *
 * <p>Implementations are thread-safe and never hand out more than {@code burst + rate * T}
 * permits over any interval of length T.
 */
public interface RateLimiter {

  /**
   * Takes between 1 and {@code max} permits if any are available now.
   *
   * @param max the most permits wanted, {@code >= 1}
   * @return the permits granted and, when none were, how long to wait before asking again
   * @throws IllegalArgumentException if {@code max < 1}
   */
  Grant tryAcquire(int max);

  /**
   * The answer of {@link #tryAcquire}.
   *
   * @param granted permits taken, 0..max
   * @param retryAfter when {@code granted} is 0, the wait until a permit is expected
   */
  record Grant(int granted, Duration retryAfter) {}

  /**
   * A cap in this process only.
   *
   * @param perSecond permits per second, finite and {@code > 0}
   * @param burst the most permits stored while unused, {@code >= 1}
   * @throws IllegalArgumentException if an argument is out of range
   */
  static RateLimiter local(double perSecond, int burst) {
    return new LocalRateLimiter(perSecond, burst, System::nanoTime);
  }

  /**
   * Blocks until {@code permits} were taken from {@code limiter}, in as many grants as needed.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  static void acquire(RateLimiter limiter, int permits) throws InterruptedException {
    int left = permits;
    while (left > 0) {
      Grant g = limiter.tryAcquire(left);
      if (g.granted() > 0) {
        left -= g.granted();
      } else {
        long nanos = Math.max(100_000L, g.retryAfter().toNanos());
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
      }
    }
  }
}
