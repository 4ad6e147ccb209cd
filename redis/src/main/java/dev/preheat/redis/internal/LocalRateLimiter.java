package dev.preheat.redis.internal;

import dev.preheat.redis.RateLimiter;
import java.time.Duration;
import java.util.function.LongSupplier;

/** A token bucket in this process on a nanosecond ticker. */
public final class LocalRateLimiter implements RateLimiter {

  private final double perNano;
  private final double burst;
  private final LongSupplier ticker;
  private double tokens;
  private long last;

  /**
   * A bucket holding one token at the start, so a run does not begin with a whole burst.
   *
   * @throws IllegalArgumentException if {@code perSecond} is not finite and {@code > 0} or
   *     {@code burst < 1}
   */
  public LocalRateLimiter(double perSecond, int burst, LongSupplier ticker) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate must be a finite number > 0 but was " + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be >= 1 but was " + burst);
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.ticker = ticker;
    this.tokens = 1;
    this.last = ticker.getAsLong();
  }

  /** The rate in permits per second. */
  public double perSecond() {
    return perNano * 1e9;
  }

  @Override
  public synchronized Grant tryAcquire(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1 but was " + max);
    }
    long now = ticker.getAsLong();
    if (now > last) {
      tokens = Math.min(burst, tokens + (now - last) * perNano);
      last = now;
    }
    int granted = (int) Math.min(max, Math.floor(tokens + 1e-9));
    if (granted > 0) {
      tokens = Math.max(0, tokens - granted);
      return new Grant(granted, Duration.ZERO);
    }
    return new Grant(0, Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano)));
  }

  @Override
  public String toString() {
    return "RateLimiter.local[" + perNano * 1e9 + "/s, burst " + (long) burst + "]";
  }
}
