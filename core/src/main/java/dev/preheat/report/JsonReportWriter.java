package dev.preheat.report;

import dev.preheat.internal.json.Json;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Builds the JSON tree by hand so the output follows the published schema exactly. */
final class JsonReportWriter implements ReportWriter {

  static final JsonReportWriter INSTANCE = new JsonReportWriter();

  private static final JsonMapper MAPPER = Json.PRETTY;

  private JsonReportWriter() {}

  @Override
  public void write(WarmReport r, Writer out) throws IOException {
    try {
      MAPPER.writeValue(out, tree(r));
    } catch (JacksonIOException e) {
      throw e.getCause(); // the writer's own failure, as before
    }
  }

  static ObjectNode tree(WarmReport r) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", r.schemaVersion());
    root.put("planHash", r.planHash());
    root.put("startedAt", r.startedAt().toString());
    root.put("elapsedMillis", r.elapsed().toMillis());
    if (r.stopReason() == null) {
      root.putNull("stopReason");
    } else {
      root.put("stopReason", r.stopReason());
    }
    root.set("totals", figures(r.totals()));
    ObjectNode hosts = root.putObject("hosts");
    new TreeMap<>(r.hosts()).forEach((h, f) -> hosts.set(h, figures(f)));
    ObjectNode slo = root.putObject("slo");
    slo.put("targetShare", r.slo().targetShare());
    slo.put("withinMillis", r.slo().within().toMillis());
    slo.put("achievedShare", r.slo().achievedShare());
    slo.put("met", r.slo().met());
    WarmReport.Verification v = r.verification();
    if (v == null) {
      root.putNull("verification");
    } else {
      ObjectNode vn = root.putObject("verification");
      vn.put("sampled", v.sampled());
      vn.put("hits", v.hits());
      vn.put("hitRatio", v.hitRatio());
      ArrayNode misses = vn.putArray("misses");
      v.misses().forEach(misses::add);
    }
    ArrayNode clamps = root.putArray("clamps");
    r.clamps().forEach(clamps::add);
    ArrayNode problems = root.putArray("problems");
    for (WarmReport.Problem p : r.problems()) {
      problems.addObject().put("key", p.key()).put("outcome", p.outcome()).put("detail", p.detail());
    }
    ArrayNode stages = root.putArray("stages");
    for (StageReport s : r.stages()) {
      stages.add(stage(s));
    }
    return root;
  }

  private static ObjectNode stage(StageReport s) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("name", s.name());
    n.put("region", s.region());
    putNullable(n, "target", s.target());
    putNullable(n, "connectTo", s.connectTo());
    if (s.rate() == null) {
      n.putNull("rate");
    } else {
      n.put("rate", s.rate());
    }
    n.put("concurrency", s.concurrency());
    ArrayNode variants = n.putArray("variants");
    s.variants().forEach(variants::add);
    n.put("targets", s.targets());
    n.put("status", s.status().name());
    putNullable(n, "detail", s.detail());
    n.put("attempts", s.attempts());
    if (s.report() == null) {
      n.putNull("report");
    } else {
      n.set("report", tree(s.report()));
    }
    ArrayNode gates = n.putArray("gateDecisions");
    for (StageReport.GateDecision d : s.gateDecisions()) {
      ObjectNode g = gates.addObject();
      g.put("attempt", d.attempt());
      g.put("at", d.at().toString());
      g.put("passed", d.passed());
      g.put("sampled", d.sampled());
      g.put("hitRatio", d.hitRatio());
      g.put("errorRate", d.errorRate());
      if (d.uplift() == null) {
        g.putNull("uplift");
      } else {
        g.put("uplift", d.uplift());
      }
      ArrayNode failures = g.putArray("failures");
      d.failures().forEach(failures::add);
      g.put("action", d.action());
    }
    StageReport.Canary c = s.canary();
    if (c == null) {
      n.putNull("canary");
    } else {
      ObjectNode cn = n.putObject("canary");
      cn.put("entries", c.entries());
      cn.put("sampledBefore", c.sampledBefore());
      if (c.hitRatioBefore() == null) {
        cn.putNull("hitRatioBefore");
      } else {
        cn.put("hitRatioBefore", c.hitRatioBefore());
      }
      cn.put("sampledAfter", c.sampledAfter());
      cn.put("hitRatioAfter", c.hitRatioAfter());
      if (c.uplift() == null) {
        cn.putNull("uplift");
      } else {
        cn.put("uplift", c.uplift());
      }
    }
    StageReport.Budget b = s.budget();
    if (b == null) {
      n.putNull("budget");
    } else {
      n.putObject("budget").put("day", b.day()).put("requestsPerDay", b.requestsPerDay())
          .put("bytesPerDay", b.bytesPerDay()).put("pauseAt", b.pauseAt())
          .put("requestsBefore", b.requestsBefore()).put("bytesBefore", b.bytesBefore())
          .put("requestsAfter", b.requestsAfter()).put("bytesAfter", b.bytesAfter())
          .put("paused", b.paused());
    }
    return n;
  }

  private static void putNullable(ObjectNode n, String field, String value) {
    if (value == null) {
      n.putNull(field);
    } else {
      n.put(field, value);
    }
  }

  private static ObjectNode figures(HostFigures f) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("targets", f.targets());
    n.set("outcomes", counts(f.outcomes()));
    n.set("skipped", counts(f.skipped()));
    n.set("cacheStatuses", counts(f.cacheStatuses()));
    n.put("requestsSent", f.requestsSent());
    n.put("conditionalFetches", f.conditionalFetches());
    n.put("fullFetches", f.fullFetches());
    n.put("bodyBytes", f.bodyBytes());
    n.put("retries", f.retries());
    n.put("breakerOpens", f.breakerOpens());
    n.set("pauses", counts(new TreeMap<>(f.pauses())));
    n.set("timeToFirstByte", latency(f.timeToFirstByte()));
    n.set("totalTime", latency(f.totalTime()));
    return n;
  }

  private static ObjectNode counts(Map<?, Long> m) {
    ObjectNode n = MAPPER.createObjectNode();
    m.forEach((k, v) -> n.put(k.toString(), v));
    return n;
  }

  private static ObjectNode latency(LatencySummary l) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("count", l.count());
    n.put("p50Millis", l.p50Millis());
    n.put("p95Millis", l.p95Millis());
    n.put("p99Millis", l.p99Millis());
    n.put("maxMillis", l.maxMillis());
    return n;
  }
}
