package dev.preheat.redis;

import dev.preheat.report.ReportWriter;
import dev.preheat.report.WarmReport;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The account of a Redis run ({@link RedisPrimer} or {@link ReplicaWarmer}): the engine's {@link
 * WarmReport}, with every key in exactly one outcome, plus what is specific to Redis.
 *
 * <p>In {@link #warm()} the "host" is the Redis endpoint, a target is a key, {@code
 * requestsSent} counts Redis commands, {@code fullFetches} counts values fetched from the
 * source (loader calls per key, or keys read from the source instance), {@code bodyBytes}
 * counts value bytes written. Outcomes: {@code WARMED} written, {@code ALREADY_CACHED} present
 * and fresh (or written by another primer meanwhile), {@code UNCACHEABLE} the source has no
 * value, {@code SKIPPED} by checkpoint, budget or deadline, {@code FAILED} with the reason,
 * {@code CANCELLED} not attempted because the run was cancelled or Redis became unavailable.
 *
 * @param warm the engine report (write it with {@link ReportWriter#json()} for machines)
 * @param endpoint the Redis endpoint written to (password redacted)
 * @param loaderCalls keys passed to the loader (or read from the source instance)
 * @param writes values written to Redis
 * @param lockContended keys whose lock another primer held at least once
 * @param keysPerSecond targets finished per second of run time
 * @param notes facts the user should know about how the run was done (e.g. how hot keys were
 *     chosen)
 * @param warnings safety warnings, each with its fix
 */
public record RedisReport(
    WarmReport warm,
    String endpoint,
    long loaderCalls,
    long writes,
    long lockContended,
    double keysPerSecond,
    List<String> notes,
    List<RedisSafety.Warning> warnings) {

  /** Copies the lists. */
  public RedisReport {
    Objects.requireNonNull(warm, "warm");
    notes = List.copyOf(notes);
    warnings = List.copyOf(warnings);
  }

  /** Whether the run stopped early (cancelled, deadline, budget, Redis unavailable). */
  public boolean stopped() {
    return warm.stopReason() != null;
  }

  /** A human summary: the engine's text report followed by the Redis figures and notes. */
  public String text() {
    StringBuilder b = new StringBuilder(ReportWriter.text().write(warm));
    b.append(String.format(Locale.ROOT,
        "  redis:    %s, %d keys loaded, %d written, %d lock waits, %.0f keys/s%n", endpoint,
        loaderCalls, writes, lockContended, keysPerSecond));
    for (String n : notes) {
      b.append("  note: ").append(n).append(System.lineSeparator());
    }
    for (RedisSafety.Warning w : warnings) {
      b.append("  WARNING: ").append(w.problem()).append(System.lineSeparator())
          .append("    fix: ").append(w.fix()).append(System.lineSeparator());
    }
    return b.toString();
  }
}
