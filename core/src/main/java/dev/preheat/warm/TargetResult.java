package dev.preheat.warm;

import dev.preheat.status.CacheStatus;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The end of one target.
 *
 * @param target the target
 * @param outcome how it ended
 * @param skipReason why it was skipped, non-null exactly when the outcome is {@code SKIPPED}
 * @param detail a human-readable reason for {@code FAILED}, {@code UNCACHEABLE} and {@code
 *     CANCELLED} outcomes (query values redacted), else null
 * @param status the last HTTP status seen, or 0 when no response arrived
 * @param attempts how many requests were sent for this target (0 when skipped)
 * @param cacheStatus the cache status of the last response, or {@link CacheStatus#unknown()}
 */
public record TargetResult(
    WarmTarget target,
    Outcome outcome,
    @Nullable SkipReason skipReason,
    @Nullable String detail,
    int status,
    int attempts,
    CacheStatus cacheStatus) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if a skip reason is given for an outcome other than {@code
   *     SKIPPED} or missing for {@code SKIPPED}
   */
  public TargetResult {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(cacheStatus, "cacheStatus");
    if ((outcome == Outcome.SKIPPED) != (skipReason != null)) {
      throw new IllegalArgumentException(
          "skipReason must be set exactly for SKIPPED but outcome was " + outcome
              + " and skipReason " + skipReason);
    }
  }
}
