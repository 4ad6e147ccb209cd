package dev.preheat.cli;

import dev.preheat.internal.json.Json;
import dev.preheat.simulate.CacheFigures;
import dev.preheat.simulate.CostModel;
import dev.preheat.simulate.Roi;
import dev.preheat.simulate.SimulatedWindow;
import dev.preheat.simulate.SimulationResult;
import dev.preheat.simulate.SimulationSettings;
import dev.preheat.simulate.SweepPoint;
import dev.preheat.simulate.TtlRule;
import dev.preheat.simulate.WindowFigures;
import dev.preheat.source.MalformedLine;
import dev.preheat.source.ReadStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.exc.JacksonIOException;

/**
 * Writes a {@link SimulationResult} as a text table, JSON (schema version {@value
 * #SCHEMA_VERSION}, documented in {@code docs/schema/simulate.schema.json}) or a self-contained
 * HTML page with inline SVG charts.
 */
final class SimulateReport {

  static final int SCHEMA_VERSION = 1;

  private final SimulationResult result;
  private final List<String> settings;
  private final String version;
  private final Duration elapsed;

  SimulateReport(SimulationResult result, List<String> settings, String version,
      Duration elapsed) {
    this.result = result;
    this.settings = settings;
    this.version = version;
    this.elapsed = elapsed;
  }

  // ---------------------------------------------------------------- text

