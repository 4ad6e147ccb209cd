package dev.preheat.spring;

import dev.preheat.spring.PreheatReport.State;
import dev.preheat.spring.PreheatReport.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every {@link WarmTask} in a round: in parallel, each under its own deadline and all under
 * a global one; cancelled on shutdown; one round at a time (asking for a round while one runs
 * joins it). Keeps the last report and whether the first round has finished, which the health
 * indicator reads. Thread-safe.
 */
public final class Preheater {

  private static final Logger log = LoggerFactory.getLogger(Preheater.class);

  /** How long a cancelled task may take to hand back what it did before it is left behind. */
  static final Duration CANCEL_GRACE = Duration.ofSeconds(2);

  private final List<WarmTask> tasks;
  private final Duration timeout;
  private final Duration taskTimeout;
  private final Clock clock;
  private final IntSupplier localPort;
  private final AtomicInteger threads = new AtomicInteger();

  private final Object lock = new Object();
  private @Nullable Round current;
  private volatile @Nullable PreheatReport lastReport;
  private volatile boolean firstRoundDone;
  private volatile boolean stopped;

  /**
   * A preheater.
   *
   * @param tasks the tasks, in report order
   * @param timeout the global deadline of a round
   * @param taskTimeout the deadline of each task
   * @param clock the clock for report timestamps
   * @param localPort the web server's port, or a negative number when it does not listen
   */
  public Preheater(List<? extends WarmTask> tasks, Duration timeout, Duration taskTimeout,
      Clock clock, IntSupplier localPort) {
    this.tasks = List.copyOf(tasks);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.taskTimeout = Objects.requireNonNull(taskTimeout, "taskTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.localPort = Objects.requireNonNull(localPort, "localPort");
  }

  /** The tasks (those with nothing to do, such as no {@code @WarmCache} method, excluded). */
  public List<WarmTask> tasks() {
    return tasks.stream().filter(t -> !(t instanceof dev.preheat.spring.internal.MaybeEmpty m
        && m.isEmpty())).toList();
  }

  /** The report of the last finished round, or null before the first one ends. */
  public @Nullable PreheatReport lastReport() {
    return lastReport;
  }

  /** Whether the first round has ended (however it ended). */
  public boolean isFirstRoundDone() {
    return firstRoundDone;
  }

  /** Whether a round is running. */
  public boolean isWarming() {
    synchronized (lock) {
      return current != null;
    }
  }

  /**
   * Starts a round, or joins the running one.
   *
   * @param trigger what asks for it, for the report
   * @return completes with the round's report; never completes exceptionally
   */
  public CompletableFuture<PreheatReport> start(String trigger) {
    synchronized (lock) {
      if (current != null) {
        return current.done;
      }
      if (stopped) {
        return CompletableFuture.completedFuture(new PreheatReport(trigger, clock.instant(),
            Duration.ZERO, State.CANCELLED, List.of()));
      }
      if (tasks().isEmpty()) {
        // nothing to warm (only the starter, no task configured): no thread, no work
        PreheatReport empty = new PreheatReport(trigger, clock.instant(), Duration.ZERO,
            State.WARM, List.of());
        lastReport = empty;
        firstRoundDone = true;
        return CompletableFuture.completedFuture(empty);
      }
      Round round = new Round(trigger);
      current = round;
      Thread t = new Thread(round::run, "preheat-round-" + threads.incrementAndGet());
      t.setDaemon(true);
      t.start();
      return round.done;
    }
  }

  /**
   * Runs a round and waits for it. The round enforces its own deadline, so this returns shortly
   * after it at the latest.
   *
   * @throws InterruptedException if interrupted while waiting (the round is cancelled)
   */
  public PreheatReport warm(String trigger) throws InterruptedException {
    CompletableFuture<PreheatReport> done = start(trigger);
    try {
      return done.get();
    } catch (InterruptedException e) {
      cancel();
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a warm round never fails", e);
    }
  }

  /** Cancels the running round, if any: its tasks are interrupted and end cancelled. */
  public void cancel() {
    Round r;
    synchronized (lock) {
      r = current;
    }
    if (r != null) {
      r.cancel();
    }
  }

  /** Cancels the running round and refuses new ones (the application is shutting down). */
  public void stop() {
    synchronized (lock) {
      stopped = true;
    }
    cancel();
  }

  /** One round: a thread per task, awaited under their deadlines. */
  private final class Round {
    final String trigger;
    final CompletableFuture<PreheatReport> done = new CompletableFuture<>();
    final AtomicBoolean cancelled = new AtomicBoolean();
    final List<Running> running = new ArrayList<>();

    Round(String trigger) {
      this.trigger = trigger;
    }

    void cancel() {
      if (cancelled.compareAndSet(false, true)) {
        synchronized (running) {
          running.forEach(r -> r.cancel());
        }
      }
    }

    void run() {
      Instant startedAt = clock.instant();
      long start = System.nanoTime();
      long globalEnd = start + timeout.toNanos();
      List<PreheatReport.Task> results = new ArrayList<>();
      List<WarmTask> tasks = tasks();
      try {
        List<Running> started = new ArrayList<>();
        for (WarmTask task : tasks) {
          if (task.needsWebServer() && localPort.getAsInt() < 0) {
            results.add(null);
            started.add(null);
            continue;
          }
          long end = Math.min(globalEnd, start + taskTimeout.toNanos());
          Running r = new Running(task, end, this);
          synchronized (running) {
            running.add(r);
            if (cancelled.get()) {
              r.cancel();
            }
          }
          started.add(r);
          results.add(null);
          r.thread.start();
        }
        for (int i = 0; i < tasks.size(); i++) {
          Running r = started.get(i);
          results.set(i, r == null
              ? new PreheatReport.Task(tasks.get(i).name(), Status.SKIPPED, Duration.ZERO, 0, 0,
                  "needs the web server, which is not listening (mode before-port or no server)",
                  null)
              : r.await());
        }
      } catch (RuntimeException | Error e) {
        log.error("Preheat round failed unexpectedly", e);
      }
      State state = cancelled.get() && results.stream().anyMatch(
          t -> t != null && t.status() == Status.CANCELLED) ? State.CANCELLED
          : results.stream().allMatch(t -> t != null && t.status() == Status.DONE) ? State.WARM
          : State.DEGRADED;
      List<PreheatReport.Task> list = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        list.add(results.get(i) != null ? results.get(i) : new PreheatReport.Task(
            tasks.get(i).name(), Status.FAILED, Duration.ZERO, 0, 0, "internal error", null));
      }
      PreheatReport report = new PreheatReport(trigger, startedAt,
          Duration.ofNanos(System.nanoTime() - start), state, list);
      lastReport = report;
      firstRoundDone = true;
      synchronized (lock) {
        current = null;
      }
      done.complete(report);
    }
  }

