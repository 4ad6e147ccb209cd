package dev.preheat.internal.warm;

/**
 * A token bucket on caller-supplied nanosecond time: {@code rate} tokens per second, at most
 * {@code burst} stored. Over any interval of length T it hands out at most {@code burst + rate *
 * T} tokens, which is how the warmer holds its rate cap. Not thread-safe; the engine calls it
 * under its lock.
 */
public final class TokenBucket {

  // Refilling in small steps accumulates rounding error; a token that is one part in 10^9 short
  // counts as whole so a bucket never hands out fewer tokens than its rate.
  private static final double EPSILON = 1e-9;

  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  /**
   * A bucket holding one token: the burst builds up only while the warmer is slower than the
   * rate. Starting full would send a whole burst at once while connections are still being
   * opened, and those requests reach the server bunched together.
   *
   * @param perSecond tokens per second, {@code > 0}
   * @param burst bucket size, {@code >= 1}
   * @param nowNanos the current time
   * @throws IllegalArgumentException if {@code perSecond <= 0} or {@code burst < 1}
   */
  public TokenBucket(double perSecond, int burst, long nowNanos) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate must be a finite number > 0 but was " + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be >= 1 but was " + burst);
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = 1;
    this.last = nowNanos;
  }

  private void refill(long now) {
    if (now > last) {
      tokens = Math.min(burst, tokens + (now - last) * perNano);
      last = now;
    }
  }

  /** Takes a token if one is available at {@code now}. */
  public boolean tryAcquire(long now) {
    return tryAcquire(now, 1) == 1;
  }

  /**
   * Takes as many whole tokens as are available at {@code now}, at most {@code max}, and returns
   * how many it took (0 when none is available; {@link #nanosUntilAvailable} says how long to wait).
   *
   * @throws IllegalArgumentException if {@code max < 1}
   */
  public int tryAcquire(long now, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1 but was " + max);
    }
    refill(now);
    int granted = (int) Math.min(max, Math.floor(tokens + EPSILON));
    if (granted > 0) {
      tokens = Math.max(0, tokens - granted);
    }
    return granted;
  }

  /** The rate in tokens per second. */
  public double perSecond() {
    return perNano * 1e9;
  }

  /** The bucket size. */
  public int burst() {
    return (int) burst;
  }

  /** Nanoseconds from {@code now} until a token is available (0 if one is). */
  public long nanosUntilAvailable(long now) {
    refill(now);
    if (tokens >= 1 - EPSILON) {
      return 0;
    }
    return (long) Math.ceil((1 - tokens) / perNano);
  }
}