  void writeText(PrintWriter out) {
    CacheFigures base = result.baseline();
    long evaluated = result.windows().stream().filter(SimulatedWindow::evaluated).count();
    out.printf(Locale.ROOT, "Hit ratio by hotset size: %,d evaluated window%s of %s, %,d requests,"
            + " %s%n%n", evaluated, evaluated == 1 ? "" : "s",
        Units.format(result.settings().window()), base.requests(),
        result.settings().purgeEachWindow() ? "cache purged at each window start"
            : "cache kept across windows");
    String row = "%8s %10s %10s %9s %9s %9s %9s %9s %9s %12s %10s%n";
    out.printf(Locale.ROOT, row, "size", "warm req", "warm data", "hit", "uplift", "byte hit",
        "uplift", "oracle", "gain/warm", "savings", "breakeven");
    out.printf(Locale.ROOT, row, "none", "-", "-", pct(base.hitRatio()), "-",
        pct(base.byteHitRatio()), "-", "-", "-", "-", "-");
    int recommended = result.recommended().map(SweepPoint::size).orElse(0);
    for (SweepPoint p : result.points()) {
      CacheFigures w = p.warmed();
      out.printf(Locale.ROOT, row,
          (p.size() == recommended ? "*" : "") + fmt(p.size()),
          fmt(w.warmRequests()), human(w.warmBytes()), pct(w.hitRatio()),
          pp(w.hitRatio() - base.hitRatio()), pct(w.byteHitRatio()),
          pp(w.byteHitRatio() - base.byteHitRatio()), pct(p.oracle().hitRatio()),
          Double.isNaN(p.marginalGain()) ? "-" : String.format(Locale.ROOT, "%.3f", p.marginalGain()),
          money(p.roi().savings()), breakeven(p.roi()));
    }
    out.println();
    out.println("  hit, byte hit: share of requests and of bytes answered by the cache; uplift in"
        + " percentage points");
    out.println("  oracle: warming each window's own top N (the upper bound); gain/warm: misses"
        + " avoided per extra warm request");
    out.println("  savings: miss cost avoided minus warm cost; breakeven: origin ms per miss above"
        + " which warming pays");
    out.println();
    out.println("summary");
    Optional<SweepPoint> rec = result.recommended();
    if (rec.isPresent()) {
      SweepPoint p = rec.get();
      String next = result.points().stream().filter(q -> q.size() > p.size()).findFirst()
          .map(q -> "; the next step avoided " + String.format(Locale.ROOT, "%.3f", q.marginalGain()))
          .orElse("");
      line(out, "recommended", fmt(p.size()) + " URLs (each step up to it avoided >= "
          + result.settings().minGain() + " misses per extra warm request" + next + ")");
      line(out, "at " + fmt(p.size()), "hit ratio " + pct(base.hitRatio()) + " -> "
          + pct(p.warmed().hitRatio()) + " (oracle " + pct(p.oracle().hitRatio()) + "), "
          + fmt(p.warmed().warmRequests()) + " warm requests, " + human(p.warmed().warmBytes()));
      roiLines(out, p);
    } else {
      line(out, "recommended", "none: even the smallest size avoided fewer than "
          + result.settings().minGain() + " misses per warm request");
    }
    result.mostSavings().filter(p -> rec.isEmpty() || p.size() != rec.get().size())
        .ifPresent(p -> line(out, "most savings", fmt(p.size()) + " URLs: "
            + money(p.roi().savings())));
    CostModel c = result.settings().costs();
    line(out, "costs", String.format(Locale.ROOT,
        "%s per GB egress, %s per request, %s ms origin CPU per miss at %s per CPU-hour",
        money(c.egressPerGb()), money(c.perRequest()), num(c.originMsPerMiss()),
        money(c.originCpuPerHour())));
    line(out, "settings", String.join(", ", settings));
    ReadStats s = result.readStats();
    if (s.files() > 0) {
      line(out, "log", String.format(Locale.ROOT, "%d file%s (%s), %,d lines, %,d records, "
              + "%,d malformed, %,d filtered by user agent", s.files(), s.files() == 1 ? "" : "s",
          human(s.bytesRead()), s.lines(), s.records(), s.malformedLines() + s.oversizedLines(),
          s.filteredByUserAgent()));
    }
    line(out, "replayed", String.format(Locale.ROOT, "%,d requests (GET/HEAD answered 200/304) "
            + "for %s%,d URLs; skipped %,d other methods, %,d other statuses, %,d without time",
        result.replayedRequests(), result.distinctUrlsExact() ? "" : "~",
        result.distinctUrls(), result.otherMethodRecords(),
        result.otherStatusRecords(), result.untimedRecords()));
    if (result.lateRequests() > 0) {
      line(out, "late", String.format(Locale.ROOT, "%,d requests skipped: read after their window"
          + " had been replayed (logged more than %s out of order; raise --reorder)",
          result.lateRequests(), Units.format(result.settings().reorder())));
    }
    List<SimulatedWindow> ws = result.windows();
    line(out, "windows", String.format(Locale.ROOT, "%d from %s to %s; the first only mines the"
        + " first hotset", ws.size(), ws.get(0).start(), ws.get(ws.size() - 1).end()));
    if (!result.droppedSizes().isEmpty()) {
      line(out, "sizes dropped", result.droppedSizes() + " (more than any window's distinct URLs)");
    }
    for (MalformedLine m : s.samples()) {
      line(out, "malformed line", m.source() + ":" + m.lineNumber() + ": " + m.reason());
    }
    line(out, "elapsed", String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0));
  }

  private void roiLines(PrintWriter out, SweepPoint p) {
    Roi r = p.roi();
    line(out, "ROI", "savings " + money(r.savings()) + " = miss cost " + money(r.missCostBefore())
        + " without warming - " + money(r.missCostAfter()) + " with - warm cost "
        + money(r.warmCost()) + ", over the evaluated windows");
    if (Double.isNaN(r.breakevenMsPerMiss())) {
      line(out, "breakeven", "never: warming avoided no miss");
    } else {
      line(out, "breakeven", "warming pays when a miss costs the origin more than "
          + num(r.breakevenMsPerMiss()) + " ms of CPU (given: "
          + num(result.settings().costs().originMsPerMiss()) + " ms)");
    }
  }

  private static void line(PrintWriter out, String label, String value) {
    out.printf(Locale.ROOT, "  %-16s %s%n", label, value);
  }

  // ---------------------------------------------------------------- json

  void writeJson(PrintWriter out) {
    try (JsonGenerator g = Json.PRETTY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberProperty("schemaVersion", SCHEMA_VERSION);
      g.writeStringProperty("generator", "preheat " + version);
      writeSettings(g);
      ReadStats s = result.readStats();
      g.writeObjectPropertyStart("input");
      g.writeNumberProperty("files", s.files());
      g.writeNumberProperty("bytesRead", s.bytesRead());
      g.writeNumberProperty("lines", s.lines());
      g.writeNumberProperty("records", result.recordsSeen());
      g.writeNumberProperty("malformed", s.malformedLines());
      g.writeNumberProperty("oversized", s.oversizedLines());
      g.writeNumberProperty("filteredByUserAgent", s.filteredByUserAgent());
      g.writeNumberProperty("otherMethod", result.otherMethodRecords());
      g.writeNumberProperty("otherStatus", result.otherStatusRecords());
      g.writeNumberProperty("untimed", result.untimedRecords());
      g.writeNumberProperty("replayedRequests", result.replayedRequests());
      g.writeNumberProperty("distinctUrls", result.distinctUrls());
      g.writeBooleanProperty("distinctUrlsExact", result.distinctUrlsExact());
      g.writeNumberProperty("lateRequests", result.lateRequests());
      g.writeEndObject();
      g.writeArrayPropertyStart("windows");
      for (SimulatedWindow w : result.windows()) {
        g.writeStartObject();
        g.writeNumberProperty("index", w.index());
        g.writeStringProperty("start", w.start().toString());
        g.writeStringProperty("end", w.end().toString());
        g.writeNumberProperty("requests", w.requests());
        g.writeNumberProperty("bytes", w.bytes());
        g.writeNumberProperty("distinctUrls", w.distinctUrls());
        g.writeBooleanProperty("evaluated", w.evaluated());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeName("baseline");
      writeFigures(g, result.baseline());
      g.writeArrayPropertyStart("points");
      for (SweepPoint p : result.points()) {
        g.writeStartObject();
        g.writeNumberProperty("size", p.size());
        g.writeName("warmed");
        writeFigures(g, p.warmed());
        g.writeName("oracle");
        writeFigures(g, p.oracle());
        writeNumberOrNull(g, "marginalGain", p.marginalGain());
        g.writeName("roi");
        writeRoi(g, p.roi());
        g.writeName("oracleRoi");
        writeRoi(g, p.oracleRoi());
        g.writeEndObject();
      }
      g.writeEndArray();
      Optional<SweepPoint> rec = result.recommended();
      if (rec.isPresent()) {
        g.writeNumberProperty("recommendedSize", rec.get().size());
      } else {
        g.writeNullProperty("recommendedSize");
      }
      Optional<SweepPoint> best = result.mostSavings();
      if (best.isPresent()) {
        g.writeNumberProperty("mostSavingsSize", best.get().size());
      } else {
        g.writeNullProperty("mostSavingsSize");
      }
      g.writeArrayPropertyStart("droppedSizes");
      for (int d : result.droppedSizes()) {
        g.writeNumber(d);
      }
      g.writeEndArray();
      g.writeArrayPropertyStart("malformedSamples");
      for (MalformedLine m : s.samples()) {
        g.writeStartObject();
        g.writeStringProperty("source", m.source());
        g.writeNumberProperty("line", m.lineNumber());
        g.writeStringProperty("reason", m.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberProperty("elapsedMs", elapsed.toMillis());
      g.writeEndObject();
    } catch (JacksonIOException e) {
      throw new UncheckedIOException(e.getCause());
    }
    out.println();
  }

  private void writeSettings(JsonGenerator g) {
    SimulationSettings st = result.settings();
    g.writeObjectPropertyStart("settings");
    g.writeNumberProperty("windowSeconds", st.window().toSeconds());
    g.writeNumberProperty("reorderSeconds", st.reorder().toMillis() / 1000.0);
    g.writeArrayPropertyStart("sizes");
    for (int s : st.sizes()) {
      g.writeNumber(s);
    }
    g.writeEndArray();
    g.writeNumberProperty("maxEntries", st.maxEntries());
    g.writeNumberProperty("maxBytes", st.maxBytes());
    if (st.defaultTtl() == null) {
      g.writeNullProperty("ttlSeconds");
    } else {
      g.writeNumberProperty("ttlSeconds", st.defaultTtl().toMillis() / 1000.0);
    }
    g.writeArrayPropertyStart("ttlRules");
    for (TtlRule r : st.ttlRules()) {
      g.writeStartObject();
      g.writeStringProperty("pattern", r.pattern().pattern());
      g.writeNumberProperty("maxAgeSeconds", r.maxAge().toMillis() / 1000.0);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberProperty("knownMaxAges", st.maxAges().size());
    g.writeBooleanProperty("purgeEachWindow", st.purgeEachWindow());
    g.writeStringProperty("weight", st.weight().name().toLowerCase(Locale.ROOT));
    g.writeNumberProperty("minGain", st.minGain());
    CostModel c = st.costs();
    g.writeObjectPropertyStart("costs");
    g.writeNumberProperty("egressPerGb", c.egressPerGb());
    g.writeNumberProperty("perRequest", c.perRequest());
    g.writeNumberProperty("originMsPerMiss", c.originMsPerMiss());
    g.writeNumberProperty("originCpuPerHour", c.originCpuPerHour());
    g.writeEndObject();
    g.writeArrayPropertyStart("description");
    for (String s : settings) {
      g.writeString(s);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeFigures(JsonGenerator g, CacheFigures f) {
    g.writeStartObject();
    g.writeNumberProperty("requests", f.requests());
    g.writeNumberProperty("hits", f.hits());
    g.writeNumberProperty("misses", f.misses());
    g.writeNumberProperty("hitRatio", f.hitRatio());
    g.writeNumberProperty("bytes", f.bytes());
    g.writeNumberProperty("hitBytes", f.hitBytes());
    g.writeNumberProperty("byteHitRatio", f.byteHitRatio());
    g.writeNumberProperty("warmRequests", f.warmRequests());
    g.writeNumberProperty("warmBytes", f.warmBytes());
    g.writeNumberProperty("warmFills", f.warmFills());
    g.writeArrayPropertyStart("windows");
    for (WindowFigures w : f.windows()) {
      g.writeStartObject();
      g.writeNumberProperty("window", w.window());
      g.writeNumberProperty("hits", w.hits());
      g.writeNumberProperty("hitBytes", w.hitBytes());
      g.writeNumberProperty("warmRequests", w.warmRequests());
      g.writeNumberProperty("warmBytes", w.warmBytes());
      g.writeNumberProperty("warmFills", w.warmFills());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeRoi(JsonGenerator g, Roi r) {
    g.writeStartObject();
    g.writeNumberProperty("missCostBefore", r.missCostBefore());
    g.writeNumberProperty("missCostAfter", r.missCostAfter());
    g.writeNumberProperty("warmCost", r.warmCost());
    g.writeNumberProperty("savings", r.savings());
    writeNumberOrNull(g, "breakevenMsPerMiss", r.breakevenMsPerMiss());
    g.writeEndObject();
  }

  private static void writeNumberOrNull(JsonGenerator g, String name, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      g.writeNullProperty(name);
    } else {
      g.writeNumberProperty(name, v);
    }
  }

  // ---------------------------------------------------------------- html

  void writeHtml(Writer w) throws IOException {
    List<SweepPoint> points = result.points();
    CacheFigures base = result.baseline();
    double[] x = points.stream().mapToDouble(SweepPoint::size).toArray();
    double[] warmed = points.stream().mapToDouble(p -> p.warmed().hitRatio()).toArray();
    double[] oracle = points.stream().mapToDouble(p -> p.oracle().hitRatio()).toArray();
    double[] bytesWarmed = points.stream().mapToDouble(p -> p.warmed().byteHitRatio()).toArray();
    double[] none = points.stream().mapToDouble(p -> base.hitRatio()).toArray();
    double[] savings = points.stream().mapToDouble(p -> p.roi().savings()).toArray();
    double[] oracleSavings = points.stream().mapToDouble(p -> p.oracleRoi().savings()).toArray();
    double[] zero = new double[x.length];
    Optional<SweepPoint> rec = result.recommended();

    SvgChart curve = new SvgChart("Hit ratio by hotset size", "hotset size (URLs, log scale)",
        "hit ratio", x, true, v -> fmt((long) v), v -> String.format(Locale.ROOT, "%.0f%%", v * 100))
        .add("oracle (own top N)", "#d62728", true, oracle)
        .add("warmed (previous window)", "#1f77b4", false, warmed)
        .add("byte hit, warmed", "#9467bd", false, bytesWarmed)
        .add("no warming", "#7f7f7f", true, none)
        .bounds(0, 1);
    SvgChart roi = new SvgChart("Savings by hotset size", "hotset size (URLs, log scale)",
        "savings", x, true, v -> fmt((long) v), SimulateReport::money)
        .add("oracle savings", "#d62728", true, oracleSavings)
        .add("savings", "#2ca02c", false, savings)
        .add("break-even", "#7f7f7f", true, zero);
    rec.ifPresent(p -> {
      curve.marker(p.size(), "recommended " + fmt(p.size()));
      roi.marker(p.size(), "recommended " + fmt(p.size()));
    });
    SvgChart perWindow = null;
    List<SimulatedWindow> evaluated =
        result.windows().stream().filter(SimulatedWindow::evaluated).toList();
    if (evaluated.size() >= 2 && !points.isEmpty()) {
      SweepPoint shown = rec.orElse(points.get(points.size() - 1));
      double[] wx = evaluated.stream().mapToDouble(SimulatedWindow::index).toArray();
      double[] wBase = new double[wx.length];
      double[] wWarm = new double[wx.length];
      double[] wOracle = new double[wx.length];
      for (int i = 0; i < wx.length; i++) {
        long req = evaluated.get(i).requests();
        wBase[i] = req == 0 ? Double.NaN : (double) base.windows().get(i).hits() / req;
        wWarm[i] = req == 0 ? Double.NaN : (double) shown.warmed().windows().get(i).hits() / req;
        wOracle[i] = req == 0 ? Double.NaN : (double) shown.oracle().windows().get(i).hits() / req;
      }
      perWindow = new SvgChart("Hit ratio per window, size " + fmt(shown.size()), "window",
          "hit ratio", wx, false, v -> "#" + (long) v,
          v -> String.format(Locale.ROOT, "%.0f%%", v * 100))
          .add("oracle", "#d62728", true, wOracle)
          .add("warmed", "#1f77b4", false, wWarm)
          .add("no warming", "#7f7f7f", true, wBase)
          .bounds(0, 1);
    }

    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<title>preheat simulate</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}\n")
        .append("table{border-collapse:collapse;font-size:13px}\n")
        .append("th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}\n")
        .append("th:first-child,td:first-child{text-align:left}\n")
        .append("tr.rec{background:#e8f6ec;font-weight:bold}\n")
        .append("dl{display:grid;grid-template-columns:max-content auto;gap:4px 16px}\n")
        .append("dt{font-weight:bold}dd{margin:0}\n</style></head><body>\n");
    sb.append("<h1>preheat simulate</h1>\n<dl>\n");
    dd(sb, "recommended", rec.map(p -> fmt(p.size()) + " URLs: hit ratio "
        + pct(base.hitRatio()) + " &rarr; " + pct(p.warmed().hitRatio()) + " (oracle "
        + pct(p.oracle().hitRatio()) + "), savings " + escape(money(p.roi().savings()))
        + ", breakeven " + escape(breakeven(p.roi())) + " ms origin CPU per miss")
        .orElse("none: even the smallest size avoided fewer than "
            + result.settings().minGain() + " misses per warm request"), false);
    dd(sb, "evaluated", String.format(Locale.ROOT, "%,d windows of %s, %,d requests, %s%,d URLs",
        evaluated.size(), Units.format(result.settings().window()), base.requests(),
        result.distinctUrlsExact() ? "" : "~", result.distinctUrls()), true);
    dd(sb, "settings", String.join(", ", settings), true);
    CostModel c = result.settings().costs();
    dd(sb, "costs", String.format(Locale.ROOT,
        "%s per GB egress, %s per request, %s ms origin CPU per miss at %s per CPU-hour",
        money(c.egressPerGb()), money(c.perRequest()), num(c.originMsPerMiss()),
        money(c.originCpuPerHour())), true);
    dd(sb, "generator", "preheat " + version, true);
    sb.append("</dl>\n");
    sb.append(curve.render()).append(roi.render());
    if (perWindow != null) {
      sb.append(perWindow.render());
    }
    sb.append("<h2>Sweep</h2>\n<table>\n<tr><th>size</th><th>warm requests</th><th>warm data</th>"
        + "<th>hit ratio</th><th>uplift</th><th>byte hit ratio</th><th>oracle</th>"
        + "<th>gain / warm</th><th>miss cost</th><th>warm cost</th><th>savings</th>"
        + "<th>breakeven ms</th></tr>\n");
    Roi baseRoi = points.isEmpty() ? null : points.get(0).roi();
    sb.append("<tr><td>none</td><td>-</td><td>-</td><td>").append(pct(base.hitRatio()))
        .append("</td><td>-</td><td>").append(pct(base.byteHitRatio()))
        .append("</td><td>-</td><td>-</td><td>")
        .append(baseRoi == null ? "-" : escape(money(baseRoi.missCostBefore())))
        .append("</td><td>-</td><td>-</td><td>-</td></tr>\n");
    for (SweepPoint p : points) {
      CacheFigures f = p.warmed();
      boolean isRec = rec.isPresent() && rec.get().size() == p.size();
      sb.append(isRec ? "<tr class=\"rec\">" : "<tr>")
          .append("<td>").append(fmt(p.size())).append("</td>")
          .append("<td>").append(fmt(f.warmRequests())).append("</td>")
          .append("<td>").append(escape(human(f.warmBytes()))).append("</td>")
          .append("<td>").append(pct(f.hitRatio())).append("</td>")
          .append("<td>").append(pp(f.hitRatio() - base.hitRatio())).append("</td>")
          .append("<td>").append(pct(f.byteHitRatio())).append("</td>")
          .append("<td>").append(pct(p.oracle().hitRatio())).append("</td>")
          .append("<td>").append(Double.isNaN(p.marginalGain()) ? "-"
              : String.format(Locale.ROOT, "%.3f", p.marginalGain())).append("</td>")
          .append("<td>").append(escape(money(p.roi().missCostAfter()))).append("</td>")
          .append("<td>").append(escape(money(p.roi().warmCost()))).append("</td>")
          .append("<td>").append(escape(money(p.roi().savings()))).append("</td>")
          .append("<td>").append(escape(breakeven(p.roi()))).append("</td></tr>\n");
    }
    sb.append("</table>\n<p>Hit ratios count the evaluated windows (all but the first, which only"
        + " provides the first hotset). The oracle warms each window's own top N URLs: no warmer"
        + " can do better with N URLs. Savings = miss cost without warming &minus; miss cost with"
        + " warming &minus; warm cost; breakeven is the origin CPU per miss above which warming"
        + " pays.</p>\n</body></html>\n");
    w.write(sb.toString());
  }

  private static void dd(StringBuilder sb, String term, String value, boolean escapeValue) {
    sb.append("<dt>").append(escape(term)).append("</dt><dd>")
        .append(escapeValue ? escape(value) : value).append("</dd>\n");
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- formatting

  private static String breakeven(Roi r) {
    double b = r.breakevenMsPerMiss();
    return Double.isNaN(b) ? "never" : num(b);
  }

  static String money(double v) {
    if (v == 0 || Double.isNaN(v)) {
      return "0";
    }
    if (Math.abs(v) >= 1) {
      return String.format(Locale.ROOT, "%,.2f", v);
    }
    return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static String num(double v) {
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.2f%%", share * 100);
  }

  private static String pp(double diff) {
    return String.format(Locale.ROOT, "%+.2fpp", diff * 100);
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    int exp = (int) (Math.log(bytes) / Math.log(1024));
    return String.format(Locale.ROOT, "%.1f %sB", bytes / Math.pow(1024, exp),
        "KMGTPE".charAt(exp - 1) + "i");
  }

}
