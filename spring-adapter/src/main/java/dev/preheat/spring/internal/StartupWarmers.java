package dev.preheat.spring.internal;

import dev.preheat.spring.OnTimeout;
import dev.preheat.spring.PreheatReport;
import dev.preheat.spring.Preheater;
import dev.preheat.spring.WarmTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;

/** The three ways startup waits for warming, and the shutdown hook that cancels it. */
public final class StartupWarmers {

  private static final Logger log = LoggerFactory.getLogger(StartupWarmers.class);

  /** Phase of the web server's start (Spring Boot's WebServerStartStopLifecycle). */
  public static final int WEB_SERVER_PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  private StartupWarmers() {}

  static void logReport(PreheatReport report) {
    if (report.tasks().isEmpty()) {
      log.debug("Preheat: nothing to warm (no warm task configured)");
    } else if (report.state() == PreheatReport.State.WARM) {
      log.info(report.summary());
    } else {
      log.warn(report.summary());
    }
  }

  static void failIfTimedOut(PreheatReport report, OnTimeout onTimeout, Duration timeout) {
    if (onTimeout == OnTimeout.FAIL && report.timedOut()) {
      List<String> late = report.tasks().stream()
          .filter(t -> t.status() == PreheatReport.Status.TIMED_OUT)
          .map(PreheatReport.Task::name).collect(Collectors.toList());
      throw new IllegalStateException("Preheat: warming did not finish within "
          + "preheat.startup.timeout=" + timeout + " (timed out: " + String.join(", ", late)
          + "), and preheat.startup.on-timeout=fail: startup fails. Lengthen the timeouts, "
          + "warm less, or set preheat.startup.on-timeout=proceed to start degraded");
    }
  }

  /** Mode blocking: warms inside an ordered runner, so readiness waits for it. */
  public static final class Blocking implements ApplicationRunner, Ordered {
    private final Preheater preheater;
    private final OnTimeout onTimeout;
    private final Duration timeout;
    private final int order;

    /** A runner. */
    public Blocking(Preheater preheater, OnTimeout onTimeout, Duration timeout, int order) {
      this.preheater = preheater;
      this.onTimeout = onTimeout;
      this.timeout = timeout;
      this.order = order;
    }

    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
      PreheatReport report = preheater.warm("startup");
      logReport(report);
      failIfTimedOut(report, onTimeout, timeout);
    }

