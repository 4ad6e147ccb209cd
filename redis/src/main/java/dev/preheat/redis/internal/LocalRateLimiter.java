package dev.preheat.redis.internal;

import dev.preheat.internal.warm.TokenBucket;
import dev.preheat.redis.RateLimiter;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket in this process on a nanosecond ticker: the warmer's own {@link TokenBucket}
 * (same refill, same one-token start), made thread-safe and read from {@code ticker}.
 */
public final class LocalRateLimiter implements RateLimiter {

  private final TokenBucket bucket;
  private final LongSupplier ticker;

  /**
   * A bucket holding one token at the start, so a run does not begin with a whole burst.
   *
   * @throws IllegalArgumentException if {@code perSecond} is not finite and {@code > 0} or
   *     {@code burst < 1}
   */
  public LocalRateLimiter(double perSecond, int burst, LongSupplier ticker) {
    this.bucket = new TokenBucket(perSecond, burst, ticker.getAsLong());
    this.ticker = ticker;
  }

  /** The rate in permits per second. */
  public double perSecond() {
    return bucket.perSecond();
  }

  @Override
  public synchronized Grant tryAcquire(int max) {
    long now = ticker.getAsLong();
    int granted = bucket.tryAcquire(now, max);
    if (granted > 0) {
      return new Grant(granted, Duration.ZERO);
    }
    return new Grant(0, Duration.ofNanos(bucket.nanosUntilAvailable(now)));
  }

  @Override
  public String toString() {
    return "RateLimiter.local[" + bucket.perSecond() + "/s, burst " + bucket.burst() + "]";
  }
}
