package dev.preheat.redis.internal;

import dev.preheat.report.HostFigures;
import dev.preheat.report.LatencySummary;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Counts outcomes of a Redis run, records checkpoints of finished keys and builds the engine's
 * {@link WarmReport}. Not thread-safe: one run thread uses it.
 */
public final class RunTally {

  private final String planHash;
  private final String host;
  private final Clock clock;
  private final Instant startedAt;
  private final CheckpointStore checkpoints;
  /** Counts per outcome, by ordinal (a boxed map entry per key cost more than the key). */
  private final long[] outcomes = new long[Outcome.values().length];
  private final EnumMap<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
  private final List<WarmReport.Problem> problems = new ArrayList<>();
  private final List<String> clamps = new ArrayList<>();
  private final Map<String, Long> pauses = new java.util.TreeMap<>();
  private @Nullable String checkpointError;
  private long targets;
  /** Redis commands sent. */
  public long commands;
  /** Keys handed to the loader or read from the source. */
  public long fetched;
  /** Value bytes written. */
  public long bytes;
  /** Values written. */
  public long writes;
  /** Keys whose lock was held by another primer at least once. */
  public long contended;

  public RunTally(String planHash, String host, Clock clock, CheckpointStore checkpoints) {
    this.planHash = planHash;
    this.host = host;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.checkpoints = checkpoints;
  }

  /**
   * Fills {@code batch} with up to {@code size} keys of {@code keys} from index {@code from},
   * ending each key in {@code done} (finished by an earlier run) as skipped on the way.
   *
   * @return the index after the last key looked at
   */
  public int nextBatch(List<String> keys, int from, int size, Set<String> done,
      List<String> batch) {
    int i = from;
    while (i < keys.size() && batch.size() < size) {
      String k = keys.get(i++);
      if (done.contains(k)) {
        end(k, Outcome.SKIPPED, SkipReason.CHECKPOINTED, null);
      } else {
        batch.add(k);
      }
    }
    return i;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public String planHash() {
    return planHash;
  }

  public long finished() {
    return targets;
  }

  public long count(Outcome o) {
    return outcomes[o.ordinal()];
  }

  /** Records the end of {@code key}; finished outcomes are checkpointed. */
  public void end(String key, Outcome outcome, @Nullable SkipReason reason, @Nullable String detail) {
    targets++;
    outcomes[outcome.ordinal()]++;
    if (reason != null) {
      skipped.merge(reason, 1L, Long::sum);
    }
    if ((outcome == Outcome.FAILED || outcome == Outcome.UNCACHEABLE
        || outcome == Outcome.CANCELLED) && problems.size() < WarmReport.MAX_LISTED) {
      problems.add(new WarmReport.Problem(key, outcome.name(), detail == null ? "" : detail));
    }
    if (outcome.isGood() || outcome == Outcome.UNCACHEABLE) {
      if (checkpointError == null) {
        try {
          checkpoints.record(planHash, key, outcome);
        } catch (RuntimeException e) {
          checkpointError = e.getMessage();
          clamps.add("checkpoints not recorded after the first failure: " + e.getMessage());
        }
      }
    }
  }

  public void pause(String cause) {
    pauses.merge(cause, 1L, Long::sum);
  }

  public void clamp(String message) {
    clamps.add(message);
  }

  public Duration elapsed() {
    return Duration.between(startedAt, clock.instant());
  }

  public WarmReport report(@Nullable String stopReason, double sloShare, Duration sloWithin) {
    EnumMap<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      if (outcomes[o.ordinal()] > 0) {
        byOutcome.put(o, outcomes[o.ordinal()]);
      }
    }
    HostFigures figures = new HostFigures(targets, byOutcome, skipped, Map.of(), commands, 0,
        fetched, bytes, 0, 0, pauses, LatencySummary.EMPTY, LatencySummary.EMPTY);
    long good = count(Outcome.WARMED) + count(Outcome.ALREADY_CACHED)
        + count(Outcome.REVALIDATED) + skipped.getOrDefault(SkipReason.CHECKPOINTED, 0L);
    long counted = targets - count(Outcome.UNCACHEABLE)
        - skipped.getOrDefault(SkipReason.DENIED, 0L);
    double share = counted == 0 ? 1.0 : (double) good / counted;
    Duration elapsed = elapsed();
    return new WarmReport(WarmReport.SCHEMA_VERSION, planHash, startedAt, elapsed, stopReason,
        figures, Map.of(host, figures),
        new WarmReport.Slo(sloShare, sloWithin, share,
            share >= sloShare && elapsed.compareTo(sloWithin) <= 0),
        null, clamps, problems);
  }

  /** Keys per second over the run so far. */
  public double rate() {
    double s = elapsed().toNanos() / 1e9;
    return s <= 0 ? targets : targets / s;
  }
}
