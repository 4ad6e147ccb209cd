package dev.preheat.warm;

import dev.preheat.report.WarmReport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link WarmRun#await()} for the runs of this package: waits on a run's report future. */
final class RunCompletion {

  private RunCompletion() {}

  /** Waits for {@code completion}; a failed run is rethrown naming {@code run}. */
  static WarmReport await(CompletableFuture<WarmReport> completion, String run)
      throws InterruptedException {
    try {
      return completion.get();
    } catch (ExecutionException e) {
      throw failed(run, e);
    }
  }

  /** Waits at most {@code timeout} for {@code completion}; a failed run is rethrown naming it. */
  static WarmReport await(CompletableFuture<WarmReport> completion, Duration timeout, String run)
      throws InterruptedException, TimeoutException {
    try {
      return completion.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw failed(run, e);
    }
  }

  private static IllegalStateException failed(String run, ExecutionException e) {
    return new IllegalStateException(run + " failed: " + e.getCause(), e.getCause());
  }
}
