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
 * <p><b>Giving a host up.</b> A dead origin would otherwise keep the run waiting for ever: each
 * failed probe opens the breaker for another {@code openDuration}. When the breaker opens for the
 * {@code giveUpAfter}-th time in a row (no close in between), the host is given up instead: its
 * remaining targets (queued, waiting to retry, or waiting on the breaker) end {@link
 * Outcome#FAILED} at once with a detail starting {@code "breaker open"}, no further request goes
 * to the host, and the listener hears {@code paused(host, "breaker open: host given up ...",
 * Duration.ZERO)}. Requests already in flight finish normally. With the defaults a dead host is
 * given up about a minute after its first opening (open, 30 s, failed probe, 30 s, failed probe);
 * {@code 0} never gives up (the host is probed every {@code openDuration} until the run's deadline
 * or cancellation).
 *
 * @param windowSize the sliding window, in requests, {@code >= 1}
 * @param minimumRequests requests needed in the window before it can open, 1..windowSize
 * @param failureRateThreshold the failure share that opens it, in (0, 1]
 * @param openDuration how long it stays open before probing, {@code > 0}
 * @param probes successful probes needed to close, {@code >= 1}
 * @param recoveryRate requests per second to the host right after closing, {@code > 0}
 * @param recoveryDuration how long the reduced rate holds, {@code >= 0}
 * @param giveUpAfter openings in a row after which the host is given up, {@code >= 0} ({@code 0}:
 *     never)
 */
public record BreakerSettings(
    int windowSize,
    int minimumRequests,
    double failureRateThreshold,
    Duration openDuration,
    int probes,
    double recoveryRate,
    Duration recoveryDuration,
    int giveUpAfter) {

  /** Default for {@link #giveUpAfter()}: a host is given up when its breaker opens 3 times in a row. */
  public static final int DEFAULT_GIVE_UP_AFTER = 3;

  /**
   * The defaults: 20-request window, 10 minimum, 50%, open 30 s, 3 probes, 5/s for 30 s, given up
   * after {@value #DEFAULT_GIVE_UP_AFTER} openings in a row.
   */
  public static final BreakerSettings DEFAULTS = new BreakerSettings(
      20, 10, 0.5, Duration.ofSeconds(30), 3, 5.0, Duration.ofSeconds(30), DEFAULT_GIVE_UP_AFTER);

  /**
   * Settings that give a host up after {@value #DEFAULT_GIVE_UP_AFTER} openings in a row.
   *
   * @throws IllegalArgumentException if a value is out of range (the message names it)
   */
  public BreakerSettings(int windowSize, int minimumRequests, double failureRateThreshold,
      Duration openDuration, int probes, double recoveryRate, Duration recoveryDuration) {
    this(windowSize, minimumRequests, failureRateThreshold, openDuration, probes, recoveryRate,
        recoveryDuration, DEFAULT_GIVE_UP_AFTER);
  }

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
    if (giveUpAfter < 0) {
      throw new IllegalArgumentException("giveUpAfter must be >= 0 (0: never give a host up) but"
          + " was " + giveUpAfter);
    }
  }

  /**
   * These settings with {@link #giveUpAfter()} replaced.
   *
   * @param openings openings in a row after which a host is given up; {@code 0} never gives up
   * @throws IllegalArgumentException if {@code openings < 0}
   */
  public BreakerSettings withGiveUpAfter(int openings) {
    return new BreakerSettings(windowSize, minimumRequests, failureRateThreshold, openDuration,
        probes, recoveryRate, recoveryDuration, openings);
  }
}
