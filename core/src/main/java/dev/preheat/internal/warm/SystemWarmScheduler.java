package dev.preheat.internal.warm;

import dev.preheat.spi.WarmScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The system clock and one shared daemon thread for the engine's short timer tasks. */
public final class SystemWarmScheduler implements WarmScheduler {

  /** The shared instance. */
  public static final SystemWarmScheduler INSTANCE = new SystemWarmScheduler();

  private final ScheduledExecutorService executor;

  private SystemWarmScheduler() {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "preheat-scheduler");
      t.setDaemon(true);
      return t;
    });
    // Cancelled timers (request timeouts that did not fire) would otherwise pile up in the queue.
    e.setRemoveOnCancelPolicy(true);
    this.executor = e;
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public String toString() {
    return "WarmScheduler.system()";
  }
}