    @Override
    public int getOrder() {
      return order;
    }
  }

  /**
   * Mode blocking: runs first when Spring Boot publishes readiness {@code ACCEPTING_TRAFFIC}
   * (after the runners and the {@code ApplicationReadyEvent}), before {@code
   * ApplicationAvailabilityBean} records it, so probes read {@code REFUSING_TRAFFIC} until it
   * returns. Only after a startup round that warmed something, once: when self-warming ran paced
   * sweeps, the sweeps again until they converge ({@link HttpWarmTask#sweepAfterReady}: the
   * ready event's own code deoptimizes compiled request code), then a garbage collection
   * (warming's garbage is collected now, not in a pause during the first users' requests) and a
   * wait, at most {@code max}, for the JIT compilers to go idle (the sweeps, with their own
   * waits, also take at most {@code max}). Why the wait here and not at the end of warming: the
   * end of startup runs code for the first time (class loading from the
   * application's jar, lambda linkage, event type resolution for the ready and availability
   * events) that pushes widely used methods, which sit in profiling code past their compile
   * threshold, to a C2 compilation (e.g. {@code MethodType.makeImpl}, 163 ms, queued at the
   * ready event): without the wait it runs on a core the first requests need.
   */
  public static final class ReadySettle
      implements ApplicationListener<AvailabilityChangeEvent<ReadinessState>>, Ordered {
    private final Preheater preheater;
    private final Duration max;
    private final AtomicBoolean done = new AtomicBoolean();

    /** A listener. */
    public ReadySettle(Preheater preheater, Duration max) {
      this.preheater = preheater;
      this.max = max;
    }

    @Override
    public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
      if (event.getState() != ReadinessState.ACCEPTING_TRAFFIC
          || !done.compareAndSet(false, true)) {
        return;
      }
      PreheatReport report = preheater.lastReport();
      if (report == null || report.tasks().stream().noneMatch(t -> t.items() > 0)) {
        return;
      }
      List<String> swept = new ArrayList<>();
      try {
        long sweepEnd = System.nanoTime() + max.toNanos();
        for (WarmTask task : preheater.tasks()) {
          String s = task instanceof HttpWarmTask http ? http.sweepAfterReady(sweepEnd) : null;
          if (s != null) {
            swept.add(task.name() + ": " + s);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long t0 = System.nanoTime();
      System.gc();
      long gc = System.nanoTime() - t0;
      JitActivity jit = JitActivity.of();
      long busy0 = jit == null ? 0 : jit.busyNanos();
      long waited = 0;
      if (jit != null && !Thread.currentThread().isInterrupted()) {
        try {
          waited = jit.awaitIdle(System.nanoTime() + max.toNanos());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      log.info("Preheat: before readiness: {}GC in {} ms; JIT compilers idle after {} ms ({} ms "
          + "compiling)", swept.isEmpty() ? "" : "sweep after the ready event ("
          + String.join("; ", swept) + "); ", gc / 1_000_000, waited / 1_000_000,
          jit == null ? "?" : (jit.busyNanos() - busy0) / 1_000_000);
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE;
    }
  }

  /** Mode background: starts warming and returns; the health indicator says when it is done. */
  public static final class Background implements ApplicationRunner, Ordered {
    private final Preheater preheater;
    private final int order;

    /** A runner. */
    public Background(Preheater preheater, int order) {
      this.preheater = preheater;
      this.order = order;
    }

    @Override
    public void run(ApplicationArguments args) {
      preheater.start("startup").thenAccept(StartupWarmers::logReport);
    }

    @Override
    public int getOrder() {
      return order;
    }
  }

  /** Mode before-port: warms data in a lifecycle phase before the web server listens. */
  public static final class BeforePort implements SmartLifecycle {
    private final Preheater preheater;
    private final OnTimeout onTimeout;
    private final Duration timeout;
    private volatile boolean running;

    /** A lifecycle. */
    public BeforePort(Preheater preheater, OnTimeout onTimeout, Duration timeout) {
      this.preheater = preheater;
      this.onTimeout = onTimeout;
      this.timeout = timeout;
    }

    @Override
    public void start() {
      running = true;
      PreheatReport report;
      try {
        report = preheater.warm("startup");
      } catch (InterruptedException e) {
        // shutdown while warming (the context's close interrupts a stuck refresh): the warm
        // round is cancelled, and the app stops here instead of opening its port half warm
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Preheat: interrupted while warming before the web "
            + "server started (shutting down); warming was cancelled and startup stops", e);
      }
      logReport(report);
      failIfTimedOut(report, onTimeout, timeout);
    }

    @Override
    public void stop() {
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public int getPhase() {
      return WEB_SERVER_PHASE - 2048;
    }
  }

  /**
   * Stops first on shutdown (the highest phase): cancels warming, so graceful shutdown never waits
   * for it, and closes warm connections.
   */
  public static final class Shutdown implements SmartLifecycle {
    private final Preheater preheater;
    private volatile boolean running;

    /** A lifecycle for {@code preheater}. */
    public Shutdown(Preheater preheater) {
      this.preheater = preheater;
    }

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      running = false;
      if (preheater.isWarming()) {
        log.info("Preheat: shutting down, cancelling warming");
      }
      preheater.stop();
      for (Object task : preheater.tasks()) {
        if (task instanceof AutoCloseable c) {
          try {
            c.close();
          } catch (Exception e) {
            log.debug("Preheat: closing {} failed", task, e);
          }
        }
      }
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public int getPhase() {
      return Integer.MAX_VALUE;
    }
  }
}
