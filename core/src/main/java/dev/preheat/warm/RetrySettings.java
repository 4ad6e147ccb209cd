package dev.preheat.warm;

import java.time.Duration;
import java.util.Objects;

/**
 * How transient failures (connect errors, timeouts, 502/503/504, 429) are retried: exponential
 * backoff with full jitter, bounded attempts. The delay before attempt {@code n+1} is uniformly
 * random in {@code [0, min(maxDelay, baseDelay * 2^(n-1))]}; a {@code Retry-After} header sets a
 * lower bound.
 *
 * @param maxAttempts attempts per target including the first, {@code >= 1} (1 disables retries)
 * @param baseDelay the backoff ceiling of the first retry, {@code > 0}
 * @param maxDelay the largest backoff ceiling, {@code >= baseDelay}
 */
public record RetrySettings(int maxAttempts, Duration baseDelay, Duration maxDelay) {

  /** Default attempts per target: {@value}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** Default base delay: 200 ms. */
  public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(200);
  /** Default maximum delay: 10 s. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);
  /** The defaults. */
  public static final RetrySettings DEFAULTS =
      new RetrySettings(DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY);
  /** No retries: one attempt per target. */
  public static final RetrySettings NONE = new RetrySettings(1, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY);

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if a value is out of range (the message names it)
   */
  public RetrySettings {
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
    }
    if (baseDelay.isNegative() || baseDelay.isZero()) {
      throw new IllegalArgumentException("baseDelay must be > 0 but was " + baseDelay);
    }
    if (maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay must be >= baseDelay (" + baseDelay + ") but was " + maxDelay);
    }
  }

  /** The backoff ceiling before attempt {@code attempt + 1}, after attempt {@code attempt} failed. */
  Duration ceiling(int attempt) {
    int shift = Math.min(30, Math.max(0, attempt - 1));
    long nanos = baseDelay.toNanos();
    long ceiling = nanos > (maxDelay.toNanos() >> shift) ? maxDelay.toNanos() : nanos << shift;
    return Duration.ofNanos(Math.min(ceiling, maxDelay.toNanos()));
  }
}
