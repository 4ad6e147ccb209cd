package dev.preheat.spring;

import dev.preheat.report.WarmReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The account of one warm round: every task with its status. Immutable.
 *
 * @param trigger what started the round ({@code startup}, {@code actuator}, {@code webhook},
 *     {@code idle})
 * @param startedAt when it started
 * @param elapsed how long it took
 * @param state how the round ended
 * @param tasks every task, in registration order
 */
public record PreheatReport(String trigger, Instant startedAt, Duration elapsed, State state,
    List<Task> tasks) {

  /** How a round ended. */
  public enum State {
    /** Every task finished (individual item failures are counted, not fatal). */
    WARM,
    /** At least one task failed, timed out or was skipped: the app started partly cold. */
    DEGRADED,
    /** The round was cancelled (shutdown). */
    CANCELLED
  }

  /** How one task ended. */
  public enum Status {
    /** It returned. */
    DONE,
    /** It threw; {@link Task#detail()} has the message. */
    FAILED,
    /** Its deadline (or the global one) passed; it was cancelled. */
    TIMED_OUT,
    /** The round was cancelled before it finished. */
    CANCELLED,
    /** It did not run; {@link Task#detail()} says why. */
    SKIPPED
  }

  /**
   * One task's end.
   *
   * @param name the task's name
   * @param status how it ended
   * @param elapsed how long it ran
   * @param items items warmed
   * @param failures items that failed
   * @param detail a summary or the reason
   * @param report the HTTP warm report, when there is one
   */
  public record Task(String name, Status status, Duration elapsed, long items, long failures,
      @Nullable String detail, @Nullable WarmReport report) {}

  /** Copies the list. */
  public PreheatReport {
    tasks = List.copyOf(tasks);
  }

  /** Whether any task timed out. */
  public boolean timedOut() {
    return tasks.stream().anyMatch(t -> t.status() == Status.TIMED_OUT);
  }

  /** A multi-line summary for the log. */
  public String summary() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "Preheat %s round %s in %d ms: %d task(s)", trigger, state.name().toLowerCase(Locale.ROOT),
        elapsed.toMillis(), tasks.size()));
    for (Task t : tasks) {
      b.append(String.format(Locale.ROOT, "%n  %-24s %-9s %6d ms  %d warmed, %d failed%s",
          t.name(), t.status().name().toLowerCase(Locale.ROOT), t.elapsed().toMillis(), t.items(),
          t.failures(), t.detail() == null ? "" : "  (" + t.detail() + ")"));
    }
    return b.toString();
  }

  /** The report as plain maps and lists, for JSON (the actuator endpoint). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trigger", trigger);
    m.put("startedAt", startedAt.toString());
    m.put("elapsedMillis", elapsed.toMillis());
    m.put("state", state.name().toLowerCase(Locale.ROOT));
    m.put("tasks", tasks.stream().map(t -> {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("name", t.name());
      tm.put("status", t.status().name().toLowerCase(Locale.ROOT));
      tm.put("elapsedMillis", t.elapsed().toMillis());
      tm.put("items", t.items());
      tm.put("failures", t.failures());
      if (t.detail() != null) {
        tm.put("detail", t.detail());
      }
      if (t.report() != null) {
        tm.put("report", dev.preheat.spring.internal.ReportJson.toMap(t.report()));
      }
      return tm;
    }).toList());
    return m;
  }
}
