package dev.preheat.warm;

import dev.preheat.report.WarmReport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A running warm: started by {@link Warmer#start(WarmPlan)}, ends with a {@link WarmReport}
 * that accounts for every target. Thread-safe.
 */
public interface WarmRun {

  /** The hash of the plan being warmed. */
  String planHash();

  /**
   * Cancels the run: queued and waiting targets end {@link Outcome#CANCELLED} at once, in-flight
   * requests are cancelled (their targets end cancelled unless a response already arrived).
   * Idempotent; the report still accounts for every target.
   */
  void cancel();

  /** Completes with the report when the run has ended; never completes exceptionally. */
  CompletableFuture<WarmReport> completion();

  /** Whether the run has ended. */
  default boolean isDone() {
    return completion().isDone();
  }

  /**
   * Waits for the run to end.
   *
   * @throws InterruptedException if interrupted while waiting (the run goes on)
   */
  WarmReport await() throws InterruptedException;

  /**
   * Waits at most {@code timeout} for the run to end.
   *
   * @throws InterruptedException if interrupted while waiting (the run goes on)
   * @throws TimeoutException if the run has not ended in time (the run goes on)
   */
  WarmReport await(Duration timeout) throws InterruptedException, TimeoutException;
}
