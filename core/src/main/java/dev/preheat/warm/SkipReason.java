package dev.preheat.warm;

/** Why a target was {@linkplain Outcome#SKIPPED skipped}. */
public enum SkipReason {
  /** The path is not allowed (denylist, or not on the allowlist). */
  DENIED,
  /** An earlier run recorded the URL as uncacheable; it is dropped from later plans. */
  KNOWN_UNCACHEABLE,
  /** Sending it would have exceeded the request or byte budget. */
  BUDGET,
  /** The deadline passed before it was started. */
  DEADLINE,
  /** A checkpoint of an earlier run of the same plan shows it finished. */
  CHECKPOINTED,
  /**
   * Its stage never started: an earlier stage's gate failed or its region budget paused the
   * staged run (see {@link dev.preheat.report.StageReport}).
   */
  STAGE_NOT_RUN
}
