package dev.preheat.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one stage of a staged warm did: its settings, its status, the report of its (last) run,
 * every gate decision, the canary uplift and the region budget.
 *
 * @param name the stage name
 * @param region the region whose budget the stage used
 * @param target the base URL the stage warmed, or null for the plan's URLs
 * @param connectTo the pinned {@code HOST:PORT}, or null
 * @param rate the stage's rate cap in requests per second, or null when uncapped
 * @param concurrency the stage's concurrency cap
 * @param variants the names of the variants warmed in the stage
 * @param targets the stage's targets (its entries times its variants)
 * @param status how the stage ended
 * @param detail why a stage did not pass or run (e.g. which stage's gate failed), else null
 * @param attempts how often the stage ran (1 + gate retries; 0 when not run)
 * @param report the report of the stage's last run, or null when it did not run
 * @param gateDecisions every gate check, in order (empty without a gate)
 * @param canary the canary figures of a canary stage, else null
 * @param budget the region budget figures, or null without a budget
 */
public record StageReport(
    String name,
    String region,
    @Nullable String target,
    @Nullable String connectTo,
    @Nullable Double rate,
    int concurrency,
    List<String> variants,
    long targets,
    Status status,
    @Nullable String detail,
    int attempts,
    @Nullable WarmReport report,
    List<GateDecision> gateDecisions,
    @Nullable Canary canary,
    @Nullable Budget budget) {

  /** Copies the lists. */
  public StageReport {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    variants = List.copyOf(variants);
    gateDecisions = List.copyOf(gateDecisions);
  }

  /** How a stage ended. */
  public enum Status {
    /** Ran to the end; it has no gate. */
    COMPLETED,
    /** Ran to the end and its gate passed. */
    PASSED,
    /** Its gate failed (after any retries): the staged run stopped here. */
    GATE_FAILED,
    /** Its region reached the budget's pause share: the staged run stopped here. */
    BUDGET_PAUSED,
    /** Stopped early (cancelled, deadline, run-wide budget, transport error). */
    STOPPED,
    /** Never started because an earlier stage stopped the run; its targets are skipped. */
    NOT_RUN
  }

  /**
   * One gate check after a run of the stage.
   *
   * @param attempt which run of the stage it judged (1-based)
   * @param at when it was decided (engine clock)
   * @param passed whether every threshold was met
   * @param sampled how many targets the verification re-requested
   * @param hitRatio the HIT ratio of that sample (0 when nothing was sampled)
   * @param errorRate failed targets over requested targets
   * @param uplift the canary uplift, or null for a stage that is not a canary
   * @param failures each threshold that was missed, as a sentence ({@code "hit ratio 40.0% <
   *     90.0%"}); empty when passed
   * @param action {@code proceed}, {@code stop} or {@code retry in 30 s}
   */
  public record GateDecision(int attempt, Instant at, boolean passed, long sampled,
      double hitRatio, double errorRate, @Nullable Double uplift, List<String> failures,
      String action) {
    /** Copies the list. */
    public GateDecision {
      failures = List.copyOf(failures);
    }
  }

  /**
   * A canary stage's figures: the hottest slice of the plan was warmed and the HIT ratio seen by
   * browser-like requests compared before and after. "Before" is measured on a control sample of
   * the entries just below the slice (equally hot, not warmed by this stage), because probing
   * the slice itself before warming would fill those very cache entries and hide a cache-key
   * mismatch; "after" is the stage's verification of the slice.
   *
   * @param entries plan entries in the slice
   * @param sampledBefore control targets probed before warming (0 when the plan had none left)
   * @param hitRatioBefore their HIT ratio, or null when none was probed
   * @param sampledAfter slice targets verified after warming
   * @param hitRatioAfter their HIT ratio
   * @param uplift {@code hitRatioAfter - hitRatioBefore}, or null without a before figure
   */
  public record Canary(long entries, long sampledBefore, @Nullable Double hitRatioBefore,
      long sampledAfter, double hitRatioAfter, @Nullable Double uplift) {}

  /**
   * The region budget of the day the stage ran.
   *
   * @param day the UTC date
   * @param requestsPerDay the request limit (0 = none)
   * @param bytesPerDay the byte limit (0 = none)
   * @param pauseAt the share of a limit at which the region pauses
   * @param requestsBefore requests the region had used that day when the stage started
   * @param bytesBefore bytes used that day when the stage started
   * @param requestsAfter requests used that day when the stage ended
   * @param bytesAfter bytes used that day when the stage ended
   * @param paused whether the stage stopped at the pause share
   */
  public record Budget(String day, long requestsPerDay, long bytesPerDay, double pauseAt,
      long requestsBefore, long bytesBefore, long requestsAfter, long bytesAfter,
      boolean paused) {}
}
