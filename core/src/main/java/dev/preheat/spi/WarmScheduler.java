package dev.preheat.spi;

import dev.preheat.internal.warm.SystemWarmScheduler;
import java.time.Clock;
import java.time.Duration;

/**
 * Time for the warm engine: a clock and delayed execution. The engine never sleeps or reads the
 * system time itself, so tests supply a fake scheduler and advance it instead of sleeping.
 *
 * <p>Implementations are thread-safe. Tasks must be run off the caller's thread (or, for fakes,
 * when time is advanced), never inline in {@link #schedule}.
 */
public interface WarmScheduler {

  /** The clock the engine reads. */
  Clock clock();

  /**
   * Runs {@code task} once after {@code delay} (at once when zero or negative).
   *
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(Runnable task, Duration delay);

  /** Cancels a scheduled task. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started; idempotent. */
    void cancel();
  }

  /**
   * A scheduler on the system clock with one daemon thread; tasks should be short (the engine's
   * are). Shared by all warmers that do not supply their own.
   */
  static WarmScheduler system() {
    return SystemWarmScheduler.INSTANCE;
  }
}
