package dev.preheat.warm;

import java.time.Duration;
import java.util.Objects;

/**
 * The per-host circuit breaker. It opens when, over the last {@code windowSize} requests to a
 * host (and at least {@code minimumRequests}), the share of failures (connect errors, timeouts,
 * 5xx) reaches {@code failureRateThreshold}. While open, the host's targets wait. After {@code
 * openDuration} it is half-open: probes go one at a time; {@code probes} successes close it, one
 * failure opens it again. After closing, the host is held to {@code recoveryRate} requests per
 * second for {@code recoveryDuration}. Every opening is counted and reported.
 *
 * @param windowSize the sliding window, in requests, {@code >= 1}
 * @param minimumRequests requests needed in the window before it can open, 1..windowSize
 * @param failureRateThreshold the failure share that opens it, in (0, 1]
 * @param openDuration how long it stays open before probing, {@code > 0}
 * @param probes successful probes needed to close, {@code >= 1}
 * @param recoveryRate requests per second to the host right after closing, {@code > 0}
 * @param recoveryDuration how long the reduced rate holds, {@code >= 0}
 */
public record BreakerSettings(
    int windowSize,
    int minimumRequests,
    double failureRateThreshold,
    Duration openDuration,
    int probes,
    double recoveryRate,
    Duration recoveryDuration) {

  /** The defaults: 20-request window, 10 minimum, 50%, open 30 s, 3 probes, 5/s for 30 s. */
  public static final BreakerSettings DEFAULTS = new BreakerSettings(
      20, 10, 0.5, Duration.ofSeconds(30), 3, 5.0, Duration.ofSeconds(30));

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if a value is out of range (the message names it)
   */
  public BreakerSettings {
    Objects.requireNonNull(openDuration, "openDuration");
    Objects.requireNonNull(recoveryDuration, "recoveryDuration");
    if (windowSize < 1) {
      throw new IllegalArgumentException("windowSize must be >= 1 but was " + windowSize);
    }
    if (minimumRequests < 1 || minimumRequests > windowSize) {
      throw new IllegalArgumentException("minimumRequests must be in 1.." + windowSize
          + " (the window size) but was " + minimumRequests);
    }
    if (!(failureRateThreshold > 0 && failureRateThreshold <= 1)) {
      throw new IllegalArgumentException(
          "failureRateThreshold must be in (0, 1] but was " + failureRateThreshold);
    }
    if (openDuration.isNegative() || openDuration.isZero()) {
      throw new IllegalArgumentException("openDuration must be > 0 but was " + openDuration);
    }
    if (probes < 1) {
      throw new IllegalArgumentException("probes must be >= 1 but was " + probes);
    }
    if (!(recoveryRate > 0) || Double.isInfinite(recoveryRate)) {
      throw new IllegalArgumentException("recoveryRate must be a finite number > 0 but was " + recoveryRate);
    }
    if (recoveryDuration.isNegative()) {
      throw new IllegalArgumentException("recoveryDuration must be >= 0 but was " + recoveryDuration);
    }
  }
}
