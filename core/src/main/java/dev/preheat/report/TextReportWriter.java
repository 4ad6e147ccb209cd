package dev.preheat.report;

import dev.preheat.warm.Outcome;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
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
    int i = 0;
    for (StageReport s : r.stages()) {
      writeStage(++i, s, out);
    }
    for (WarmReport.Problem p : r.problems()) {
      out.write("  " + p.outcome() + " " + p.key() + ": " + p.detail() + System.lineSeparator());
    }
  }

  private static void writeStage(int number, StageReport s, Writer out) throws IOException {
    String nl = System.lineSeparator();
    StringBuilder head = new StringBuilder("  stage ").append(number).append(' ')
        .append(s.name());
    if (s.target() != null) {
      head.append(" -> ").append(s.target());
    }
    List<String> settings = new ArrayList<>();
    if (s.connectTo() != null) {
      settings.add("connect-to " + s.connectTo());
    }
    settings.add(s.rate() == null ? "rate unlimited" : "rate " + rate(s.rate()) + "/s");
    settings.add("concurrency " + s.concurrency());
    if (!s.region().equals(s.name())) {
      settings.add("region " + s.region());
    }
    settings.add(s.targets() + " targets");
    head.append(" (").append(String.join(", ", settings)).append("): ").append(s.status());
    if (s.attempts() > 1) {
      head.append(" after ").append(s.attempts()).append(" runs");
    }
    if (s.detail() != null) {
      head.append(" - ").append(s.detail());
    }
    out.write(head + nl);
    WarmReport r = s.report();
    if (r != null) {
      HostFigures t = r.totals();
      WarmReport.Verification v = r.verification();
      out.write("    outcomes: " + nonZero(t.outcomes()) + "; " + t.requestsSent() + " requests, "
          + t.bodyBytes() + " bytes" + (v == null ? "" : String.format(Locale.ROOT,
              "; verify %d/%d HIT (%.1f%%)", v.hits(), v.sampled(), v.hitRatio() * 100))
          + (r.stopReason() == null ? "" : "; stopped: " + r.stopReason()) + nl);
    }
    StageReport.Canary c = s.canary();
    if (c != null && r != null) {
      out.write(String.format(Locale.ROOT, "    canary: hottest %d entries; HIT ratio before %s,"
              + " after %.1f%% (%d sampled); uplift %s%n", c.entries(),
          c.hitRatioBefore() == null ? "not measured"
              : String.format(Locale.ROOT, "%.1f%% (control sample of %d)",
                  c.hitRatioBefore() * 100, c.sampledBefore()),
          c.hitRatioAfter() * 100, c.sampledAfter(),
          c.uplift() == null ? "unknown"
              : String.format(Locale.ROOT, "%+.1f points", c.uplift() * 100)));
    }
    for (StageReport.GateDecision d : s.gateDecisions()) {
      out.write(String.format(Locale.ROOT, "    gate (run %d): %s - hit ratio %.1f%% of %d,"
              + " error rate %.1f%%%s%s -> %s%n", d.attempt(), d.passed() ? "passed" : "FAILED",
          d.hitRatio() * 100, d.sampled(), d.errorRate() * 100,
          d.uplift() == null ? "" : String.format(Locale.ROOT, ", uplift %+.1f points",
              d.uplift() * 100),
          d.failures().isEmpty() ? "" : " (" + String.join("; ", d.failures()) + ")",
          d.action()));
    }
    StageReport.Budget b = s.budget();
    if (b != null) {
      out.write(String.format(Locale.ROOT, "    budget of region %s on %s: %s%s, pause at %.0f%%%s%n",
          s.region(), b.day(), b.requestsPerDay() == 0 ? ""
              : b.requestsAfter() + "/" + b.requestsPerDay() + " requests",
          b.bytesPerDay() == 0 ? "" : (b.requestsPerDay() == 0 ? "" : ", ") + b.bytesAfter() + "/"
              + b.bytesPerDay() + " bytes",
          b.pauseAt() * 100, b.paused() ? " - PAUSED" : ""));
    }
  }

  private static String rate(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.2f", d);
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