  /** One task on its own thread. */
  private final class Running implements WarmTaskContext {
    final WarmTask task;
    final long endNanos;
    final Round round;
    final CompletableFuture<TaskOutcome> outcome = new CompletableFuture<>();
    final Thread thread;
    final AtomicBoolean taskCancelled = new AtomicBoolean();
    volatile long started;

    Running(WarmTask task, long endNanos, Round round) {
      this.task = task;
      this.endNanos = endNanos;
      this.round = round;
      this.thread = new Thread(this::execute, "preheat-" + task.name());
      thread.setDaemon(true);
    }

    void execute() {
      started = System.nanoTime();
      try {
        outcome.complete(Objects.requireNonNull(task.warm(this),
            "task " + task.name() + " returned null"));
      } catch (Throwable e) {
        outcome.completeExceptionally(e);
      }
    }

    void cancel() {
      if (taskCancelled.compareAndSet(false, true)) {
        thread.interrupt();
      }
    }

    PreheatReport.Task await() {
      long begin = System.nanoTime();
      Status status;
      TaskOutcome got = null;
      String detail = null;
      try {
        got = waitUntil(endNanos);
        status = Status.DONE;
      } catch (TimeoutException e) {
        status = round.cancelled.get() ? Status.CANCELLED : Status.TIMED_OUT;
        cancel();
        got = afterCancel();
        detail = status == Status.TIMED_OUT ? "deadline passed, cancelled" : "cancelled";
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (taskCancelled.get()) {
          status = round.cancelled.get() ? Status.CANCELLED : Status.TIMED_OUT;
          detail = "cancelled";
        } else {
          status = Status.FAILED;
          detail = cause.getClass().getSimpleName() + ": " + cause.getMessage();
          log.warn("Preheat task {} failed: {}", task.name(), detail, cause);
        }
      }
      long ran = System.nanoTime() - (started == 0 ? begin : started);
      if (got != null && detail != null && got.detail() != null) {
        detail = detail + "; " + got.detail();
      } else if (got != null && detail == null) {
        detail = got.detail();
      }
      return new PreheatReport.Task(task.name(), status, Duration.ofNanos(ran),
          got == null ? 0 : got.items(), got == null ? 0 : got.failures(), detail,
          got == null ? null : got.report());
    }

    /** Waits for the outcome until {@code end}, or until the round is cancelled. */
    private TaskOutcome waitUntil(long end) throws TimeoutException, ExecutionException {
      while (true) {
        long left = end - System.nanoTime();
        if (left <= 0 || (round.cancelled.get() && !outcome.isDone())) {
          throw new TimeoutException();
        }
        try {
          return outcome.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)),
              TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          // poll the round's cancellation
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          round.cancel();
        }
      }
    }

    /** What a cancelled task hands back within the grace period, or null. */
    private @Nullable TaskOutcome afterCancel() {
      try {
        return outcome.get(CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (ExecutionException | TimeoutException e) {
        return null;
      }
    }

    @Override
    public Instant deadline() {
      return clock.instant().plusNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    @Override
    public Duration remaining() {
      return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    @Override
    public boolean isCancelled() {
      return taskCancelled.get() || round.cancelled.get() || System.nanoTime() - endNanos > 0;
    }

    @Override
    public OptionalInt localPort() {
      int port = localPort.getAsInt();
      return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    @Override
    public String trigger() {
      return round.trigger;
    }
  }
}
