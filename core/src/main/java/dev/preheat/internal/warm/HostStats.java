package dev.preheat.internal.warm;

import dev.preheat.report.HostFigures;
import dev.preheat.status.CacheStatus;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/** Mutable per-host counters of one run; the engine updates them under its lock. */
public final class HostStats {

  /** Pause cause: a {@code Retry-After} header. */
  public static final String PAUSE_RETRY_AFTER = "retryAfter";
  /** Pause cause: the breaker opened. */
  public static final String PAUSE_BREAKER = "breaker";
  /** Pause cause: a budget would have been exceeded. */
  public static final String PAUSE_BUDGET = "budget";

  private final EnumMap<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
  private final EnumMap<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
  private final EnumMap<CacheStatus.Kind, Long> cacheStatuses = new EnumMap<>(CacheStatus.Kind.class);
  private final Map<String, Long> pauses = new TreeMap<>();
  private final LatencyHistogram ttfb = new LatencyHistogram();
  private final LatencyHistogram total = new LatencyHistogram();
  private long targets;
  private long requestsSent;
  private long conditional;
  private long full;
  private long bodyBytes;
  private long retries;
  private long breakerOpens;

  /** Counts a planned target. */
  public void target() {
    targets++;
  }

  /** Counts a final outcome. */
  public void outcome(Outcome o, SkipReason reason) {
    outcomes.merge(o, 1L, Long::sum);
    if (o == Outcome.SKIPPED) {
      skipped.merge(reason, 1L, Long::sum);
    }
  }

  /** Counts a final outcome that is not a skip. */
  public void outcome(Outcome o) {
    outcomes.merge(o, 1L, Long::sum);
  }

  /** Counts a sent request. */
  public void sent(boolean conditionalFetch) {
    requestsSent++;
    if (conditionalFetch) {
      conditional++;
    } else {
      full++;
    }
  }

  /** Counts a response. */
  public void response(CacheStatus.Kind kind, long bytes, Duration timeToFirstByte, Duration time) {
    cacheStatuses.merge(kind, 1L, Long::sum);
    bodyBytes += bytes;
    ttfb.record(timeToFirstByte);
    total.record(time);
  }

  /** Counts a retry. */
  public void retry() {
    retries++;
  }

  /** Counts a breaker opening. */
  public void breakerOpened() {
    breakerOpens++;
  }

  /** Counts a pause of {@code cause}. */
  public void paused(String cause) {
    pauses.merge(cause, 1L, Long::sum);
  }

  /** Adds everything of {@code other} (for totals). */
  public void addAll(HostStats other) {
    other.outcomes.forEach((k, v) -> outcomes.merge(k, v, Long::sum));
    other.skipped.forEach((k, v) -> skipped.merge(k, v, Long::sum));
    other.cacheStatuses.forEach((k, v) -> cacheStatuses.merge(k, v, Long::sum));
    other.pauses.forEach((k, v) -> pauses.merge(k, v, Long::sum));
    ttfb.addAll(other.ttfb);
    total.addAll(other.total);
    targets += other.targets;
    requestsSent += other.requestsSent;
    conditional += other.conditional;
    full += other.full;
    bodyBytes += other.bodyBytes;
    retries += other.retries;
    breakerOpens += other.breakerOpens;
  }

  /** An immutable snapshot. */
  public HostFigures figures() {
    return new HostFigures(targets, outcomes, skipped, cacheStatuses, requestsSent, conditional,
        full, bodyBytes, retries, breakerOpens, pauses, ttfb.summary(), total.summary());
  }
}
