package dev.preheat.cli;

import dev.preheat.spi.WarmListener;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmTarget;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress line on stderr for people watching a terminal: done/total, rate, ETA, errors and
 * pauses. The listener callbacks only bump counters (they run on the engine's threads and must not
 * block); a {@link ProgressLine} redraws the line twice a second.
 */
final class WarmProgress implements WarmListener, AutoCloseable {

  private final long total;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong attemptErrors = new AtomicLong();
  private final AtomicLong pauses = new AtomicLong();
  private final ProgressLine progressLine;

  WarmProgress(PrintWriter err, long total) {
    this.total = total;
    this.progressLine = new ProgressLine(err, "preheat-warm-progress", this::line);
  }

  @Override
  public void targetFinished(TargetResult result) {
    done.incrementAndGet();
    if (result.outcome() == Outcome.FAILED) {
      failed.incrementAndGet();
    }
  }

  @Override
  public void attemptFailed(WarmTarget target, int attempt, String detail, boolean willRetry) {
    attemptErrors.incrementAndGet();
  }

  @Override
  public void paused(String host, String reason, Duration duration) {
    pauses.incrementAndGet();
  }

  /** The line as drawn after {@code seconds} of running. */
  String line(double seconds) {
    long n = done.get();
    double rate = n / Math.max(seconds, 1e-3);
    String eta = n == 0 || n >= total ? "-" : formatSeconds((total - n) / rate);
    return String.format(Locale.ROOT,
        "warm %,d/%,d (%.0f%%)  %.1f/s  ETA %s  errors %,d (failed %,d)  pauses %,d",
        n, total, total == 0 ? 100.0 : 100.0 * n / total, rate, eta, attemptErrors.get(),
        failed.get(), pauses.get());
  }

  private static String formatSeconds(double s) {
    long secs = (long) Math.ceil(s);
    return secs >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", secs / 3600, secs / 60 % 60)
        : secs >= 60 ? String.format(Locale.ROOT, "%dm%02ds", secs / 60, secs % 60)
        : secs + "s";
  }

  @Override
  public void close() {
    progressLine.close();
  }
}
