package dev.preheat.report;

import dev.preheat.warm.Outcome;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A compact human summary; the JSON writer is the complete form. */
final class TextReportWriter implements ReportWriter {

  static final TextReportWriter INSTANCE = new TextReportWriter();

  private TextReportWriter() {}

  @Override
  public void write(WarmReport r, Writer out) throws IOException {
    HostFigures t = r.totals();
    out.write(String.format(Locale.ROOT, "Warm run %s: %d targets in %.1f s%s%n",
        r.planHash().substring(0, Math.min(12, r.planHash().length())), t.targets(),
        r.elapsed().toMillis() / 1000.0,
        r.stopReason() == null ? "" : " (stopped: " + r.stopReason() + ")"));
    out.write("  outcomes: " + nonZero(t.outcomes()) + System.lineSeparator());
    if (t.count(Outcome.SKIPPED) > 0) {
      out.write("  skipped:  " + nonZero(t.skipped()) + System.lineSeparator());
    }
    out.write(String.format(Locale.ROOT,
        "  requests: %d sent (%d conditional, %d full), %d retries, %d bytes, %d breaker opens%n",
        t.requestsSent(), t.conditionalFetches(), t.fullFetches(), t.retries(), t.bodyBytes(),
        t.breakerOpens()));
    out.write(String.format(Locale.ROOT,
        "  latency:  ttfb p50 %.1f ms p95 %.1f ms p99 %.1f ms; total p50 %.1f ms p95 %.1f ms"
            + " p99 %.1f ms%n",
        t.timeToFirstByte().p50Millis(), t.timeToFirstByte().p95Millis(),
        t.timeToFirstByte().p99Millis(), t.totalTime().p50Millis(), t.totalTime().p95Millis(),
        t.totalTime().p99Millis()));
    WarmReport.Slo slo = r.slo();
    out.write(String.format(Locale.ROOT, "  SLO:      %s (%.1f%% warm within %d s, target %.1f%%)%n",
        slo.met() ? "met" : "MISSED", slo.achievedShare() * 100, slo.within().toSeconds(),
        slo.targetShare() * 100));
    WarmReport.Verification v = r.verification();
    if (v != null) {
      out.write(String.format(Locale.ROOT, "  verify:   %d/%d HIT (%.1f%%), %d still MISS%n",
          v.hits(), v.sampled(), v.hitRatio() * 100, v.misses().size()));
      for (String miss : v.misses()) {
        out.write("    MISS " + miss + System.lineSeparator());
      }
    }
    for (Map.Entry<String, HostFigures> h : new TreeMap<>(r.hosts()).entrySet()) {
      out.write("  host " + h.getKey() + ": " + nonZero(h.getValue().outcomes())
          + ", pauses " + new TreeMap<>(h.getValue().pauses()) + System.lineSeparator());
    }
    for (String clamp : r.clamps()) {
      out.write("  clamp: " + clamp + System.lineSeparator());
    }
    for (WarmReport.Problem p : r.problems()) {
      out.write("  " + p.outcome() + " " + p.key() + ": " + p.detail() + System.lineSeparator());
    }
  }

  private static String nonZero(Map<?, Long> counts) {
    StringBuilder b = new StringBuilder();
    counts.forEach((k, n) -> {
      if (n > 0) {
        b.append(b.length() == 0 ? "" : ", ").append(k.toString().toLowerCase(Locale.ROOT))
            .append(' ').append(n);
      }
    });
    return b.length() == 0 ? "none" : b.toString();
  }

}
