package dev.preheat.cli;

import dev.preheat.report.StageReport;
import dev.preheat.spi.WarmListener;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.Stage;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmTarget;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A progress line on stderr for people watching a terminal: done/total, rate, ETA, errors and
 * pauses; in a staged run, the current stage (its position, attempt and own total) and the last
 * gate decision. The listener callbacks only bump counters (they run on the engine's threads and
 * must not block); a {@link ProgressLine} redraws the line twice a second.
 */
final class WarmProgress implements WarmListener, AutoCloseable {

  /** The stage being warmed: its name, position, attempt and targets. */
  private record Current(String name, int position, int attempt, long targets, long doneBefore) {}

  private final long total;
  private final int stageCount;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong attemptErrors = new AtomicLong();
  private final AtomicLong pauses = new AtomicLong();
  private final Set<String> stagesSeen = new HashSet<>();
  private volatile @Nullable Current current;
  private volatile @Nullable String lastGate;
  private final ProgressLine progressLine;

  /**
   * @param total the targets of an unstaged run (ignored for a staged one: each stage gives its
   *     own)
   * @param stageCount the stages of a staged run, 0 for an unstaged run
   */
  WarmProgress(PrintWriter err, long total, int stageCount) {
    this.total = total;
    this.stageCount = stageCount;
    this.progressLine = new ProgressLine(err, "preheat-warm-progress", this::line);
  }

  @Override
  public void stageStarted(Stage stage, int attempt, long targets) {
    int position;
    synchronized (stagesSeen) {
      stagesSeen.add(stage.name());
      position = stagesSeen.size();
    }
    current = new Current(stage.name(), position, attempt, targets, done.get());
  }

  @Override
  public void gateDecided(Stage stage, StageReport.GateDecision decision) {
    lastGate = "gate " + stage.name() + ": " + (decision.passed() ? "passed" : "failed, "
        + decision.action());
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
    long all = done.get();
    double rate = all / Math.max(seconds, 1e-3);
    Current c = current;
    String stage = "";
    long n = all;
    long of = total;
    if (stageCount > 0) {
      if (c == null) {
        stage = "stage -/" + stageCount + "  ";
        n = 0;
        of = 0;
      } else {
        stage = "stage " + c.name() + " " + c.position() + "/" + stageCount
            + (c.attempt() > 1 ? " (attempt " + c.attempt() + ")" : "") + "  ";
        n = all - c.doneBefore();
        of = c.targets();
      }
    }
    String eta = n == 0 || n >= of ? "-" : formatSeconds((of - n) / rate);
    String gate = lastGate;
    return String.format(Locale.ROOT,
        "%swarm %,d/%,d (%.0f%%)  %.1f/s  ETA %s  errors %,d (failed %,d)  pauses %,d%s",
        stage, n, of, of == 0 ? 100.0 : 100.0 * n / of, rate, eta, attemptErrors.get(),
        failed.get(), pauses.get(), gate == null ? "" : "  " + gate);
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
