package dev.preheat.testing;

import dev.preheat.spi.WarmScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * Virtual time for tests: a clock that only moves when {@link #advance} runs due tasks. Shared by the
 * test packages of core that need a {@link WarmScheduler} under test control.
 */
public final class FakeTime implements WarmScheduler {

  private static final class Job implements Comparable<Job> {
    final long at;
    final long seq;
    final Runnable task;
    boolean cancelled;

    Job(long at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Job o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Job> jobs = new PriorityQueue<>();
  private long nowNanos;
  private long seq;
  private final Instant epoch = Instant.parse("2025-01-01T00:00:00Z");

  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      synchronized (FakeTime.this) {
        return epoch.plusNanos(nowNanos);
      }
    }
  };

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Job job = new Job(nowNanos + Math.max(0, delay.toNanos()), seq++, task);
    jobs.add(job);
    return () -> {
      synchronized (FakeTime.this) {
        job.cancelled = true;
      }
    };
  }

  /** Elapsed virtual time since the start. */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(nowNanos);
  }

  /** Runs every task due within {@code d} in time order, then sets the clock to now + d. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = nowNanos + d.toNanos();
    }
    while (true) {
      Job next;
      synchronized (this) {
        next = jobs.peek();
        if (next == null || next.at > target) {
          nowNanos = target;
          return;
        }
        jobs.poll();
        nowNanos = Math.max(nowNanos, next.at);
        if (next.cancelled) {
          continue;
        }
      }
      next.task.run();
    }
  }

  /** Runs tasks until none is left or {@code limit} of virtual time has passed. */
  public void runUntilIdle(Duration limit) {
    long end;
    synchronized (this) {
      end = nowNanos + limit.toNanos();
    }
    while (true) {
      Job next;
      synchronized (this) {
        jobs.removeIf(j -> j.cancelled);
        next = jobs.peek();
        if (next == null || next.at > end) {
          return;
        }
      }
      advance(Duration.ofNanos(next.at - nowNanosSync()));
    }
  }

  private synchronized long nowNanosSync() {
    return nowNanos;
  }
}
