package dev.preheat.warm;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The check after a {@link Stage}: the next stage starts only when the stage's verification
 * sample (re-requested with browser-like headers) met {@link #minHitRatio()}, its error rate
 * stayed within {@link #maxErrorRate()} and, for a canary stage, the HIT ratio rose by at least
 * {@link #minUplift()}. When it does not, the staged run either stops ({@link #stopOnFail()},
 * the default) or pauses {@link #retryDelay()} and runs the stage again, at most {@link
 * #retryAttempts()} more times.
 *
 * <p>The error rate is the share of the stage's requested targets (not skipped) that ended
 * {@link Outcome#FAILED}.
 *
 * <pre>{@code
 * Gate gate = Gate.builder().minHitRatio(0.9).maxErrorRate(0.01)
 *     .pauseAndRetry(Duration.ofMinutes(2), 3).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Gate {

  private final @Nullable Double minHitRatio;
  private final @Nullable Double maxErrorRate;
  private final @Nullable Double minUplift;
  private final @Nullable Duration retryDelay;
  private final int retryAttempts;

  private Gate(Builder b) {
    this.minHitRatio = b.minHitRatio;
    this.maxErrorRate = b.maxErrorRate;
    this.minUplift = b.minUplift;
    this.retryDelay = b.retryDelay;
    this.retryAttempts = b.retryAttempts;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The lowest verification HIT ratio that passes (0..1), or null when not checked. */
  public @Nullable Double minHitRatio() {
    return minHitRatio;
  }

  /** The highest error rate that passes (0..1), or null when not checked. */
  public @Nullable Double maxErrorRate() {
    return maxErrorRate;
  }

  /** The smallest HIT ratio uplift of a canary stage that passes, or null when not checked. */
  public @Nullable Double minUplift() {
    return minUplift;
  }

  /** Whether a failed gate stops the staged run at once (no retries). */
  public boolean stopOnFail() {
    return retryDelay == null;
  }

  /** The pause before the stage runs again after a failed gate, or null when it stops. */
  public @Nullable Duration retryDelay() {
    return retryDelay;
  }

  /** How many more times the stage may run after a failed gate (0 when it stops). */
  public int retryAttempts() {
    return retryAttempts;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Gate[");
    if (minHitRatio != null) {
      b.append("hit>=").append(fmt(minHitRatio));
    }
    if (maxErrorRate != null) {
      b.append(b.length() > 5 ? "," : "").append("errors<=").append(fmt(maxErrorRate));
    }
    if (minUplift != null) {
      b.append(b.length() > 5 ? "," : "").append("uplift>=").append(fmt(minUplift));
    }
    b.append(stopOnFail() ? "; on fail stop" : "; on fail pause " + retryDelay + " and retry up to "
        + retryAttempts + " times");
    return b.append(']').toString();
  }

  static String fmt(double d) {
    return String.format(Locale.ROOT, "%.4g", d).replaceAll("\\.?0+$", "");
  }

  /** Builds a {@link Gate}; each setting may be given once. Not thread-safe. */
  public static final class Builder {

    private @Nullable Double minHitRatio;
    private @Nullable Double maxErrorRate;
    private @Nullable Double minUplift;
    private @Nullable Duration retryDelay;
    private int retryAttempts;
    private boolean onFailSet;

    private Builder() {}

    private static double share(double v, String name) {
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException(name + " must be in 0..1 but was " + v);
      }
      return v;
    }

    /**
     * Passes only when at least {@code ratio} of the verification sample was served from cache.
     *
     * @throws IllegalArgumentException if not in 0..1
     * @throws IllegalStateException if already set
     */
    public Builder minHitRatio(double ratio) {
      if (minHitRatio != null) {
        throw new IllegalStateException("minHitRatio was already set to " + minHitRatio);
      }
      this.minHitRatio = share(ratio, "minHitRatio");
      return this;
    }

    /**
     * Passes only when at most {@code rate} of the requested targets failed.
     *
     * @throws IllegalArgumentException if not in 0..1
     * @throws IllegalStateException if already set
     */
    public Builder maxErrorRate(double rate) {
      if (maxErrorRate != null) {
        throw new IllegalStateException("maxErrorRate was already set to " + maxErrorRate);
      }
      this.maxErrorRate = share(rate, "maxErrorRate");
      return this;
    }

    /**
     * For a canary stage: passes only when the HIT ratio after warming exceeds the one before by
     * at least {@code uplift} (e.g. 0.5 = 50 points). Ignored by stages without a canary.
     *
     * @throws IllegalArgumentException if not in 0..1
     * @throws IllegalStateException if already set
     */
    public Builder minUplift(double uplift) {
      if (minUplift != null) {
        throw new IllegalStateException("minUplift was already set to " + minUplift);
      }
      this.minUplift = share(uplift, "minUplift");
      return this;
    }

    /**
     * A failed gate stops the staged run (the default).
     *
     * @throws IllegalStateException if the on-fail action was already set
     */
    public Builder stopOnFail() {
      if (onFailSet) {
        throw new IllegalStateException("the on-fail action was already set");
      }
      onFailSet = true;
      return this;
    }

    /**
     * A failed gate pauses {@code delay}, then runs the stage again (finished targets are
     * answered from cache cheaply) and checks the gate again, at most {@code attempts} times;
     * then the staged run stops.
     *
     * @throws IllegalArgumentException if {@code delay} is negative or {@code attempts < 1}
     * @throws IllegalStateException if the on-fail action was already set
     */
    public Builder pauseAndRetry(Duration delay, int attempts) {
      Objects.requireNonNull(delay, "delay");
      if (onFailSet) {
        throw new IllegalStateException("the on-fail action was already set");
      }
      if (delay.isNegative()) {
        throw new IllegalArgumentException("gate retry delay must be >= 0 but was " + delay);
      }
      if (attempts < 1) {
        throw new IllegalArgumentException("gate retry attempts must be >= 1 but was " + attempts);
      }
      onFailSet = true;
      this.retryDelay = delay;
      this.retryAttempts = attempts;
      return this;
    }

    /**
     * Builds the gate.
     *
     * @throws IllegalStateException if no threshold was set
     */
    public Gate build() {
      if (minHitRatio == null && maxErrorRate == null && minUplift == null) {
        throw new IllegalStateException(
            "a gate needs a threshold: minHitRatio, maxErrorRate or minUplift");
      }
      return new Gate(this);
    }
  }
}
