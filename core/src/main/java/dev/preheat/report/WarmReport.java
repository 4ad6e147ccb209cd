package dev.preheat.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The account of one warm run: every target in exactly one outcome, per-host figures, the SLO
 * verdict and the verification result. Immutable; write it with {@link ReportWriter}.
 *
 * @param schemaVersion the version of the JSON schema ({@value #SCHEMA_VERSION})
 * @param planHash the hash of the plan that was run
 * @param startedAt when the run started (engine clock)
 * @param elapsed from start to the last target's outcome (verification included)
 * @param stopReason why the run stopped early ({@code cancelled}, {@code deadline}, {@code
 *     request budget}, {@code byte budget}), or null when every target was attempted
 * @param totals figures over all hosts
 * @param hosts figures per host, sorted by host name
 * @param slo the SLO verdict
 * @param verification the verification result, or null when verification was off or skipped
 * @param clamps every value the engine clamped (e.g. a too long Retry-After), as messages
 * @param problems failed, uncacheable and cancelled targets with their reasons (at most {@value
 *     #MAX_LISTED} are listed; {@code totals} has the full counts)
 * @param stages for a staged warm, each stage in run order (its figures, gate decisions, canary
 *     and budget); empty for a plain run. The other fields then cover every stage: totals and
 *     hosts sum the stages' last runs plus the skipped targets of stages that did not run
 */
public record WarmReport(
    int schemaVersion,
    String planHash,
    Instant startedAt,
    Duration elapsed,
    @Nullable String stopReason,
    HostFigures totals,
    Map<String, HostFigures> hosts,
    Slo slo,
    @Nullable Verification verification,
    List<String> clamps,
    List<Problem> problems,
    List<StageReport> stages) {

  /** The current JSON schema version (2 added {@code stages} and the skip reason {@code STAGE_NOT_RUN}). */
  public static final int SCHEMA_VERSION = 2;

  /** The most keys listed in {@link #problems()} and {@link Verification#misses()}. */
  public static final int MAX_LISTED = 1000;

  /** Copies the collections. */
  public WarmReport {
    Objects.requireNonNull(planHash, "planHash");
    hosts = Map.copyOf(hosts);
    clamps = List.copyOf(clamps);
    problems = List.copyOf(problems);
    stages = List.copyOf(stages);
  }

  /** A report of a plain (not staged) run: no {@link #stages()}. */
  public WarmReport(int schemaVersion, String planHash, Instant startedAt, Duration elapsed,
      @Nullable String stopReason, HostFigures totals, Map<String, HostFigures> hosts, Slo slo,
      @Nullable Verification verification, List<String> clamps, List<Problem> problems) {
    this(schemaVersion, planHash, startedAt, elapsed, stopReason, totals, hosts, slo,
        verification, clamps, problems, List.of());
  }

  /** The first stage whose gate failed, if any. */
  public java.util.Optional<StageReport> failedGate() {
    return stages.stream().filter(s -> s.status() == StageReport.Status.GATE_FAILED).findFirst();
  }

  /**
   * The SLO verdict: whether at least {@code targetShare} of the warmable targets reached a good
   * outcome (warmed, revalidated, already cached) within {@code within} of the start. Targets
   * finished by an earlier run of the same plan (checkpointed) count as good; uncacheable and
   * denied targets are not counted at all, since warming them is not the goal.
   *
   * @param targetShare the share required, 0..1
   * @param within the time allowed
   * @param achievedShare the share of targets in a good outcome reached within that time
   * @param met whether {@code achievedShare >= targetShare}
   */
  public record Slo(double targetShare, Duration within, double achievedShare, boolean met) {}

  /**
   * The verification: a sample re-requested with browser-like headers after warming.
   *
   * @param sampled how many targets were re-requested
   * @param hits how many of them the cache served from store
   * @param hitRatio {@code hits / sampled} (0 when nothing was sampled)
   * @param misses keys that were warmed but still not served from cache: a cache-key mismatch
   */
  public record Verification(long sampled, long hits, double hitRatio, List<String> misses) {
    /** Copies the list. */
    public Verification {
      misses = List.copyOf(misses);
    }
  }

  /**
   * One target that did not end well.
   *
   * @param key the target key (query values redacted unless configured otherwise)
   * @param outcome its outcome name
   * @param detail the reason
   */
  public record Problem(String key, String outcome, String detail) {}
}
