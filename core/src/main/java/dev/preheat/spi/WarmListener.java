package dev.preheat.spi;

import dev.preheat.internal.warm.CompositeWarmListener;
import dev.preheat.report.StageReport;
import dev.preheat.report.WarmReport;
import dev.preheat.warm.Stage;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmResponse;
import dev.preheat.warm.WarmTarget;
import java.time.Duration;
import java.util.List;

/**
 * Events of a warm run, in pairs: run started/finished, target started/finished (with its
 * outcome), attempt failed, paused/resumed, breaker opened/closed, and for staged runs stage
 * started/finished with each gate decision. Logging and metrics build on
 * it. Every method has a no-op default, so implementations override what they need.
 *
 * <p>Contract for implementations: callbacks run on the engine's threads (completion and
 * scheduler threads) and must be fast and do no blocking I/O; hand work to your own executor.
 * They may be called concurrently. A callback that throws is caught; the engine logs the first
 * such failure per run and goes on. URLs in {@code detail} strings have query values redacted
 * unless the warmer was configured to show them; {@link WarmTarget} itself holds the real URL.
 */
public interface WarmListener {

  /** A listener that ignores every event. */
  WarmListener NONE = new WarmListener() {
    @Override
    public String toString() {
      return "WarmListener.NONE";
    }
  };

  /** A run of {@code plan} started. */
  default void runStarted(WarmPlan plan) {}

  /** The run finished (completed, cancelled or stopped); the report accounts for every target. */
  default void runFinished(WarmReport report) {}

  /** Attempt {@code attempt} (1-based) of {@code target} is being sent. */
  default void targetStarted(WarmTarget target, int attempt) {}

  /** {@code target} reached its final outcome (including skipped and cancelled ones). */
  default void targetFinished(TargetResult result) {}

  /**
   * A response to a warm request for {@code target} arrived (any status, before the engine
   * decides the attempt's outcome; verification requests are not reported). Lets listeners read
   * response headers, e.g. to record a URL's surrogate keys. The response holds real header
   * values; do not log them unredacted.
   */
  default void responseReceived(WarmTarget target, WarmResponse response) {}

  /**
   * Attempt {@code attempt} of {@code target} failed with {@code detail}; {@code willRetry} tells
   * whether another attempt follows (a {@link #retry} event) or the target ends failed.
   */
  default void attemptFailed(WarmTarget target, int attempt, String detail, boolean willRetry) {}

  /** {@code target} will be retried after {@code delay} as attempt {@code nextAttempt}. */
  default void retry(WarmTarget target, int nextAttempt, Duration delay) {}

  /**
   * Sending was paused: for {@code host} (Retry-After, breaker) or, when {@code host} is {@code
   * "*"}, for the whole run (budget). {@code duration} is zero when the pause has no end.
   */
  default void paused(String host, String reason, Duration duration) {}

  /** Sending to {@code host} resumed after a pause. */
  default void resumed(String host) {}

  /** The breaker of {@code host} opened at {@code errorRate} (0..1) over its window. */
  default void breakerOpened(String host, double errorRate) {}

  /** The breaker of {@code host} closed after successful probes; sending resumes at reduced rate. */
  default void breakerClosed(String host) {}

  /**
   * Attempt {@code attempt} (1-based; a gate that pauses and retries runs the stage again) of
   * {@code stage} of a staged run starts, with {@code targets} targets (the stage's entries, or a
   * canary's slice, times its variants). Each attempt is a run of its own: {@link #runStarted},
   * the target events and {@link #runFinished} with the stage's plan and report follow. Stages
   * that never start (an earlier gate failed, the region's budget was used up) have no events;
   * the final report lists them.
   */
  default void stageStarted(Stage stage, int attempt, long targets) {}

  /**
   * The gate after attempt {@code decision.attempt()} of {@code stage} decided: {@link
   * StageReport.GateDecision#action()} is {@code proceed}, {@code stop} or {@code retry in ...}.
   */
  default void gateDecided(Stage stage, StageReport.GateDecision decision) {}

  /**
   * A stage that started has ended for good (after its last attempt): {@link
   * StageReport#status()} says how (completed, passed, gate failed, budget paused, stopped).
   * Fired once per started stage, before the staged run's report is complete.
   */
  default void stageFinished(StageReport report) {}

  /**
   * A listener that forwards every event to each of {@code listeners} in order; one throwing
   * does not keep the others from being called.
   */
  static WarmListener composite(List<? extends WarmListener> listeners) {
    return new CompositeWarmListener(List.copyOf(listeners));
  }

  /** See {@link #composite(List)}. */
  static WarmListener composite(WarmListener... listeners) {
    return composite(List.of(listeners));
  }
}
