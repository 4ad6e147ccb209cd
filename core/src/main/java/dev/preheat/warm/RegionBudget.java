package dev.preheat.warm;

/**
 * How much one region (a CDN region, a PoP, a shield) may be asked per day, shared by every
 * stage and every run that names the region; usage is kept in a {@link
 * dev.preheat.spi.BudgetLedger}. A stage stops starting requests once the day's usage reaches
 * {@code pauseAt} of a limit, and the report says so; the rest of the stage is skipped with
 * {@link SkipReason#BUDGET} and the staged run stops there.
 *
 * @param requestsPerDay requests per UTC day (retries, verification and canary probes included),
 *     0 for no limit
 * @param bytesPerDay body bytes per UTC day, 0 for no limit
 * @param pauseAt the share of a limit at which the region pauses, in (0, 1]
 */
public record RegionBudget(long requestsPerDay, long bytesPerDay, double pauseAt) {

  /** The default {@link #pauseAt()}: 85%, leaving headroom for real users and other tools. */
  public static final double DEFAULT_PAUSE_AT = 0.85;

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if a limit is negative, both are 0, or {@code pauseAt} is
   *     outside (0, 1]
   */
  public RegionBudget {
    if (requestsPerDay < 0 || bytesPerDay < 0) {
      throw new IllegalArgumentException("region budget limits must be >= 0 but were "
          + requestsPerDay + " requests and " + bytesPerDay + " bytes per day");
    }
    if (requestsPerDay == 0 && bytesPerDay == 0) {
      throw new IllegalArgumentException(
          "a region budget needs a request or byte limit per day (both were 0)");
    }
    if (!(pauseAt > 0 && pauseAt <= 1)) {
      throw new IllegalArgumentException("region budget pauseAt must be in (0, 1] but was "
          + pauseAt);
    }
  }

  /** A budget of {@code requests} and {@code bytes} per day (0 = no limit), pausing at 85%. */
  public static RegionBudget perDay(long requests, long bytes) {
    return new RegionBudget(requests, bytes, DEFAULT_PAUSE_AT);
  }

  /** This budget pausing at {@code share} instead. */
  public RegionBudget pausingAt(double share) {
    return new RegionBudget(requestsPerDay, bytesPerDay, share);
  }

  /**
   * The requests a day may use before the pause, {@code floor(limit * pauseAt)}; {@link
   * Long#MAX_VALUE} without a request limit.
   */
  public long requestAllowance() {
    return requestsPerDay == 0 ? Long.MAX_VALUE : (long) Math.floor(requestsPerDay * pauseAt);
  }

  /** The bytes a day may use before the pause; {@link Long#MAX_VALUE} without a byte limit. */
  public long byteAllowance() {
    return bytesPerDay == 0 ? Long.MAX_VALUE : (long) Math.floor(bytesPerDay * pauseAt);
  }
}
