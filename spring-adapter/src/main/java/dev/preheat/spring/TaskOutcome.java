package dev.preheat.spring;

import dev.preheat.report.WarmReport;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link WarmTask} warmed.
 *
 * @param items items warmed (URLs, cache keys, connections)
 * @param failures items that failed (the task went on)
 * @param detail a one-line summary for the log, or null
 * @param report the engine's report when the task ran an HTTP warm, else null
 */
public record TaskOutcome(long items, long failures, @Nullable String detail,
    @Nullable WarmReport report) {

  /**
   * Validates the counts.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public TaskOutcome {
    if (items < 0 || failures < 0) {
      throw new IllegalArgumentException("items and failures must be >= 0 but were " + items
          + " and " + failures);
    }
  }

  /** {@code items} warmed, {@code failures} failed, with a summary. */
  public static TaskOutcome of(long items, long failures, @Nullable String detail) {
    return new TaskOutcome(items, failures, detail, null);
  }
}
