package dev.preheat.warm;

/**
 * How one target ended. Every target of a run ends in exactly one outcome, so the counts in a
 * report always add up to the number of targets.
 */
public enum Outcome {
  /** A full response was fetched and the cache can store it (a MISS that is now stored). */
  WARMED,
  /** A conditional request was answered {@code 304 Not Modified}. */
  REVALIDATED,
  /** The cache already held the response (its status said HIT). */
  ALREADY_CACHED,
  /** The response must not be cached ({@code no-store}, {@code private}, shared {@code Set-Cookie}). */
  UNCACHEABLE,
  /** Not requested; {@link SkipReason} says why. */
  SKIPPED,
  /** Requested but did not succeed after the allowed attempts; the result carries the reason. */
  FAILED,
  /** The run was cancelled (or the deadline's grace period ran out) before the target finished. */
  CANCELLED;

  /** Whether this outcome leaves the cache warm: warmed, revalidated or already cached. */
  public boolean isGood() {
    return this == WARMED || this == REVALIDATED || this == ALREADY_CACHED;
  }
}
