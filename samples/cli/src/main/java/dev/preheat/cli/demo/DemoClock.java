package dev.preheat.cli.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo cache's clock: the system clock plus an offset the demo advances, so it can show what
 * happens once cached copies have gone stale without waiting for their max-age. Thread-safe.
 */
public final class DemoClock extends Clock {

  private final Clock base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  /** A clock that runs with {@code base}, shifted by what {@link #advance} added. */
  public DemoClock(Clock base) {
    this.base = base;
  }

  /**
   * Moves the clock forward by {@code d}.
   *
   * @throws IllegalArgumentException if {@code d} is negative
   */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("advance must be >= 0 but was " + d);
    }
    offset.accumulateAndGet(d, Duration::plus);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the demo clock is always UTC");
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }
}
